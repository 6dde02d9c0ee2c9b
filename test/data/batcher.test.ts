import { Batcher } from "../../src/data/batcher";

describe("Batcher", () => {
  test("when calls are made in the same turn, then they are flushed together, each getting its own result", async () => {
    const flushed: number[][] = [];
    const batcher = new Batcher<number, number>(async (inputs) => {
      flushed.push(inputs);
      return inputs.map((n) => n * 10);
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.run(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(flushed).toEqual([[1, 2, 3]]);
  });

  test("when more calls wait than a batch takes, then they go in several batches, in order", async () => {
    const flushed: number[][] = [];
    const batcher = new Batcher<number, number>(async (inputs) => {
      flushed.push(inputs);
      return inputs;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.run(n)));
    expect(flushed).toEqual([[1, 2], [3, 4], [5]]);
  });

  test("when a flush fails, then every call of that batch fails and the next batch works", async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(async (inputs) => {
      if (fail) {
        fail = false;
        throw new Error("database away");
      }
      return inputs;
    });
    const first = await Promise.allSettled([batcher.run(1), batcher.run(2)]);
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await expect(batcher.run(3)).resolves.toBe(3);
  });
});
