import type { FlowAction } from "../conversation/engine";
import type { TextRef } from "../conversation/flow";
import type { ReporterQuestion } from "../conversation/citizen-actions";
import { storedEvidenceIds, type EvidenceList } from "../conversation/inputs/evidence";
import type { EvidenceStore } from "../tips/evidence";
import type { Tip } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { normalizeTrackingCode } from "../tips/tracking-code";
import type { AuditLog } from "./audit";
import type { OfficerDirectory } from "./directory";
import type { CaseFormatter } from "./format";
import type { NewNotification, NotificationOutbox } from "./outbox";
import type { CaseRouter } from "./routing";
import type { CaseThread, TipMessage } from "./thread";

export interface ReporterRelayDeps {
  tips: TipService;
  evidence: Pick<EvidenceStore, "attachToTip" | "discardDraft">;
  thread: CaseThread;
  outbox: NotificationOutbox;
  directory: OfficerDirectory;
  router: CaseRouter;
  audit: AuditLog;
  format: CaseFormatter;
  now: () => Date;
}

/** How many officer messages a status check shows (the status card shows the last three). */
const shownOnStatusCheck = 3;

/** The reporter's side of the anonymous thread, as the citizen chat uses it. */
export interface ReporterRelay {
  /** Officers' questions shown at a status check, answered ones marked. */
  reporterQuestions: (tip: Tip) => Promise<ReporterQuestion[]>;
  /** Why this pseudonym cannot answer about this report (closed, or not theirs): asked before the reply flow starts. */
  replyRefusal: (reporter: string, code: string) => Promise<TextRef | undefined>;
  /** Codes of the reporter's open reports with a question waiting for them. */
  awaitingAnswer: (reporter: string) => Promise<string[]>;
  /** The "reporter-reply" flow's action. */
  relayReporterReply: FlowAction;
}

/**
 * The reporter's side of the anonymous thread: officer questions shown at a status check, and the
 * "reporter-reply" flow's action that puts the answer (and any new evidence) into the case and in
 * front of the officer who asked — after checking that this pseudonym submitted that tip, both when
 * the reply starts and when it is sent (the case may close meanwhile).
 */
export function reporterRelay(deps: ReporterRelayDeps): ReporterRelay {
  const { tips, thread } = deps;

  async function reporterQuestions(tip: Tip): Promise<ReporterQuestion[]> {
    const messages = await thread.recent(tip._id, shownOnStatusCheck, "to-reporter");
    return messages.map((message) => ({
      text: message.text,
      at: message.at,
      answered: message.answeredAt !== undefined,
    }));
  }

  /** The tip a reply is for and whether this pseudonym may answer it; refusals are audited. */
  async function replyTarget(
    reporter: string,
    code: string | null,
  ): Promise<{ tip: Tip } | { refusal: "closed" | "not-owner"; tip: Tip | null; owns: boolean }> {
    const tip = code ? await tips.findByCode(code) : null;
    const owns = tip ? await tips.reporterTips.exists({ reporter, tipId: tip._id }) : null;
    // Closed is checked first: once the case has been closed a while, the link from the reporter to
    // it is gone (it expires with the case), and "closed" is the true answer for them. It tells
    // nobody else anything a status check with the code would not.
    const refusal = tip?.status === "closed" ? "closed" : !tip || !owns ? "not-owner" : undefined;
    if (!refusal && tip) return { tip };
    await deps.audit.record({
      actor: "reporter",
      action: "reporter-reply",
      channel: "line",
      outcome: "refused",
      reason: refusal,
      ...(tip && owns && { tipId: tip._id, tipCode: tip.code }),
    });
    return { refusal: refusal ?? "not-owner", tip, owns: Boolean(owns) };
  }

  const refusalText = (refusal: "closed" | "not-owner"): TextRef => ({
    key: refusal === "closed" ? "reply-case-closed" : "reply-not-found",
  });

  async function replyRefusal(reporter: string, code: string): Promise<TextRef | undefined> {
    const target = await replyTarget(reporter, normalizeTrackingCode(code));
    return "refusal" in target ? refusalText(target.refusal) : undefined;
  }

  async function awaitingAnswer(reporter: string): Promise<string[]> {
    const open = (await tips.listForReporter(reporter, 10)).filter((tip) => tip.status !== "closed");
    const waiting = await Promise.all(open.map((tip) => thread.hasOpenQuestion(tip._id)));
    return open.filter((_, index) => waiting[index]).map((tip) => tip.code);
  }

  /** Officers to hand the answer to: whoever asked last, else the assignee, else the case's route. */
  async function answerRecipients(tip: Tip, message: TipMessage): Promise<NewNotification[]> {
    const messageKey = `reporter-answer:${message._id.toHexString()}`;
    const officerIds: string[] = [];
    const asker = await thread.lastAsker(tip._id);
    if (asker?.startsWith("officer:")) officerIds.push(asker.slice("officer:".length));
    if (tip.assignedTo && !officerIds.includes(tip.assignedTo)) officerIds.push(tip.assignedTo);
    const active = (await Promise.all(officerIds.map((id) => deps.directory.officer(id)))).filter(
      (officer) => officer?.status === "active",
    );
    const route =
      active.length > 0 ? { officers: active.map((o) => o!), groups: [] } : await deps.router.routeFor(tip);
    const base = { kind: "reporter-answer" as const, tipId: tip._id, messageId: message._id };
    return [
      ...route.officers.map((officer) => ({
        ...base,
        key: `${messageKey}:o:${officer._id}`,
        target: { type: "officer" as const, id: officer._id },
      })),
      // Officers on the route get the text in 1:1; groups only hear that an answer came.
      ...(route.officers.length === 0
        ? route.groups.map((group) => ({
            ...base,
            key: `${messageKey}:g:${group._id}`,
            target: { type: "group" as const, id: group._id },
          }))
        : []),
    ];
  }

  const relayReporterReply: FlowAction = async (answers, context) => {
    const evidenceIds = storedEvidenceIds(answers.evidence as EvidenceList | undefined);
    const code = typeof answers.code === "string" ? normalizeTrackingCode(answers.code) : null;
    const target = await replyTarget(context.key, code);
    if ("refusal" in target) {
      // Nothing is linked to a case the sender cannot answer for; their uploads are discarded.
      if (evidenceIds.length > 0) await deps.evidence.discardDraft(context.key, evidenceIds);
      return refusalText(target.refusal);
    }
    const { tip } = target;

    const attached =
      evidenceIds.length > 0
        ? await deps.evidence.attachToTip(evidenceIds, context.key, tip._id.toHexString())
        : 0;
    if (attached > 0) await tips.tips.updateOne({ _id: tip._id }, { $inc: { evidenceCount: attached } });
    const message = await thread.add(
      tip._id,
      {
        direction: "from-reporter",
        author: "reporter",
        text: String(answers.answer ?? ""),
        evidenceIds: attached > 0 ? evidenceIds : [],
      },
      context.now,
    );
    await thread.markQuestionsAnswered(tip._id, context.now);
    await deps.outbox.enqueue(await answerRecipients(tip, message));
    deps.outbox.kick();
    await deps.audit.record({
      actor: "reporter",
      action: "reporter-reply",
      channel: "line",
      outcome: "ok",
      tipId: tip._id,
      tipCode: tip.code,
      details: { messageId: message._id.toHexString(), evidence: attached },
    });
    return { key: "reply-sent", args: { code: tip.code } };
  };

  return { reporterQuestions, replyRefusal, awaitingAnswer, relayReporterReply };
}
