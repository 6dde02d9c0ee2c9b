import { BoundedMemo } from "../../src/crypto/memo";

describe("bounded memo", () => {
  test("when many keys are set, then it never holds more than its capacity and keeps the newest", () => {
    const memo = new BoundedMemo<number>(10);
    for (let n = 0; n < 1000; n++) {
      memo.set(`k${n}`, n);
      expect(memo.size).toBeLessThanOrEqual(10);
    }
    expect(memo.get("k999")).toBe(999);
    expect(memo.get("k0")).toBeUndefined();
  });

  test("when a key is read while others pass, then it stays", () => {
    const memo = new BoundedMemo<number>(4);
    memo.set("kept", 1);
    for (let n = 0; n < 100; n++) {
      memo.set(`k${n}`, n);
      expect(memo.get("kept")).toBe(1);
    }
  });

  test("when a key is set again or deleted, then it is held once or not at all", () => {
    const memo = new BoundedMemo<number>(4);
    memo.set("a", 1);
    memo.set("a", 2);
    expect([memo.get("a"), memo.size]).toEqual([2, 1]);
    memo.set("b", 3);
    memo.set("c", 4); // "a" and "b" are now the older generation
    memo.delete("a");
    expect([memo.get("a"), memo.size]).toEqual([undefined, 2]);
  });
});
