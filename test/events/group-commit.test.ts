import { startHarness, type Harness } from "../support/harness";
import { exceededTimeLimit, failCommand } from "../support/fail-points";
import { TestUser, textOf } from "../support/test-user";

/**
 * Group commit through the real path: signed webhooks carrying many chats' events at once, the
 * processor draining them side by side, their turns committed in groups (src/data/unit-of-work.ts)
 * on the embedded store over TCP, answers delivered by the fake LINE platform. Every chat must get
 * what it would have got alone, once, whatever fails in its group.
 */
let harness: Harness;

/** Each test drives a dozen chats through the whole service: seconds alone, minutes on a loaded machine (seen: 330 s for the file at load 15). */
const slowOnLoadedMachine = 300_000;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await failCommand(harness.database.uri, "off");
  await harness.stop();
});

/** The first steps of a report, as a citizen types them (typed labels work as taps do). */
const script = (user: TestUser) => [
  "แจ้งเบาะแส",
  user.t("choice-consent-yes"),
  user.t("category-bribery"),
  user.t("agency-local-government"),
];

/** The texts of every batch delivered to `user` since `from`, one entry per batch. */
function answersTo(user: TestUser, from: number): string[] {
  return harness.platform
    .deliveries()
    .slice(from)
    .filter((delivery) => delivery.to === user.userId)
    .map((delivery) => delivery.messages.map(textOf).join("\n"));
}

/** One webhook with one text of each citizen: their chats are ready together. */
async function allSay(citizens: TestUser[], texts: string[]): Promise<void> {
  const sent = await harness.platform.sendWebhook(
    citizens.map((citizen, i) => harness.platform.textFrom(citizen.userId, texts[i]!)),
  );
  expect(sent.status).toBe(200);
  await harness.settle();
}

/** What a citizen alone is answered at each step of the script. */
async function answersAlone(): Promise<string[]> {
  const alone = new TestUser(harness);
  const from = harness.platform.deliveries().length;
  for (const text of script(alone)) await alone.says(text);
  return answersTo(alone, from);
}

test(
  "when many chats' events are ready together, then they commit in groups and each chat gets the answers it gets alone, once",
  async () => {
    const expected = await answersAlone();
    const citizens = Array.from({ length: 12 }, () => new TestUser(harness));
    const from = harness.platform.deliveries().length;
    const groupsBefore = harness.service.transactions.counts.groups;
    const hitsBefore = harness.service.transactions.counts.prefetchHits;

    for (let step = 0; step < expected.length; step++)
      await allSay(
        citizens,
        citizens.map((citizen) => script(citizen)[step]!),
      );

    for (const citizen of citizens) expect(answersTo(citizen, from)).toEqual(expected);
    expect(harness.service.transactions.counts.groups).toBeGreaterThan(groupsBefore);
    // Their states were read ahead by their groups (one query each), not one read per turn.
    expect(harness.service.transactions.counts.prefetchHits).toBeGreaterThan(hitsBefore);
  },
  slowOnLoadedMachine,
);

test(
  "when the group's deferred state writes fail, then every chat of the group is answered once after running alone",
  async () => {
    const expected = await answersAlone();
    const citizens = Array.from({ length: 8 }, () => new TestUser(harness));
    const from = harness.platform.deliveries().length;
    await allSay(
      citizens,
      citizens.map((citizen) => script(citizen)[0]!),
    );
    const fallbacksBefore = harness.service.transactions.counts.fallbacks;

    // The next update of conversations is the group's one command for all its chats' states.
    const { uri, dbName } = harness.database;
    await failCommand(
      uri,
      { times: 1 },
      { failCommands: ["update"], errorCode: exceededTimeLimit, namespace: `${dbName}.conversations` },
    );
    await allSay(
      citizens,
      citizens.map((citizen) => script(citizen)[1]!),
    );
    await failCommand(uri, "off");
    // Whoever was in the failing command alone (a group of one) waits for its retry.
    harness.clock.advance(5_000);
    await harness.service.processor.scheduleDueWork();
    await harness.settle();
    for (let step = 2; step < expected.length; step++)
      await allSay(
        citizens,
        citizens.map((citizen) => script(citizen)[step]!),
      );

    for (const citizen of citizens) expect(answersTo(citizen, from)).toEqual(expected);
    expect(harness.service.transactions.counts.fallbacks).toBeGreaterThan(fallbacksBefore);
  },
  slowOnLoadedMachine,
);

test(
  "when the database connection drops at a group's commit, then nothing is lost or answered twice",
  async () => {
    const expected = await answersAlone();
    const citizens = Array.from({ length: 8 }, () => new TestUser(harness));
    const from = harness.platform.deliveries().length;
    await allSay(
      citizens,
      citizens.map((citizen) => script(citizen)[0]!),
    );

    const { uri } = harness.database;
    await failCommand(uri, { times: 1 }, { failCommands: ["commitTransaction"], closeConnection: true });
    await allSay(
      citizens,
      citizens.map((citizen) => script(citizen)[1]!),
    );
    await failCommand(uri, "off");
    // The events that failed with the connection wait for their retry; then every chat is answered.
    for (let attempt = 0; attempt < 5; attempt++) {
      harness.clock.advance(30_000);
      await harness.service.processor.scheduleDueWork();
      await harness.settle();
    }
    for (let step = 2; step < expected.length; step++)
      await allSay(
        citizens,
        citizens.map((citizen) => script(citizen)[step]!),
      );

    for (const citizen of citizens) expect(answersTo(citizen, from)).toEqual(expected);
  },
  slowOnLoadedMachine,
);
