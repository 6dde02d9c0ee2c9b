import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Catalog, type LockOwner } from "../../../src/dev/embedded-store/catalog";
import { Collection } from "../../../src/dev/embedded-store/collection";
import { ChangeJournal, replayJournal } from "../../../src/dev/embedded-store/journal";
import { JournalWriter } from "../../../src/dev/embedded-store/journal-writer";
import { parseIndexSpec } from "../../../src/dev/embedded-store/indexes";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "embedded-journal-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Journals what `work` does to a fresh catalogue and returns the journal file's bytes. */
async function journalOf(work: (catalog: Catalog) => void): Promise<Buffer> {
  const catalog = new Catalog();
  const writer = new JournalWriter({ directory, pathOf: (g) => join(directory, `j${g}`), generation: 1 });
  catalog.attach(new ChangeJournal(writer));
  work(catalog);
  await writer.close();
  return readFile(join(directory, "j1")).catch(() => Buffer.alloc(0));
}

/** What a client could observe: per namespace, options, uuid, index specs and documents in natural order. */
function stateOf(catalog: Catalog): Record<string, unknown> {
  return Object.fromEntries(
    catalog.allCollections().map((collection) => [
      collection.ns,
      {
        options: collection.options,
        uuid: collection.view ? undefined : collection.uuid.toHexString(),
        indexes: collection.indexSpecs(),
        docs: collection.all(),
      },
    ]),
  );
}

const spec = (raw: Record<string, unknown>) => parseIndexSpec(raw, undefined);
const owner: LockOwner = { ended: Promise.resolve() };
const ridOf = (collection: Collection, id: unknown): number => collection.findById(id)!.rid;

test("when a journal is replayed on an empty catalogue, then it rebuilds the same collections, views, indexes and documents", async () => {
  let expected: Record<string, unknown> = {};
  const data = await journalOf((catalog) => {
    const tips = catalog.collectionForWrite("demo", "tips");
    tips.createIndex(spec({ key: { code: 1 }, name: "code_1", unique: true }));
    tips.createIndex(spec({ key: { seenAt: 1 }, name: "seenAt_1", expireAfterSeconds: 60 }));
    tips.insert({ _id: 1, code: "A" });
    tips.insert({ _id: 2, code: "B" });
    tips.insert({ _id: 3, code: "C" });
    tips.replace(ridOf(tips, 1), { _id: 1, code: "A", status: "closed" });
    tips.remove(ridOf(tips, 2));
    tips.modifyIndex("seenAt_1", { expireAfterSeconds: 3600, hidden: true });
    tips.createIndex(spec({ key: { status: 1 }, name: "status_1" }));
    tips.dropIndex("status_1");
    catalog.create("demo", "open_tips", { viewOn: "tips", pipeline: [{ $match: { status: "new" } }] });
    catalog.redefine("demo", "open_tips", { viewOn: "tips", pipeline: [{ $match: { status: "open" } }] });
    catalog.collectionForWrite("demo", "old").insert({ _id: "x" });
    catalog.rename("demo", "old", "archive", "new", false);
    catalog.collectionForWrite("scratch", "t").insert({ _id: 1 });
    catalog.dropDatabase("scratch");
    // $out: a collection built aside replaces the target whole.
    const built = new Collection("demo", "report", {}, { beforeWrite: () => {}, indexesChanged: () => {} });
    built.insert({ _id: "r1", total: 2 });
    catalog.collectionForWrite("demo", "report").insert({ _id: "stale" });
    catalog.replace("demo", "report", built);
    expected = stateOf(catalog);
  });

  const replayed = new Catalog();
  const result = replayJournal(replayed, data, 1);

  expect(result).toMatchObject({ status: "clean", validLength: data.length });
  expect(stateOf(replayed)).toEqual(expected);
  expect(Object.keys(expected).sort()).toEqual(["archive.new", "demo.open_tips", "demo.report", "demo.tips"]);
  expect(replayed.collection("demo", "tips")?.findIndexByName("seenAt_1")?.spec).toMatchObject({
    expireAfterSeconds: 3600,
    hidden: true,
  });
});

test("when a crash cuts a transaction commit anywhere, then replay applies all of it or none of it", async () => {
  let before: Record<string, unknown> = {};
  let after: Record<string, unknown> = {};
  const data = await journalOf((catalog) => {
    const accounts = catalog.collectionForWrite("bank", "accounts");
    accounts.insert({ _id: "alice", balance: 100 });
    accounts.insert({ _id: "bob", balance: 0 });
    before = stateOf(catalog);
    catalog.applyTransaction(owner, [
      {
        db: "bank",
        name: "accounts",
        options: {},
        indexes: [],
        writes: [
          { id: "alice", before: undefined, after: { _id: "alice", balance: 70 } },
          { id: "bob", before: undefined, after: { _id: "bob", balance: 30 } },
        ],
      },
      {
        db: "bank",
        name: "transfers",
        options: {},
        indexes: [],
        writes: [{ id: 1, before: undefined, after: { _id: 1, amount: 30 } }],
      },
    ]);
    after = stateOf(catalog);
  });
  const entryStart = findEntryStart(data);

  for (let cut = entryStart; cut < data.length; cut++) {
    const replayed = new Catalog();
    const result = replayJournal(replayed, data.subarray(0, cut), 1);

    expect(result).toMatchObject({ status: cut === entryStart ? "clean" : "torn", validLength: entryStart });
    expect(stateOf(replayed)).toEqual(before);
  }
  const whole = new Catalog();
  replayJournal(whole, data, 1);
  expect(stateOf(whole)).toEqual(after);
});

test("when a transaction commit fails and is undone, then the journal holds none of it", async () => {
  let expected: Record<string, unknown> = {};
  const data = await journalOf((catalog) => {
    const tips = catalog.collectionForWrite("demo", "tips");
    tips.createIndex(spec({ key: { code: 1 }, name: "code_1", unique: true }));
    tips.insert({ _id: 1, code: "A" });
    tips.insert({ _id: 2, code: "B" });
    expected = stateOf(catalog);
    expect(() =>
      catalog.applyTransaction(owner, [
        {
          db: "demo",
          name: "tips",
          options: {},
          indexes: [],
          writes: [
            { id: 1, before: { _id: 1, code: "A" }, after: undefined }, // removed…
            { id: 3, before: undefined, after: { _id: 3, code: "B" } }, // …then a duplicate key
          ],
        },
        { db: "demo", name: "created_in_transaction", options: {}, indexes: [], writes: [] },
      ]),
    ).toThrow(/E11000/);
    expect(stateOf(catalog)).toEqual(expected);
  });

  const replayed = new Catalog();
  replayJournal(replayed, data, 1);

  expect(data.includes("created_in_transaction")).toBe(false);
  expect(stateOf(replayed)).toEqual(expected);
});

test("when a write reaches a collection dropped while its command yielded, then it fails and nothing is journaled", async () => {
  const data = await journalOf((catalog) => {
    const held = catalog.collectionForWrite("demo", "tips");
    catalog.drop("demo", "tips");

    expect(() => held.insert({ _id: "late" })).toThrow(
      expect.objectContaining({ codeName: "QueryPlanKilled" }),
    );
  });

  expect(data.includes("late")).toBe(false);
});

test("when a journal file belongs to another generation, then replay reports it as damaged", async () => {
  const data = await journalOf((catalog) => {
    catalog.collectionForWrite("demo", "tips").insert({ _id: 1 });
  });

  expect(replayJournal(new Catalog(), data, 2)).toMatchObject({ status: "damaged", validLength: 0 });
});

/** Offset of the frame holding `{ group: "begin" }`. */
function findEntryStart(data: Buffer): number {
  const marker = data.indexOf("begin");
  return data.lastIndexOf("TLJ1", marker);
}
