/**
 * What the load generator sends: one-event webhooks as LINE sends them (compact JSON, signed with
 * the channel secret, a fresh webhookEventId and reply token each), from two kinds of citizens.
 *
 * - new users: every event from a user id the bot has never seen, typing the menu keyword;
 * - returning users: a fixed pool of users in the middle of a report, whose messages are typed
 *   answers that advance the report flow (flows/report.ts) and write its state, round after round:
 *   start, answer every question up to the review, cancel. test/scripts/bench/traffic.test.ts
 *   walks a citizen through this script on the real bot and checks every answer is accepted.
 */
import { createHmac, randomBytes } from "node:crypto";
import { ulid } from "../../src/dev/line-platform/ids";

export type TrafficKind = "new" | "returning";

/** A typed answer and the locale key of the prompt the bot must answer it with. */
export interface ScriptedAnswer {
  text: string;
  prompt: string;
}

/** One round of a returning user's report, in Thai, from start to cancel (typed, no buttons). */
export const returningUserScript: readonly ScriptedAnswer[] = [
  { text: "แจ้งเบาะแส", prompt: "report-consent" },
  { text: "ยินยอม", prompt: "report-category" },
  { text: "สินบน", prompt: "report-agency-type" },
  { text: "อบต", prompt: "report-agency-name" },
  { text: "อบต.สันทรายหลวง", prompt: "report-place" },
  { text: "สันทราย", prompt: "report-when" },
  { text: "เมื่อวาน", prompt: "report-narrative" },
  { text: "เจ้าหน้าที่เรียกเงินห้าพันบาทเพื่อให้ใบอนุญาตก่อสร้างออกเร็วขึ้น", prompt: "report-people" },
  { text: "หัวหน้าฝ่ายโยธา", prompt: "report-evidence" },
  { text: "ไม่มีหลักฐาน", prompt: "report-updates" },
  { text: "ไม่", prompt: "report-review" },
  { text: "ยกเลิก", prompt: "report-cancelled" },
];

/** What a new user types: the main menu keyword (answered with the menu). */
export const newUserText = "เมนู";

/**
 * Reply tokens carry the phase and the event's number, so a reply arriving at the fake LINE names
 * its event without a lookup table: 8 hex digits of phase, 24 of sequence (LINE's are 32 hex too).
 */
export function replyTokenFor(phase: number, seq: number): string {
  return phase.toString(16).padStart(8, "0") + seq.toString(16).padStart(24, "0");
}

export function parseReplyToken(token: string): { phase: number; seq: number } | undefined {
  if (!/^[0-9a-f]{32}$/.test(token)) return undefined;
  return { phase: parseInt(token.slice(0, 8), 16), seq: parseInt(token.slice(8), 16) };
}

/** A user id of the returning pool: stable within a pool, different between pools (salt). */
export function returningUserId(salt: string, index: number): string {
  return `U${createHmac("sha256", salt).update(String(index)).digest("hex").slice(0, 32)}`;
}

export function newUserId(): string {
  return `U${randomBytes(16).toString("hex")}`;
}

export interface SignedWebhook {
  body: Buffer;
  signature: string;
}

/** A one-event webhook body exactly as LINE sends a text message, and its x-line-signature. */
export function textWebhook(options: {
  secret: string;
  destination: string;
  userId: string;
  text: string;
  replyToken: string;
  timestamp: number;
  messageId: string;
}): SignedWebhook {
  const { secret, destination, userId, text, replyToken, timestamp, messageId } = options;
  const json = JSON.stringify({
    destination,
    events: [
      {
        replyToken,
        type: "message",
        mode: "active",
        timestamp,
        source: { type: "user", userId },
        webhookEventId: ulid(timestamp),
        deliveryContext: { isRedelivery: false },
        message: {
          id: messageId,
          type: "text",
          quoteToken: `q${randomBytes(24).toString("base64url")}`,
          markAsReadToken: randomBytes(24).toString("base64url"),
          text,
        },
      },
    ],
  });
  const body = Buffer.from(json, "utf8");
  return { body, signature: createHmac("sha256", secret).update(body).digest("base64") };
}
