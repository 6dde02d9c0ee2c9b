import { randomBytes } from "node:crypto";
import type { webhook } from "@line/bot-sdk";
import { fakeUserId } from "../../../src/dev/line-platform";
import { ulid } from "../../../src/dev/line-platform/ids";
import { account, tipEffect, type Check, type Drill } from "../drill";
import { crowd } from "../world/citizen";
import { seededRandom } from "../world/random";
import { isApology } from "../world/texts";
import { World } from "../world/world";

const destination = "U8e742f61d673b39c7fff3cecb7536ef0";

/** Texts and postback data an attacker (or a confused phone) sends: NoSQL operators, __proto__, control characters. */
const hostileTexts = [
  '{"$gt": ""}',
  '{"$where": "sleep(10000) || true"}',
  "__proto__",
  '{"__proto__": {"polluted": true}}',
  "constructor",
  "TK-$where-1==1",
  "$ne",
  "\u0000\ud800\u202e",
  "x".repeat(5_000),
];
const hostilePostbacks = [
  "__proto__=1",
  "c[$ne]=x",
  "o=ack&t[$gt]=",
  "constructor=prototype",
  '{"$gt":""}',
  "c=reply&v[$regex]=.*",
];

/** A signed body the bot must refuse with `status` (and store nothing of). */
interface Refusal {
  what: string;
  body: string | Buffer;
  status: number;
  signature?: string;
}

function event(overrides: Record<string, unknown>): Record<string, unknown> {
  const now = Date.now();
  return {
    type: "message",
    mode: "active",
    timestamp: now,
    webhookEventId: ulid(now),
    deliveryContext: { isRedelivery: false },
    source: { type: "user", userId: fakeUserId() },
    replyToken: randomBytes(16).toString("hex"),
    message: { id: "1", type: "text", quoteToken: "q", text: "สวัสดี" },
    ...overrides,
  };
}

const body = (events: unknown[]) => JSON.stringify({ destination, events });

function refusals(): Refusal[] {
  const deep = "[".repeat(10_000) + "]".repeat(10_000);
  return [
    {
      what: "an object as webhookEventId",
      body: body([event({ webhookEventId: { $gt: "" } })]),
      status: 400,
    },
    { what: "a number as webhookEventId", body: body([event({ webhookEventId: 42 })]), status: 400 },
    {
      what: "a 10,000-character webhookEventId",
      body: body([event({ webhookEventId: "A".repeat(10_000) })]),
      status: 400,
    },
    {
      what: "an operator as the source's userId",
      body: body([event({ source: { type: "user", userId: { $ne: null } } })]),
      status: 400,
    },
    {
      what: "__proto__ as the source",
      body: body([event({ source: JSON.parse('{"__proto__":{"type":"user"}}') })]),
      status: 400,
    },
    { what: "a string timestamp", body: body([event({ timestamp: "yesterday" })]), status: 400 },
    { what: "an event without a type", body: body([event({ type: undefined })]), status: 400 },
    { what: "an operator as the type", body: body([event({ type: { $ne: "" } })]), status: 400 },
    {
      what: "a body nested 10,000 deep",
      body: `{"destination":"${destination}","events":[{"type":"message","x":${deep}}]}`,
      status: 400,
    },
    { what: "no events array", body: JSON.stringify({ destination }), status: 400 },
    { what: "events that are not objects", body: body(["message", 42, null]), status: 400 },
    { what: "an array for a body", body: "[]", status: 400 },
    { what: "truncated JSON", body: body([event({})]).slice(0, 40), status: 400 },
    { what: "a wrong signature", body: body([event({})]), status: 401, signature: "A".repeat(43) + "=" },
    { what: "no signature", body: body([event({})]), status: 401, signature: "" },
    {
      what: "a body over the size limit",
      body: body([event({ padding: "x".repeat(1_100_000) })]),
      status: 413,
    },
  ];
}

/**
 * The hostile corpus of issue 8 against the running bot: signed bodies of shapes the inbox cannot
 * use (operator ids, deep nesting, missing fields) must get a 4xx and store nothing; hostile but
 * well-formed content (NoSQL operators and __proto__ in texts and postback data, invalid UTF-8, a
 * message event without a message, an unknown event type, 1,000 events in one body) must be taken
 * and answered — or dead-lettered with an apology — once. Afterwards citizens report as usual.
 */
export const hostile: Drill = {
  name: "hostile",
  summary: "hostile corpus: malformed signed bodies, operators and __proto__, invalid UTF-8, 1,000 events",
  fast: true,
  async run(options) {
    const startedAt = Date.now();
    const world = await World.create({
      drill: this.name,
      outDir: options.outDir,
      random: seededRandom(options.seed),
      mongodbUri: options.mongodbUri,
    });
    try {
      await world.bot.start();
      const { line, ledger } = world;
      const { platform } = line;
      const checks: Check[] = [];

      const inbox = world.db.connection.collection("webhook_events");
      const storedBefore = await inbox.countDocuments();
      const wrong: string[] = [];
      for (const refusal of refusals()) {
        const signature = refusal.signature === "" ? "" : (refusal.signature ?? line.sign(refusal.body));
        const attempt = await line.postRaw(refusal.body, signature);
        if (attempt.status !== refusal.status)
          wrong.push(`${refusal.what}: ${attempt.status}, not ${refusal.status}`);
      }
      checks.push(
        {
          name: "every malformed body refused with its 4xx (never a 5xx)",
          ok: wrong.length === 0,
          detail: wrong.join("; "),
        },
        { name: "nothing of a refused body was stored", ok: (await inbox.countDocuments()) === storedBefore },
      );

      // Hostile but well-formed: each from a citizen of its own, so no rate limit is in play.
      const ids: string[] = [];
      for (const text of hostileTexts)
        ids.push(line.send(platform.textFrom(fakeUserId(), text), "hostile-text"));
      for (const data of hostilePostbacks)
        ids.push(line.send(platform.postbackFrom(fakeUserId(), data), "hostile-postback"));
      ids.push(
        line.send(
          {
            type: "message",
            source: { type: "user", userId: fakeUserId() },
            message: { id: "2", type: "text", text: { $gt: "" } },
          },
          "text-that-is-an-object",
        ),
      );

      // A message event without a message: dead-lettered at once with an apology, and the chat moves on.
      const broken = fakeUserId();
      const brokenId = line.send({ type: "message", source: { type: "user", userId: broken } }, "no-message");
      const afterBrokenId = line.send(platform.textFrom(broken, "เมนู"), "after-no-message");
      ids.push(brokenId, afterBrokenId);

      // An event type LINE may add later: taken (200), answered with nothing.
      ids.push(
        line.send(
          { type: "somethingNew", source: { type: "user", userId: fakeUserId() } },
          "unknown-type",
          false,
        ),
      );

      // Invalid UTF-8 in a signed body: posted as bytes; its reply token is not LINE's, so the answer comes by push.
      const utf8Event = event({ message: { id: "3", type: "text", quoteToken: "q", text: "XX" } });
      ledger.register(utf8Event as unknown as webhook.Event, "raw:invalid-utf8");
      const prefix = Buffer.from(body([utf8Event]));
      const at = prefix.indexOf("XX");
      const invalid = Buffer.concat([
        prefix.subarray(0, at),
        Buffer.from([0xff, 0xfe, 0xc3]),
        prefix.subarray(at + 2),
      ]);
      const utf8Attempt = await line.postRaw(invalid);
      ledger.recordAttempt([utf8Event.webhookEventId as string], utf8Attempt);
      ids.push(utf8Event.webhookEventId as string);
      checks.push({ name: "a body with invalid UTF-8 is taken (200)", ok: utf8Attempt.status === 200 });

      // 1,000 events in one body, from 1,000 new friends.
      const thousand = line.sendMany(
        Array.from({ length: 1_000 }, () => platform.follow(fakeUserId())),
        "one-of-1000",
      );
      ids.push(...thousand);

      const answered = await Promise.all(
        ids.map(async (id) =>
          ledger.get(id)!.answered ? (await ledger.firstAnswer(id, 600_000)) !== undefined : true,
        ),
      );
      const brokenAnswer = ledger.get(brokenId)!.answers[0];
      checks.push(
        {
          name: "every hostile but well-formed event answered",
          ok: answered.every(Boolean),
          detail: `${answered.filter((a) => !a).length} unanswered`,
        },
        {
          name: "a message event without a message is dead-lettered with an apology and the chat's next event answered",
          ok:
            brokenAnswer !== undefined &&
            isApology(brokenAnswer.messages) &&
            (await world.inboxStatuses([brokenId])).get(brokenId) === "failed" &&
            ledger.get(afterBrokenId)!.answers.length > 0,
        },
      );

      // Afterwards: ordinary citizens report as if nothing had happened.
      const citizens = await crowd(world, { concurrency: 2, total: 2 });
      return await account(world, {
        drill: this,
        options,
        startedAt,
        citizens,
        effects: { tips: await tipEffect(world, citizens) },
        checks,
        judgedByDrill: (label) => label.startsWith("raw:"),
        notes: [`${refusals().length} malformed bodies, ${ids.length} hostile events taken`],
      });
    } finally {
      await world.close();
    }
  },
};
