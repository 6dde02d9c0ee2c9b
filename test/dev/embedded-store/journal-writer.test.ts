import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeFrame, readFrames } from "../../../src/dev/embedded-store/frames";
import { JournalWriter } from "../../../src/dev/embedded-store/journal-writer";
import type { Doc } from "../../../src/dev/embedded-store/documents";

let directory: string;
let writer: JournalWriter;
const pathOf = (generation: number): string => join(directory, `journal-${generation}`);

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "embedded-writer-"));
  writer = new JournalWriter({ directory, pathOf, generation: 1 });
});
afterEach(async () => {
  await writer.close();
  await rm(directory, { recursive: true, force: true });
});

async function recordsIn(generation: number): Promise<Doc[]> {
  return [...readFrames(await readFile(pathOf(generation)))].map((frame) => frame.record);
}

test("when many frames are appended in the same turn, then they share one write and one fsync", async () => {
  const sequences = Array.from({ length: 100 }, (_, n) => writer.append(encodeFrame({ n })));

  await Promise.all(sequences.map((sequence) => writer.whenDurable(sequence)));

  expect(writer.stats).toMatchObject({ batches: 1, frames: 100 });
  const records = await recordsIn(1);
  expect(records[0]).toMatchObject({ format: "integrity-tipline/embedded-store-journal", generation: 1 });
  expect(records.slice(1).map((record) => record.n)).toEqual(sequences.map((_, n) => n));
});

test("when frames arrive while the journal is busy writing, then they wait and share one batch, not one fsync each", async () => {
  writer.append(encodeFrame({ first: true }));
  const firstDurable = writer.whenDurable();
  // The first batch starts at the end of this turn; these arrive in a later turn, while it is in flight.
  await new Promise((resolve) => setImmediate(resolve));
  const later = Array.from({ length: 20 }, (_, n) => writer.append(encodeFrame({ n })));

  await firstDurable;
  await writer.whenDurable(later.at(-1));

  expect(writer.stats.frames).toBe(21);
  // Either the 20 joined the first batch (its file was still being opened) or they shared the second.
  expect(writer.stats.batches).toBeLessThanOrEqual(2);
});

test("when the journal is rotated, then later frames go to the next generation's file, which exists even if empty", async () => {
  writer.append(encodeFrame({ in: 1 }));
  const second = writer.rotate();
  writer.append(encodeFrame({ in: 2 }));
  const third = writer.rotate();

  await writer.whenCreated(third);
  await writer.whenDurable();

  expect([second, third]).toEqual([2, 3]);
  expect((await recordsIn(1)).slice(1)).toEqual([{ in: 1 }]);
  expect((await recordsIn(2)).slice(1)).toEqual([{ in: 2 }]);
  expect((await recordsIn(3)).slice(1)).toEqual([]);
});

test("when the file cannot be opened, then waiting writes are rejected and the failure is reported once", async () => {
  const failures: Error[] = [];
  const broken = new JournalWriter({
    directory,
    pathOf: () => join(directory, "missing-folder", "journal"),
    generation: 1,
    onFailure: (error) => failures.push(error),
  });

  const sequence = broken.append(encodeFrame({ lost: true }));

  await expect(broken.whenDurable(sequence)).rejects.toMatchObject({ code: "ENOENT" });
  expect(broken.failed).toBe(failures[0]);
  expect(failures).toHaveLength(1);
  await broken.close();
});
