import { acknowledged, type WebhookAttempt } from "./world/ledger";
import type { CitizenResult } from "./world/citizen";
import type { World } from "./world/world";

export interface DrillOptions {
  /** The short variant: fewer people, one kill, a shorter outage (what `npm test` runs). */
  fast: boolean;
  /** Where logs of this run go. */
  outDir: string;
  seed: number;
  mongodbUri?: string;
  /** Progress lines for the operator. */
  log: (line: string) => void;
}

export interface Drill {
  name: string;
  /** One line: what is done to the bot. */
  summary: string;
  /** Part of the fast set (`--fast` without names, and the jest test). */
  fast: boolean;
  run(options: DrillOptions): Promise<DrillResult>;
}

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
  /** Depends on the machine's speed (LINE's 2-second timeout): reported, never asserted by tests. */
  speed?: boolean;
}

export interface Counts {
  sent: number;
  acknowledged: number;
  processed: number;
  lost: number;
  duplicated: number;
}

/** Lost and duplicated effects other than answers: tips, notifications, campaign messages, evidence. */
export interface Effect {
  expected: number;
  lost: number;
  duplicated: number;
}

export interface DrillResult {
  drill: string;
  summary: string;
  passed: boolean;
  fast: boolean;
  seed: number;
  startedAt: string;
  durationMs: number;
  /** Events and effects together: the numbers of the results table. */
  counts: Counts;
  events: Counts & { unacknowledged: number; deadLettered: number };
  effects: Record<string, Effect>;
  bot: {
    starts: number;
    kills: number;
    unexpectedExits: number;
    unhandledRejections: number;
    errorLines: number;
    userIdLeaks: number;
    errorSamples: string[];
    log: string;
  };
  webhooks: { attempts: number; byStatus: Record<string, number>; max503Ms: number; maxMs: number };
  /** The bot's Messaging API calls as LINE answered them, by endpoint and status. */
  lineCalls: Record<string, number>;
  citizens?: { started: number; reported: number; outcomes: Record<string, number> };
  checks: Check[];
  /** Ids and messages to look at when something failed. */
  evidence: { lostEvents: string[]; duplicatedEvents: string[]; problems: string[] };
  notes: string[];
}

export interface Window {
  from: number;
  to: number;
}

export interface AccountOptions {
  drill: Drill;
  options: DrillOptions;
  startedAt: number;
  /** When the database was away, widened by a grace for the driver to reconnect: 503 is expected only here. */
  databaseAway?: Window[];
  effects?: Record<string, Effect>;
  citizens?: CitizenResult[];
  checks?: Check[];
  notes?: string[];
  /** Events judged by the drill itself (hostile bodies it expects refused), not by the standard checks. */
  judgedByDrill?: (label: string) => boolean;
}

/** A reply token is good for one minute after LINE sends the event (LINE-FACTS.md §3). */
const replyTokenMs = 60_000;

/**
 * After a kill, the restarted instance must get the dead one's chats back (their leases run out)
 * while the events' reply tokens are still good: then every answer is a reply, none a late push.
 * Depends on how fast the machine restarts the bot, so it is a speed check.
 */
export function answeredByReplyInTime(world: World): Check {
  const answers = world.ledger.all().flatMap((entry) =>
    entry.answers
      .filter((answer) => answer.purpose === "turn")
      .map((answer) => ({
        answer,
        waitMs: answer.at - Math.min(...entry.attempts.map((attempt) => attempt.at)),
      })),
  );
  const pushed = answers.filter(({ answer }) => answer.via === "push").length;
  const late = answers.filter(({ waitMs }) => waitMs >= replyTokenMs).length;
  const longestMs = Math.max(0, ...answers.map(({ waitMs }) => waitMs));
  return {
    name: "every answer a reply, within the reply token's minute",
    ok: pushed === 0 && late === 0,
    detail: `${answers.length} answers: ${pushed} by push, ${late} after a minute; longest wait ${Math.round(longestMs)} ms`,
    speed: true,
  };
}

const overlaps = (attempt: WebhookAttempt, window: Window) =>
  attempt.at <= window.to && attempt.at + attempt.ms >= window.from;

/**
 * The accounting every drill ends with, from LINE's side and the database's: per event sent /
 * acknowledged / processed / lost / duplicated, the drill's effects, whether the bot stayed up, what
 * its log says, and how every webhook was answered. A drill passes when every check holds.
 */
export async function account(world: World, a: AccountOptions): Promise<DrillResult> {
  await world.line.idle();
  const entries = world.ledger.all();
  const statuses = await world.inboxStatuses(entries.map((entry) => entry.id));
  const events = {
    sent: 0,
    acknowledged: 0,
    processed: 0,
    lost: 0,
    duplicated: 0,
    unacknowledged: 0,
    deadLettered: 0,
  };
  const lostEvents: string[] = [];
  const duplicatedEvents: string[] = [];
  for (const entry of entries) {
    const acked = acknowledged(entry);
    const status = statuses.get(entry.id);
    const processed = entry.answered ? entry.answers.length > 0 : status === "done" || status === "failed";
    events.sent++;
    if (acked) events.acknowledged++;
    else if (!a.judgedByDrill?.(entry.label)) events.unacknowledged++;
    if (processed) events.processed++;
    if (status === "failed") events.deadLettered++;
    if (acked && !processed) {
      events.lost++;
      lostEvents.push(`${entry.id} (${entry.label}, inbox: ${status ?? "absent"})`);
    }
    if (entry.answers.length > 1) {
      events.duplicated++;
      duplicatedEvents.push(
        `${entry.id} (${entry.label}): ${entry.answers.map((answer) => `${answer.via}/${answer.purpose}`).join(", ")}`,
      );
    }
  }
  const effects = a.effects ?? {};
  const effectLost = Object.values(effects).reduce((sum, effect) => sum + effect.lost, 0);
  const effectDuplicated = Object.values(effects).reduce((sum, effect) => sum + effect.duplicated, 0);

  const attempts = entries
    .filter((entry) => !a.judgedByDrill?.(entry.label))
    .flatMap((entry) => entry.attempts)
    .filter((attempt, index, all) => all.indexOf(attempt) === index); // one body, many events: one attempt
  const byStatus: Record<string, number> = {};
  for (const attempt of attempts)
    byStatus[String(attempt.status)] = (byStatus[String(attempt.status)] ?? 0) + 1;
  const away = a.databaseAway ?? [];
  const down = world.bot.downtimes.map((window) => ({ from: window.from, to: window.to ?? Date.now() }));
  // Anything but 2xx and 503 is a wrong answer, and so is a refused connection while the bot was up.
  const wrong = attempts.filter((attempt) => {
    if (typeof attempt.status === "number") return attempt.status >= 300 && attempt.status !== 503;
    if (attempt.status === "could_not_connect") return !down.some((w) => overlaps(attempt, w));
    return false;
  });
  // A 503 with the database up means the inbox write took over its 1.5 s bound: a slow machine.
  const misplaced503 = attempts.filter(
    (attempt) => attempt.status === 503 && !away.some((w) => overlaps(attempt, w)),
  );
  const timeouts = attempts.filter((attempt) => attempt.status === "request_timeout");
  const answered503 = attempts.filter((attempt) => attempt.status === 503);
  const max503Ms = Math.max(0, ...answered503.map((attempt) => attempt.ms));

  const bot = world.bot;
  const citizens = a.citizens;
  const outcomes: Record<string, number> = {};
  citizens?.forEach((citizen) => (outcomes[citizen.outcome] = (outcomes[citizen.outcome] ?? 0) + 1));
  const problems = (citizens ?? []).filter((citizen) => citizen.problem).map((citizen) => citizen.problem!);
  const lost = events.lost + effectLost;
  const duplicated = events.duplicated + effectDuplicated;

  const checks: Check[] = [
    { name: "nothing lost", ok: lost === 0, detail: `${events.lost} events, ${effectLost} effects` },
    {
      name: "nothing duplicated",
      ok: duplicated === 0,
      detail: `${events.duplicated} events, ${effectDuplicated} effects`,
    },
    {
      name: "the bot stayed up (no exit but the drill's kills)",
      ok: bot.unexpectedExits.length === 0,
      detail: bot.unexpectedExits
        .map((exit) => `code ${exit.code} signal ${exit.signal} at ${exit.at}`)
        .join("; "),
    },
    { name: "no unhandled promise rejection logged", ok: bot.stats.unhandledRejections === 0 },
    { name: "no LINE user id in the bot's log", ok: bot.stats.userIdLeaks === 0 },
    {
      name: "every event acknowledged within LINE's redeliveries",
      ok: events.unacknowledged === 0,
      detail: `${events.unacknowledged} never got a 2xx`,
    },
    {
      name: "every webhook answered 2xx or 503, refused connections only while the bot was down",
      ok: wrong.length === 0,
      detail: wrong
        .slice(0, 5)
        .map((attempt) => `${attempt.status} at ${new Date(attempt.at).toISOString()}`)
        .join("; "),
    },
    {
      name: "503 only while the database was away",
      ok: misplaced503.length === 0,
      detail: misplaced503
        .slice(0, 5)
        .map((attempt) => `503 at ${new Date(attempt.at).toISOString()} after ${attempt.ms} ms`)
        .join("; "),
      speed: true,
    },
    {
      name: "every webhook answered within LINE's 2 s (503s included)",
      ok: timeouts.length === 0,
      detail: `${timeouts.length} timeouts; slowest 503 ${max503Ms} ms`,
      speed: true,
    },
    ...(citizens
      ? [
          {
            name: "every answer a citizen got was the prompt expected next",
            ok: problems.length === 0,
            detail: problems.slice(0, 3).join("; "),
          },
        ]
      : []),
    ...(a.checks ?? []),
  ];

  return {
    drill: a.drill.name,
    summary: a.drill.summary,
    passed: checks.every((check) => check.ok),
    fast: a.options.fast,
    seed: a.options.seed,
    startedAt: new Date(a.startedAt).toISOString(),
    durationMs: Date.now() - a.startedAt,
    counts: {
      sent: events.sent,
      acknowledged: events.acknowledged,
      processed: events.processed,
      lost,
      duplicated,
    },
    events,
    effects,
    bot: {
      starts: bot.starts,
      kills: bot.kills,
      unexpectedExits: bot.unexpectedExits.length,
      unhandledRejections: bot.stats.unhandledRejections,
      errorLines: bot.stats.errors,
      userIdLeaks: bot.stats.userIdLeaks,
      errorSamples: bot.stats.errorSamples,
      log: bot.logFile,
    },
    webhooks: {
      attempts: attempts.length,
      byStatus,
      max503Ms,
      maxMs: Math.max(0, ...attempts.map((attempt) => attempt.ms)),
    },
    lineCalls: { ...world.line.answeredCalls },
    ...(citizens && {
      citizens: { started: citizens.length, reported: outcomes.reported ?? 0, outcomes },
    }),
    checks,
    evidence: {
      lostEvents: lostEvents.slice(0, 50),
      duplicatedEvents: duplicatedEvents.slice(0, 50),
      problems,
    },
    notes: a.notes ?? [],
  };
}

/**
 * Tips per citizen as the bot filed them (reporter_tips, by the reporter pseudonym): one for each
 * citizen who got a receipt, none for the others — two would be a report applied twice.
 */
export async function tipEffect(world: World, citizens: CitizenResult[]): Promise<Effect> {
  const links = world.db.connection.collection<{ reporter: string }>("reporter_tips");
  const effect: Effect = { expected: 0, lost: 0, duplicated: 0 };
  for (const citizen of citizens) {
    const filed = await links.countDocuments({ reporter: world.reporterKey(citizen.userId) });
    const expected = citizen.outcome === "reported" ? 1 : 0;
    effect.expected += expected;
    if (filed < expected) effect.lost += expected - filed;
    if (filed > 1) effect.duplicated += filed - 1;
  }
  return effect;
}

/** Stored evidence per tip (complete GridFS files attached to it) against the photos each citizen sent. */
export async function evidenceEffect(world: World, citizens: CitizenResult[]): Promise<Effect> {
  const effect: Effect = { expected: 0, lost: 0, duplicated: 0 };
  const tips = world.db.connection.collection<{ _id: unknown; code: string }>("tips");
  const files = world.db.connection.collection("evidence.files");
  for (const citizen of citizens) {
    if (citizen.outcome !== "reported" || !citizen.code) continue;
    const tip = await tips.findOne({ code: citizen.code });
    if (!tip) continue; // counted by tipEffect
    const tipId = String(tip._id);
    const stored = await files.countDocuments({
      "metadata.tipId": { $in: [tipId, tip._id] },
      "metadata.authTag": { $type: "string" },
    });
    effect.expected += citizen.imagesStored;
    if (stored < citizen.imagesStored) effect.lost += citizen.imagesStored - stored;
    if (stored > citizen.imagesStored) effect.duplicated += stored - citizen.imagesStored;
  }
  return effect;
}
