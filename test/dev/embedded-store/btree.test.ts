import { BTree, compareNumbers } from "../../../src/dev/embedded-store/btree";

// The store's ordered map: every collection and index is one. Checked against a sorted array
// after long random sequences, including snapshots taken in between (which must never change).

const byNumber = (a: number, b: number) => a - b;

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function contents(tree: BTree<number, string>): Array<[number, string]> {
  return [...tree.entries()];
}

test("when thousands of random inserts and deletes are applied, then the tree holds exactly the reference's entries in order", () => {
  const next = random(7);
  const tree = new BTree<number, string>(byNumber);
  const reference = new Map<number, string>();

  for (let step = 0; step < 20_000; step++) {
    const key = Math.floor(next() * 3_000);
    if (next() < 0.6) {
      expect(tree.set(key, `v${step}`)).toBe(!reference.has(key));
      reference.set(key, `v${step}`);
    } else {
      expect(tree.delete(key)).toBe(reference.delete(key));
    }
  }

  expect(tree.size).toBe(reference.size);
  expect(contents(tree)).toEqual([...reference].sort((a, b) => a[0] - b[0]));
  for (const [key, value] of reference) expect(tree.get(key)).toBe(value);
});

test("when a snapshot is taken, then later writes to either side leave the other unchanged", () => {
  const next = random(11);
  const tree = new BTree<number, string>(byNumber);
  for (let i = 0; i < 5_000; i++) tree.set(i, `a${i}`);
  const frozen = tree.snapshot();
  const before = contents(frozen);

  const fork = tree.snapshot();
  for (let step = 0; step < 5_000; step++) {
    const key = Math.floor(next() * 6_000);
    if (next() < 0.5) tree.set(key, `b${step}`);
    else tree.delete(key);
    if (next() < 0.5) fork.set(key, `c${step}`);
    else fork.delete(key);
  }

  expect(contents(frozen)).toEqual(before);
  expect(contents(fork)).not.toEqual(contents(tree));
});

test("when a cursor walks a snapshot while the tree changes, then it sees the snapshot to the end", () => {
  const tree = new BTree<number, string>(byNumber);
  for (let i = 0; i < 1_000; i++) tree.set(i, `v${i}`);
  const cursor = tree.snapshot().cursor(undefined, 1);

  const seen: number[] = [];
  for (let entry = cursor.next(); entry; entry = cursor.next()) {
    seen.push(entry[0]);
    tree.delete(entry[0] + 1);
    tree.set(entry[0] + 10_000, "new");
  }

  expect(seen).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
});

test("when cursors start at a bound in either direction, then they begin at the first admitted key", () => {
  const tree = new BTree<number, string>(byNumber);
  for (let i = 0; i < 500; i += 2) tree.set(i, `v${i}`);

  expect(tree.cursor({ key: 100, inclusive: true }, 1).next()?.[0]).toBe(100);
  expect(tree.cursor({ key: 100, inclusive: false }, 1).next()?.[0]).toBe(102);
  expect(tree.cursor({ key: 101, inclusive: true }, 1).next()?.[0]).toBe(102);
  expect(tree.cursor({ key: 100, inclusive: true }, -1).next()?.[0]).toBe(100);
  expect(tree.cursor({ key: 100, inclusive: false }, -1).next()?.[0]).toBe(98);
  expect(tree.cursor({ key: -5, inclusive: true }, -1).next()).toBeUndefined();
  expect(tree.cursor({ key: 10_000, inclusive: true }, 1).next()).toBeUndefined();
  expect(tree.firstKeyFrom(101)).toBe(102);
  expect(tree.firstKeyFrom(498, false)).toBeUndefined();
});

test("when a range is counted, then the count equals the keys inside it", () => {
  const next = random(3);
  const tree = new BTree<number, string>(byNumber);
  const keys = new Set<number>();
  for (let i = 0; i < 4_000; i++) {
    const key = Math.floor(next() * 10_000);
    tree.set(key, "x");
    keys.add(key);
  }

  for (let check = 0; check < 200; check++) {
    const low = Math.floor(next() * 10_000);
    const high = low + Math.floor(next() * 3_000);
    const lowInclusive = next() < 0.5;
    const highInclusive = next() < 0.5;
    const expected = [...keys].filter(
      (key) => (lowInclusive ? key >= low : key > low) && (highInclusive ? key <= high : key < high),
    ).length;
    expect(
      tree.countBetween({ key: low, inclusive: lowInclusive }, { key: high, inclusive: highInclusive }),
    ).toBe(expected);
  }
});

describe("record-id trees", () => {
  test("when a tree is ordered by compareNumbers, then get finds what a general comparator finds, across splits and deletes", () => {
    const numeric = new BTree<number, string>(compareNumbers);
    const general = new BTree<number, string>((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < 5_000; i++) {
      const key = (i * 7919) % 10_007;
      numeric.set(key, `v${key}`);
      general.set(key, `v${key}`);
    }
    const frozen = numeric.snapshot();
    for (let key = 0; key < 10_007; key += 3) {
      numeric.delete(key);
      general.delete(key);
    }

    for (let key = -2; key < 10_010; key++) {
      expect([key, numeric.get(key)]).toEqual([key, general.get(key)]);
    }
    for (let i = 0; i < 5_000; i++) {
      const key = (i * 7919) % 10_007;
      expect(frozen.get(key)).toBe(`v${key}`); // the frozen copy kept what the deletes removed
    }
  });
});
