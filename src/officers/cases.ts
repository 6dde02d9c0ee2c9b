import { Types } from "mongoose";
import type { Tip, TipDetails, TipStatus } from "../tips/tip";
import type { TipDeadlines, TipService } from "../tips/tip-service";
import type { EvidenceItem, EvidenceStore } from "../tips/evidence";
import type { AuditChannel, AuditLog } from "./audit";
import type { NotificationOutbox } from "./outbox";
import { caseActions, roleAtLeast, type CaseAction } from "./roles";
import type { CaseRouter, Principal } from "./routing";
import type { CaseThread, OpenedMessage, TipMessage } from "./thread";
import type { CaseNotes, OpenedNote } from "./notes";
import { toMinute } from "../tips/coarse-time";

export const statusOrder: readonly TipStatus[] = [
  "received",
  "acknowledged",
  "under-review",
  "referred",
  "closed",
];

/** Statuses a case may move to: forward only, and a new case must be acknowledged first. */
export function nextStatuses(current: TipStatus): TipStatus[] {
  if (current === "received") return ["acknowledged"];
  return statusOrder.slice(statusOrder.indexOf(current) + 1);
}

/** Why an actor may not do something: answered to them and written to the audit log. */
export type Refusal =
  | "not-enrolled"
  | "revoked"
  | "role"
  | "scope"
  | "private-chat-only"
  | "unidentified"
  /** A case button tapped in a group that is not an enrolled officer group. */
  | "group-not-enrolled"
  /** A case button tapped in an officer group whose scope does not cover the case. */
  | "group-scope"
  /** An assignment to an officer who may not see the case. */
  | "assignee-scope";

export type CaseOutcome<T = undefined> =
  | { ok: true; changed: boolean; tip: Tip; value: T }
  | { ok: false; refusal: Refusal }
  | { ok: false; conflict: "invalid-transition" | "closed" | "reason-required" };

export interface CaseServiceDeps {
  tips: TipService;
  evidence: Pick<EvidenceStore, "list">;
  router: CaseRouter;
  audit: AuditLog;
  thread: CaseThread;
  notes: CaseNotes;
  outbox: NotificationOutbox;
  deadlines: TipDeadlines;
  contactRetentionAfterCloseMs: number;
  /** Marks a case's satisfaction question asked, once ever (src/tips/satisfaction.ts); absent: nobody is asked. */
  satisfaction?: { claimQuestion(tip: Tip): Promise<boolean> };
  now: () => Date;
}

export interface CaseView {
  details: TipDetails;
  evidence: EvidenceItem[];
  thread: OpenedMessage[];
  /** Internal notes between officers (never shown to the reporter). */
  notes: OpenedNote[];
}

/** Someone a case can be assigned to: an officer, who must be able to see the case. */
export interface Assignee {
  officerId: string;
  principal: Principal;
}

/**
 * Case handling as use cases shared by the LINE officer chat, the web console and the admin API. Each one checks role
 * and scope at the moment it runs, changes the case with a conditional update (so the same tap twice
 * changes nothing the second time), tells the reporter when they opted in, and writes the audit log.
 */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  /** By internal id (officer sessions, evidence files); outside callers name tips by ref or code. */
  async load(tipId: string): Promise<Tip | null> {
    if (!Types.ObjectId.isValid(tipId) || !/^[0-9a-f]{24}$/i.test(tipId)) return null;
    return this.deps.tips.tips.findById(tipId).lean<Tip>().exec();
  }

  /** By the public ref buttons and the admin API carry. */
  async loadByRef(ref: string): Promise<Tip | null> {
    return this.deps.tips.findByRef(ref);
  }

  /** The role and scope check, without auditing (callers audit what they then do). */
  async check(principal: Principal, action: CaseAction, tip: Tip): Promise<Refusal | undefined> {
    if (!roleAtLeast(principal.role, caseActions[action])) return "role";
    if (!(await this.deps.router.canAccess(principal, tip))) return "scope";
    return undefined;
  }

  /** Audits a refusal decided before a principal exists (not enrolled, revoked) or by `check`. */
  async refuse(
    actor: string,
    action: string,
    refusal: Refusal,
    channel: AuditChannel,
    tip?: Tip | null,
  ): Promise<CaseOutcome<never>> {
    await this.deps.audit.record({
      actor,
      action,
      channel,
      outcome: "refused",
      reason: refusal,
      ...(tip && { tipId: tip._id, tipCode: tip.code }),
    });
    return { ok: false, refusal };
  }

  /** The case file; a chat card shows the last few thread messages, the console the whole thread. */
  async view(
    principal: Principal,
    tip: Tip,
    channel: AuditChannel,
    options: { threadLimit?: number } = {},
  ): Promise<CaseOutcome<CaseView>> {
    const refusal = await this.check(principal, "view", tip);
    if (refusal) return this.refuse(principal.actor, "view", refusal, channel, tip);
    const [evidence, thread, notes] = await Promise.all([
      this.deps.evidence.list(tip._id.toHexString()),
      this.deps.thread.recent(tip._id, options.threadLimit ?? 5),
      this.deps.notes.list(tip._id),
    ]);
    const details = this.deps.tips.openDetails(tip);
    await this.audit(principal, "view", channel, tip, "ok");
    return { ok: true, changed: false, tip, value: { details, evidence, thread, notes } };
  }

  /** An internal note for the officers on the case; the reporter never sees it. */
  async addNote(principal: Principal, tip: Tip, text: string, channel: AuditChannel): Promise<CaseOutcome> {
    const refusal = await this.check(principal, "note", tip);
    if (refusal) return this.refuse(principal.actor, "note", refusal, channel, tip);
    const note = await this.deps.notes.add(tip._id, principal.actor, text, this.deps.now());
    await this.audit(principal, "note", channel, tip, "ok", { noteId: note._id.toHexString() });
    return { ok: true, changed: true, tip, value: undefined };
  }

  async acknowledge(principal: Principal, tip: Tip, channel: AuditChannel): Promise<CaseOutcome> {
    const refusal = await this.check(principal, "acknowledge", tip);
    if (refusal) return this.refuse(principal.actor, "acknowledge", refusal, channel, tip);
    const now = toMinute(this.deps.now()); // a tip's times are kept to the minute (coarse-time.ts)
    const updated = await this.deps.tips.tips
      .findOneAndUpdate(
        { _id: tip._id, status: "received" },
        {
          $set: {
            status: "acknowledged",
            acknowledgedAt: now,
            feedbackBy: new Date(now.getTime() + this.deps.deadlines.feedbackWithinMs),
            dueAt: new Date(now.getTime() + this.deps.deadlines.feedbackWithinMs),
          },
          $push: { history: { status: "acknowledged", at: now, actor: principal.actor } },
        },
        { returnDocument: "after" },
      )
      .lean<Tip>()
      .exec();
    if (!updated) return this.unchanged(principal, "acknowledge", channel, tip);
    await this.audit(principal, "acknowledge", channel, updated, "ok");
    await this.tellReporterStatus(updated);
    return { ok: true, changed: true, tip: updated, value: undefined };
  }

  async setStatus(
    principal: Principal,
    tip: Tip,
    status: TipStatus,
    reason: string | undefined,
    channel: AuditChannel,
  ): Promise<CaseOutcome> {
    if (status === "acknowledged") return this.acknowledge(principal, tip, channel);
    const action = status === "closed" ? "close" : "set-status";
    const refusal = await this.check(principal, action, tip);
    if (refusal) return this.refuse(principal.actor, action, refusal, channel, tip);
    // Already there or further on: a repeated tap or a stale button, not an error.
    if (statusOrder.indexOf(status) <= statusOrder.indexOf(tip.status))
      return this.unchanged(principal, action, channel, tip, { status });
    if (!nextStatuses(tip.status).includes(status)) return { ok: false, conflict: "invalid-transition" };
    if (status === "closed" && !reason?.trim()) return { ok: false, conflict: "reason-required" };

    const now = toMinute(this.deps.now());
    const closing = status === "closed" ? { closedAt: now, closeReason: reason!.trim() } : {};
    const updated = await this.deps.tips.tips
      .findOneAndUpdate(
        { _id: tip._id, status: tip.status },
        {
          $set: { status, ...closing },
          // A closed case has no deadline left.
          ...(status === "closed" && { $unset: { dueAt: 1 } }),
          $push: {
            history: {
              status,
              at: now,
              actor: principal.actor,
              ...(status === "closed" && { reason: reason!.trim() }),
            },
          },
        },
        { returnDocument: "after" },
      )
      .lean<Tip>()
      .exec();
    if (!updated) return this.unchanged(principal, action, channel, tip, { status });
    await this.audit(principal, action, channel, updated, "ok", { status });
    // A reporter who opted in is asked how satisfied they are with the closing push (once per case,
    // ever); the others are asked at their next status check of the case.
    const askSatisfaction =
      status === "closed" &&
      Boolean(await this.deps.tips.contacts.exists({ tipId: tip._id })) &&
      (await this.deps.satisfaction?.claimQuestion(updated)) === true;
    await this.tellReporterStatus(updated, askSatisfaction);
    if (status === "closed") {
      // The way back to the reporter, and the link from their pseudonym to the case, are kept only
      // for a grace period after the case closes (TTL indexes on deleteAfter).
      const deleteAfter = new Date(updated.closedAt!.getTime() + this.deps.contactRetentionAfterCloseMs);
      await this.deps.tips.contacts.updateOne({ tipId: tip._id }, { $set: { deleteAfter } });
      await this.deps.tips.reporterTips.updateOne({ tipId: tip._id }, { $set: { deleteAfter } });
    }
    return { ok: true, changed: true, tip: updated, value: undefined };
  }

  /**
   * Assigns the case to the acting officer ("take it", the chat button) or to a colleague, who must
   * be able to see the case themselves (their own role and scope, checked now).
   */
  async assign(principal: Principal, tip: Tip, channel: AuditChannel, to?: Assignee): Promise<CaseOutcome> {
    const refusal = await this.check(principal, "assign", tip);
    if (refusal) return this.refuse(principal.actor, "assign", refusal, channel, tip);
    const assignee = to ?? (principal.officerId && { officerId: principal.officerId, principal });
    if (!assignee) return this.refuse(principal.actor, "assign", "role", channel, tip);
    if (to && (await this.check(to.principal, "view", tip)))
      return this.refuse(principal.actor, "assign", "assignee-scope", channel, tip);
    if (tip.status === "closed") return { ok: false, conflict: "closed" };
    const updated = await this.deps.tips.tips
      .findOneAndUpdate(
        { _id: tip._id, assignedTo: { $ne: assignee.officerId } },
        { $set: { assignedTo: assignee.officerId } },
        { returnDocument: "after" },
      )
      .lean<Tip>()
      .exec();
    if (!updated) return this.unchanged(principal, "assign", channel, tip);
    await this.audit(principal, "assign", channel, updated, "ok", {
      ...(to && { assignee: assignee.officerId }),
      ...(tip.assignedTo && { previous: tip.assignedTo }),
    });
    return { ok: true, changed: true, tip: updated, value: undefined };
  }

  /**
   * A question (or message) for the reporter: stored in the thread, pushed when the reporter opted
   * in, otherwise shown at their next status check. The officer learns which, never who.
   */
  async askReporter(
    principal: Principal,
    tip: Tip,
    text: string,
    channel: AuditChannel,
  ): Promise<CaseOutcome<{ delivery: "push" | "status-check"; message: TipMessage }>> {
    const refusal = await this.check(principal, "ask", tip);
    if (refusal) return this.refuse(principal.actor, "ask", refusal, channel, tip);
    if (tip.status === "closed") return { ok: false, conflict: "closed" };
    const message = await this.deps.thread.add(
      tip._id,
      { direction: "to-reporter", author: principal.actor, text },
      this.deps.now(),
    );
    const reachable = await this.deps.tips.contacts.exists({ tipId: tip._id });
    if (reachable) {
      await this.deps.outbox.enqueue([
        {
          key: `reporter-question:${message._id.toHexString()}`,
          kind: "reporter-question",
          tipId: tip._id,
          target: { type: "reporter", id: tip._id.toHexString() },
          messageId: message._id,
        },
      ]);
      this.deps.outbox.kick();
    }
    const delivery = reachable ? "push" : "status-check";
    await this.audit(principal, "ask", channel, tip, "ok", {
      messageId: message._id.toHexString(),
      delivery,
    });
    return { ok: true, changed: true, tip, value: { delivery, message } };
  }

  /** One push per case and status (its key); `askSatisfaction` adds the satisfaction question to it. */
  private async tellReporterStatus(tip: Tip, askSatisfaction = false): Promise<void> {
    if (!(await this.deps.tips.contacts.exists({ tipId: tip._id }))) return;
    await this.deps.outbox.enqueue([
      {
        key: `reporter-status:${tip._id.toHexString()}:${tip.status}`,
        kind: "reporter-status",
        tipId: tip._id,
        target: { type: "reporter", id: tip._id.toHexString() },
        params: { status: tip.status, ...(askSatisfaction && { satisfaction: "ask" }) },
      },
    ]);
    this.deps.outbox.kick();
  }

  private async unchanged(
    principal: Principal,
    action: string,
    channel: AuditChannel,
    tip: Tip,
    details?: Record<string, string>,
  ): Promise<CaseOutcome> {
    const current = (await this.load(tip._id.toHexString())) ?? tip;
    await this.audit(principal, action, channel, current, "unchanged", details);
    return { ok: true, changed: false, tip: current, value: undefined };
  }

  private async audit(
    principal: Principal,
    action: string,
    channel: AuditChannel,
    tip: Tip,
    outcome: "ok" | "unchanged",
    details?: Record<string, string>,
  ): Promise<void> {
    await this.deps.audit.record({
      actor: principal.actor,
      action,
      channel,
      outcome,
      tipId: tip._id,
      tipCode: tip.code,
      ...(details && Object.keys(details).length > 0 && { details }),
    });
  }
}
