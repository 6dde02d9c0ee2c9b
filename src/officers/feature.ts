import type { webhook } from "@line/bot-sdk";
import type { Model, QueryFilter, mongo } from "mongoose";
import type { Feature } from "../events/router";
import { Batcher } from "../data/batcher";
import { driverCollection } from "../data/database";
import type { Turn } from "../line/turn";
import type { Logger } from "../log";
import type { LineGateway, Message } from "../line/gateway";
import { retryKeyFor } from "../line/retry-key";
import { textMessage } from "../line/messages";
import { localeFromLanguageTag, type Locale, type TextArgs } from "../i18n";
import { characterCount } from "../conversation/inputs/text-checks";
import type { Tip } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { minuteIso } from "../tips/coarse-time";
import type { AuditChannel, AuditLog } from "./audit";
import { cancelButton, caseCard, closeReasonPrompt, detailMessages, statusMenu } from "./cards";
import { nextStatuses, type CaseOutcome, type CaseService, type CaseView, type Refusal } from "./cases";
import type { OfficerDirectory } from "./directory";
import type { EnrollmentLockout } from "./enrollment-lockout";
import type { EvidenceLinks } from "./evidence-links";
import type { CaseFormatter } from "./format";
import type { Officer, OfficerSession } from "./models";
import { isOfficerPostback, parseOfficerPostback, type OfficerPostback } from "./postback";
import { roleAtLeast, type CaseAction } from "./roles";
import { officerPrincipal, type CaseRouter, type Principal } from "./routing";

export interface OfficerFeatureDeps {
  directory: OfficerDirectory;
  cases: CaseService;
  router: CaseRouter;
  tips: TipService;
  sessions: Model<OfficerSession>;
  format: CaseFormatter;
  links: EvidenceLinks;
  audit: AuditLog;
  /** Wrong enrollment codes lock the sender (and a group) out for a while. */
  lockout: EnrollmentLockout;
  line: LineGateway;
  logger: Logger;
  now: () => Date;
  /** How long an officer has to type a question or a close reason. */
  sessionTtlMs?: number;
  richMenus?: { showOfficerMenu(userId: string, locale: Locale): Promise<void> };
  /** A one-time sign-in link to the web console for this officer (`/console`). */
  consoleLink?: (officer: Officer, now: Date) => Promise<string>;
}

const enrollCommand = /^\/(enroll|ลงทะเบียน)(?:\s+(.*))?$/is;
const casesCommand = /^\/(cases|เรื่อง)$/i;
const consoleCommand = /^\/(console|คอนโซล)$/i;
const cancelWords = /^(\/cancel|cancel|ยกเลิก)$/i;
/** Lengths (in characters) of a question for the reporter and of a close reason, in chat and console alike. */
export const questionBounds = { min: 1, max: 2000 };
export const reasonBounds = { min: 2, max: 500 };

const verbAction: Record<OfficerPostback["verb"], CaseAction> = {
  ack: "acknowledge",
  view: "view",
  ask: "ask",
  status: "set-status",
  set: "set-status",
  close: "close",
  assign: "assign",
  cancel: "view",
};

type Chat = { kind: "user"; userId: string } | { kind: "group" | "room"; chatId: string; userId?: string };

/**
 * Officers in LINE: enrollment with `/enroll CODE` (1:1 enrolls the sender, a group registers the
 * group), case buttons in groups and 1:1, and the typed follow-ups a button starts (a question for
 * the reporter, a close reason). Placed before the citizen chat; everything it does not claim falls
 * through to it. Every tap is checked against enrollment, role and scope as they are at that moment.
 */
export class OfficerFeature implements Feature {
  readonly name = "officers";

  constructor(private readonly deps: OfficerFeatureDeps) {}

  private sessionCollection: mongo.Collection<OfficerSession> | undefined;
  /**
   * Every 1:1 text asks "is this an officer typing a question or a close reason?": the chats
   * processed at the same moment ask in one query (see Batcher). It reads committed sessions, outside
   * the event's transaction, which is what the transaction would see too: a session is written by an
   * earlier, committed tap (in a group, or earlier in this chat, whose events run in order).
   */
  private readonly sessionChecks = new Batcher<string, boolean>(async (officerIds) => {
    const found = await (this.sessionCollection ??= driverCollection(this.deps.sessions))
      .find(
        { _id: { $in: [...new Set(officerIds)] }, expiresAt: { $gt: this.deps.now() } },
        { projection: { _id: 1 } },
      )
      .toArray();
    const open = new Set(found.map((session) => session._id));
    return officerIds.map((id) => open.has(id));
  });

  /**
   * Session checks started by `prepare`, by event: the events that start together share one
   * query, where asked from `handles` — inside the group's transaction, one work after another —
   * each would be a query of its own. Taken once by `handles`.
   */
  private readonly earlyChecks = new WeakMap<webhook.Event, Promise<boolean>>();

  prepare(event: webhook.Event): void {
    const officerId = this.sessionCheckFor(event);
    if (officerId === undefined) return;
    const check = this.sessionChecks.run(officerId);
    check.catch(() => undefined); // its failure is handles' to report, if the event gets that far
    this.earlyChecks.set(event, check);
  }

  /** The officer id whose session `handles` must look up for this event: 1:1 texts that are no officer command. */
  private sessionCheckFor(event: webhook.Event): string | undefined {
    const chat = chatOf(event);
    if (chat?.kind !== "user" || event.type !== "message" || event.message.type !== "text") return undefined;
    const text = event.message.text.trim();
    if (enrollCommand.test(text) || casesCommand.test(text)) return undefined;
    if (consoleCommand.test(text) && this.deps.consoleLink) return undefined;
    return this.deps.directory.officerIdFor(chat.userId);
  }

  async handles(event: webhook.Event): Promise<boolean> {
    const chat = chatOf(event);
    if (!chat) return false;
    if (chat.kind !== "user") {
      if (event.type === "join" || event.type === "leave") return true;
      if (event.type === "postback") return isOfficerPostback(event.postback.data);
      return (
        event.type === "message" &&
        event.message.type === "text" &&
        enrollCommand.test(event.message.text.trim())
      );
    }
    if (event.type === "postback") return isOfficerPostback(event.postback.data);
    if (event.type !== "message" || event.message.type !== "text") return false;
    const text = event.message.text.trim();
    if (enrollCommand.test(text) || casesCommand.test(text)) return true;
    if (consoleCommand.test(text) && this.deps.consoleLink) return true;
    const early = this.earlyChecks.get(event);
    this.earlyChecks.delete(event);
    return early ?? this.sessionChecks.run(this.deps.directory.officerIdFor(chat.userId));
  }

  async localeOf(event: webhook.Event): Promise<Locale | undefined> {
    const userId = event.source?.userId;
    if (!userId) return undefined;
    const officer = await this.deps.directory.officerByUserId(userId);
    return officer?.locale;
  }

  async handle(turn: Turn): Promise<void> {
    const event = turn.event;
    const chat = chatOf(event);
    if (!chat) return;
    if (event.type === "join") return turn.say(this.text("th", "officer-group-joined"));
    if (event.type === "leave" && chat.kind !== "user") return this.groupLeft(chat.chatId);
    if (event.type === "postback") return this.tap(turn, chat, event.postback.data);
    if (event.type !== "message" || event.message.type !== "text") return;
    const text = event.message.text.trim();
    const enroll = enrollCommand.exec(text);
    if (enroll) return this.enroll(turn, chat, (enroll[2] ?? "").trim());
    if (chat.kind !== "user") return;
    if (casesCommand.test(text)) return this.listCases(turn, chat.userId);
    if (consoleCommand.test(text)) return this.consoleSignIn(turn, chat.userId);
    return this.typed(turn, chat.userId, event.message.text);
  }

  // ---- enrollment ------------------------------------------------------------------------------

  private async enroll(turn: Turn, chat: Chat, code: string): Promise<void> {
    const { directory, audit } = this.deps;
    const now = this.deps.now();
    const officerId = chat.userId ? directory.officerIdFor(chat.userId) : undefined;
    const actor = officerId ? `officer:${officerId}` : "unknown";
    const inGroup = chat.kind !== "user";
    const locale = inGroup ? "th" : ((await this.profileLocale(chat.userId)) ?? "th");
    if (!code) return turn.say(this.text(locale, "officer-enroll-usage"));
    // The person is limited wherever they type; a group also on its own, whoever types in it.
    const groupId = inGroup ? directory.groupIdFor(chat.chatId) : undefined;
    const keys = [...(officerId ? [`person:${officerId}`] : []), ...(groupId ? [`group:${groupId}`] : [])];
    const lockedUntil = await this.deps.lockout.lockedUntil(keys, now);
    if (lockedUntil) return turn.say(this.lockedText(locale, lockedUntil));

    const channel: AuditChannel = inGroup ? "line-group" : "line";
    const action = inGroup ? "enroll-group" : "enroll";
    const enrolled = await this.redeem(chat, code, locale, now);
    if (!enrolled.ok) {
      await audit.record({ actor, action, channel, outcome: "refused", reason: enrolled.reason });
      const locks = await this.deps.lockout.miss(keys, now);
      for (const lock of locks) {
        await audit.record({
          actor,
          action: "enroll-lockout",
          channel,
          outcome: "refused",
          reason: "too-many-attempts",
          details: {
            lockedFor: lock.key.startsWith("group:") ? "group" : "person",
            ...(lock.key.startsWith("group:") && { groupId: groupId! }),
            lockedUntil: minuteIso(lock.lockedUntil),
          },
        });
      }
      if (locks.length > 0) return turn.say(this.lockedText(locale, locks.at(-1)!.lockedUntil));
      return turn.say(this.text(locale, "officer-enroll-invalid"));
    }
    await audit.record({ actor, action, channel, outcome: "ok", details: enrolled.details });
    turn.say(enrolled.reply);
  }

  /** Redeems the code for the sender (1:1) or the group, with the answer that tells them what they now are. */
  private async redeem(
    chat: Chat,
    code: string,
    locale: Locale,
    now: Date,
  ): Promise<{ ok: false; reason: string } | { ok: true; details: Record<string, string>; reply: Message }> {
    const { directory, format: f } = this.deps;
    if (chat.kind === "user") {
      const result = await directory.enrollOfficer(chat.userId, code, locale, now);
      if (!result.ok) return result;
      const officer = result.enrolled;
      const details = { codeId: officer.codeId, role: officer.role };
      // Campaign staff have no case buttons to tap: no officer menu, and the console is their door.
      if (officer.role === "campaign")
        return { ok: true, details, reply: this.text(locale, "officer-enrolled-campaign") };
      await this.deps.richMenus?.showOfficerMenu(chat.userId, locale);
      return {
        ok: true,
        details,
        reply: this.text(locale, "officer-enrolled", {
          role: f.role(officer.role, locale),
          scope: f.scope(officer.scope, locale),
        }),
      };
    }
    const result = await directory.enrollGroup(chat.kind, chat.chatId, code, now);
    if (!result.ok) return result;
    const group = result.enrolled;
    return {
      ok: true,
      details: { groupId: group._id, codeId: group.codeId },
      reply: this.text("th", "officer-group-enrolled", { scope: f.scope(group.scope, "th") }),
    };
  }

  /** "Try again after 14:05": the end of the lock, rounded up so the time shown is never too early. */
  private lockedText(locale: Locale, lockedUntil: Date): Message {
    const shown = new Date(Math.ceil(lockedUntil.getTime() / 60_000) * 60_000);
    return this.text(locale, "officer-enroll-locked", { time: this.deps.format.dateTime(shown, locale) });
  }

  private async groupLeft(chatId: string): Promise<void> {
    const { directory, audit } = this.deps;
    const id = directory.groupIdFor(chatId);
    if (await directory.revokeGroup(id, this.deps.now(), "left")) {
      await audit.record({
        actor: "system",
        action: "group-left",
        channel: "line-group",
        outcome: "ok",
        details: { groupId: id },
      });
    }
  }

  // ---- buttons -----------------------------------------------------------------------------------

  private async tap(turn: Turn, chat: Chat, data: string): Promise<void> {
    const { directory, cases } = this.deps;
    const postback = parseOfficerPostback(data);
    const inGroup = chat.kind !== "user";
    const channel: AuditChannel = inGroup ? "line-group" : "line";
    const officerId = chat.userId ? directory.officerIdFor(chat.userId) : undefined;
    const actor = officerId ? `officer:${officerId}` : "unknown";
    const officer = officerId ? await directory.officer(officerId) : null;
    const locale =
      officer?.locale ?? (chat.kind === "user" ? ((await this.profileLocale(chat.userId)) ?? "th") : "th");
    if (!postback) return turn.say(this.text(locale, "officer-unknown-button"));
    if (postback === "outdated") return turn.say(this.text(locale, "officer-button-outdated"));
    const tip = await cases.loadByRef(postback.tipRef);
    const action = verbAction[postback.verb];

    // A button tapped in a group that is not (or no longer) an officer group for this case, e.g. a
    // forwarded card: whatever the tapper's rights, the answer would tell that group about the case.
    const groupRefusal = chat.kind === "user" ? undefined : await this.groupRefusal(chat.chatId, tip);
    if (groupRefusal) {
      await cases.refuse(actor, action, groupRefusal, channel, tip);
      return turn.say(this.refusalText(locale, groupRefusal));
    }
    if (!officer || officer.status !== "active") {
      // LINE documents the tapper's user id in groups for message events only: without it nobody can be checked.
      const refusal: Refusal = !officerId ? "unidentified" : officer ? "revoked" : "not-enrolled";
      await cases.refuse(actor, action, refusal, channel, tip);
      return turn.say(this.refusalText(locale, refusal));
    }
    if (!tip) {
      await this.deps.audit.record({ actor, action, channel, outcome: "failed", reason: "not-found" });
      return turn.say(this.text(locale, "officer-case-not-found"));
    }
    const principal = officerPrincipal(officer);
    const ctx: TapContext = { turn, officer, principal, tip, locale, channel, inGroup };
    switch (postback.verb) {
      case "ack":
        return this.answer(
          ctx,
          await cases.acknowledge(principal, tip, channel),
          "officer-ack-done",
          "officer-ack-already",
        );
      case "assign":
        return this.answer(
          ctx,
          await cases.assign(principal, tip, channel),
          "officer-assign-done",
          "officer-assign-already",
        );
      case "set":
        if (!postback.status) return turn.say(this.text(locale, "officer-unknown-button"));
        return this.answer(
          ctx,
          await cases.setStatus(principal, tip, postback.status, undefined, channel),
          "officer-status-done",
          "officer-status-already",
        );
      case "view":
        return this.view(ctx);
      case "ask":
      case "status":
      case "close":
        return this.startPrivate(ctx, postback);
      case "cancel":
        await this.deps.sessions.deleteOne({ _id: officer._id });
        return turn.say(this.text(locale, "officer-cancelled"));
    }
  }

  /** Why case buttons may not be used in this group: it is not an active officer group, or not one for this case. */
  private async groupRefusal(chatId: string, tip: Tip | null): Promise<Refusal | undefined> {
    const group = await this.deps.directory.groupByChatId(chatId);
    if (!group || group.status !== "active") return "group-not-enrolled";
    const members: Principal = { actor: `group:${group._id}`, role: "officer", scope: group.scope };
    if (tip && !(await this.deps.router.canAccess(members, tip))) return "group-scope";
    return undefined;
  }

  /** Buttons that continue in private: a question, a status choice, a close reason. */
  private async startPrivate(ctx: TapContext, postback: OfficerPostback): Promise<void> {
    const { cases, format: f } = this.deps;
    const { turn, principal, tip, locale, channel } = ctx;
    const action = verbAction[postback.verb];
    if (ctx.inGroup) {
      await cases.refuse(principal.actor, action, "private-chat-only", channel, tip);
      return turn.say(this.refusalText(locale, "private-chat-only"));
    }
    const refusal = await cases.check(principal, action, tip);
    if (refusal) {
      await cases.refuse(principal.actor, action, refusal, channel, tip);
      return turn.say(this.refusalText(locale, refusal));
    }
    if (tip.status === "closed")
      return turn.say(this.text(locale, "officer-case-closed", { code: tip.code }));
    if (postback.verb === "status") {
      const next = nextStatuses(tip.status).filter(
        (status) => status !== "closed" || roleAtLeast(principal.role, "supervisor"),
      );
      return turn.say(...statusMenu(f, tip, locale, next));
    }
    if (postback.verb === "close" && postback.reason) {
      const outcome = await cases.setStatus(principal, tip, "closed", postback.reason, channel);
      // A preset reason ends the typed close the prompt started; later text is not a reason any more.
      await this.deps.sessions.deleteOne({ _id: ctx.officer._id, tipId: tip._id });
      return this.answer(ctx, outcome, "officer-status-done", "officer-status-already");
    }
    if (postback.verb === "close" && tip.status === "received") {
      return turn.say(this.text(locale, "officer-invalid-transition", { code: tip.code }));
    }
    const sessionAction = postback.verb === "ask" ? "ask" : "close";
    await this.deps.sessions.updateOne(
      { _id: ctx.officer._id },
      {
        $set: {
          action: sessionAction,
          tipId: tip._id,
          expiresAt: new Date(this.deps.now().getTime() + (this.deps.sessionTtlMs ?? 15 * 60_000)),
        },
      },
      { upsert: true },
    );
    if (sessionAction === "ask")
      return turn.say(...cancelButton(f, tip, locale, f.t(locale, "officer-ask-prompt", { code: tip.code })));
    turn.say(...closeReasonPrompt(f, tip, locale));
  }

  private async view(ctx: TapContext): Promise<void> {
    const { turn, principal, tip, locale, channel } = ctx;
    const outcome = await this.deps.cases.view(principal, tip, channel);
    if (!outcome.ok) return this.answer(ctx, outcome, "", "");
    const messages = this.detailMessages(ctx.officer, outcome.tip, outcome.value, locale);
    if (!ctx.inGroup) return turn.say(...messages);
    // Details never appear in a group: they go to the officer's own chat with the bot.
    try {
      await this.deps.line.push(
        this.deps.directory.openOfficerChat(ctx.officer),
        messages,
        retryKeyFor("officer-view", turn.eventId),
      );
      turn.say(this.text("th", "officer-view-sent-private", { code: tip.code }));
    } catch (error) {
      this.deps.logger.warn(
        { err: { type: (error as Error).name }, tipId: tip._id.toHexString() },
        "private details push failed",
      );
      turn.say(this.text("th", "officer-view-private-failed"));
    }
  }

  private detailMessages(officer: Officer, tip: Tip, view: CaseView, locale: Locale): Message[] {
    const now = this.deps.now();
    const evidence = view.evidence.map((item) => ({
      item,
      url: this.deps.links.url(item.ref, { kind: "officer", id: officer._id }, now),
    }));
    return detailMessages(this.deps.format, tip, view.details, locale, evidence, view.thread);
  }

  /** One answer per outcome: done (with the updated card in 1:1), unchanged, refused or conflicting. */
  private async answer(
    ctx: TapContext,
    outcome: CaseOutcome<unknown>,
    done: string,
    already: string,
  ): Promise<void> {
    const { turn, locale, tip } = ctx;
    const f = this.deps.format;
    if (!outcome.ok) {
      if ("refusal" in outcome) return turn.say(this.refusalText(locale, outcome.refusal));
      const key =
        outcome.conflict === "closed"
          ? "officer-case-closed"
          : outcome.conflict === "reason-required"
            ? "officer-close-needs-reason"
            : "officer-invalid-transition";
      return turn.say(this.text(locale, key, { code: tip.code }));
    }
    const updated = outcome.tip;
    const args = {
      code: updated.code,
      status: f.status(updated.status, locale),
      who: ctx.officer.label ?? f.t(locale, "officer-someone"),
      date: f.dateTime(updated.feedbackBy ?? updated.acknowledgeBy, locale),
    };
    if (!outcome.changed) return turn.say(this.text(locale, already, args));
    turn.say(this.text(locale, done, args));
    if (!ctx.inGroup)
      turn.say(caseCard(f, updated, locale, { title: "officer-card-updated-title", audience: "officer" }));
  }

  // ---- typed follow-ups --------------------------------------------------------------------------

  private async typed(turn: Turn, userId: string, raw: string): Promise<void> {
    const { directory, cases, sessions } = this.deps;
    const officerId = directory.officerIdFor(userId);
    const session = await this.session(officerId);
    const officer = await directory.officer(officerId);
    const locale = officer?.locale ?? "th";
    if (!session) return;
    const text = raw.trim();
    if (cancelWords.test(text)) {
      await sessions.deleteOne({ _id: officerId });
      return turn.say(this.text(locale, "officer-cancelled"));
    }
    const action: CaseAction = session.action === "ask" ? "ask" : "close";
    const tip = await cases.load(session.tipId.toHexString());
    if (!officer || officer.status !== "active") {
      await sessions.deleteOne({ _id: officerId });
      const refusal: Refusal = officer ? "revoked" : "not-enrolled";
      await cases.refuse(`officer:${officerId}`, action, refusal, "line", tip);
      return turn.say(this.refusalText(locale, refusal));
    }
    if (!tip) {
      await sessions.deleteOne({ _id: officerId });
      return turn.say(this.text(locale, "officer-case-not-found"));
    }
    const bounds = session.action === "ask" ? questionBounds : reasonBounds;
    const length = characterCount(text);
    if (length < bounds.min || length > bounds.max) {
      return turn.say(
        ...cancelButton(
          this.deps.format,
          tip,
          locale,
          this.deps.format.t(locale, "officer-text-length", {
            min: bounds.min,
            max: bounds.max,
            count: length,
          }),
        ),
      );
    }
    const principal = officerPrincipal(officer);
    const ctx: TapContext = { turn, officer, principal, tip, locale, channel: "line", inGroup: false };
    if (session.action === "ask") {
      const outcome = await cases.askReporter(principal, tip, text, "line");
      await sessions.deleteOne({ _id: officerId });
      if (!outcome.ok) return this.answer(ctx, outcome, "", "");
      return turn.say(
        this.text(
          locale,
          outcome.value.delivery === "push" ? "officer-ask-sent-push" : "officer-ask-sent-status-check",
          { code: tip.code },
        ),
      );
    }
    const outcome = await cases.setStatus(principal, tip, "closed", text, "line");
    await sessions.deleteOne({ _id: officerId });
    return this.answer(ctx, outcome, "officer-status-done", "officer-status-already");
  }

  private async session(officerId: string): Promise<OfficerSession | null> {
    // The TTL monitor runs about once a minute, so expiry is also checked here.
    return this.deps.sessions
      .findOne({ _id: officerId, expiresAt: { $gt: this.deps.now() } })
      .lean<OfficerSession>()
      .exec();
  }

  // ---- web console ------------------------------------------------------------------------------

  /** Sends a one-time sign-in link, only in the 1:1 chat and only to an active officer. */
  private async consoleSignIn(turn: Turn, userId: string): Promise<void> {
    const { directory, audit } = this.deps;
    const officer = await directory.officerByUserId(userId);
    const locale = officer?.locale ?? (await this.profileLocale(userId)) ?? "th";
    const actor = `officer:${directory.officerIdFor(userId)}`;
    if (!officer || officer.status !== "active") {
      const refusal: Refusal = officer ? "revoked" : "not-enrolled";
      await audit.record({
        actor,
        action: "console-link",
        channel: "line",
        outcome: "refused",
        reason: refusal,
      });
      return turn.say(this.refusalText(locale, refusal));
    }
    const url = await this.deps.consoleLink!(officer, this.deps.now());
    await audit.record({ actor, action: "console-link", channel: "line", outcome: "ok" });
    turn.say(this.text(locale, "officer-console-link", { url }));
  }

  // ---- lists -------------------------------------------------------------------------------------

  private async listCases(turn: Turn, userId: string): Promise<void> {
    const { directory, tips, router, format: f } = this.deps;
    const officer = await directory.officerByUserId(userId);
    const locale = officer?.locale ?? (await this.profileLocale(userId)) ?? "th";
    if (!officer || officer.status !== "active")
      return turn.say(this.refusalText(locale, officer ? "revoked" : "not-enrolled"));
    const filter = await openCasesFilter(officerPrincipal(officer), router);
    const open = filter
      ? await tips.tips.find(filter).sort({ acknowledgeBy: 1 }).limit(10).lean<Tip[]>().exec()
      : [];
    await this.deps.audit.record({
      actor: `officer:${officer._id}`,
      action: "list-cases",
      channel: "line",
      outcome: "ok",
      details: { count: open.length },
    });
    if (open.length === 0) return turn.say(this.text(locale, "officer-cases-empty"));
    turn.say({
      type: "flex",
      altText: f.t(locale, "officer-cases-alt", { count: open.length }),
      contents: {
        type: "carousel",
        contents: open.map((tip) => {
          const card = caseCard(f, tip, locale, { title: "officer-card-open-title", audience: "officer" });
          return card.contents as Extract<typeof card.contents, { type: "bubble" }>;
        }),
      },
    });
  }

  private refusalText(locale: Locale, refusal: Refusal): Message {
    return this.text(locale, `officer-refused-${refusal}`);
  }

  private text(locale: Locale, key: string, args?: TextArgs): Message {
    return textMessage(this.deps.format.t(locale, key, args));
  }

  private async profileLocale(userId: string): Promise<Locale | undefined> {
    try {
      return localeFromLanguageTag(await this.deps.line.getProfileLanguage(userId));
    } catch {
      return undefined; // the profile is a nicety: Thai is the default
    }
  }
}

interface TapContext {
  turn: Turn;
  officer: Officer;
  principal: Principal;
  tip: Tip;
  locale: Locale;
  channel: AuditChannel;
  inGroup: boolean;
}

/** Open cases a principal may handle; undefined when it covers nothing. */
export async function openCasesFilter(
  principal: Principal,
  router: CaseRouter,
): Promise<QueryFilter<Tip> | undefined> {
  const access = await router.accessFilter(principal.role, principal.scope);
  return access && { $and: [access, { status: { $ne: "closed" as const } }] };
}

function chatOf(event: webhook.Event): Chat | undefined {
  const source = event.source;
  if (!source) return undefined;
  if (source.type === "user") return source.userId ? { kind: "user", userId: source.userId } : undefined;
  if (source.type === "group")
    return { kind: "group", chatId: source.groupId, ...(source.userId && { userId: source.userId }) };
  if (source.type === "room")
    return { kind: "room", chatId: source.roomId, ...(source.userId && { userId: source.userId }) };
  return undefined;
}
