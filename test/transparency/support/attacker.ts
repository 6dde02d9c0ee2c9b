/**
 * A reader trying to recover suppressed counts from published tables, written independently of the
 * disclosure code (no cycles, no graphs): it knows every published figure exactly (rounding would
 * only help the publisher, so it is ignored), that "< k" is 0..k−1 and a withheld cell is k or more,
 * and every relation (each row adds up to its total, each month's cells to the month's total in every
 * table, the months to the grand total). It then searches, by backtracking, for a table agreeing with
 * all of that in which a suppressed cell has a different value.
 */
import type { CellStatus, CountGrid, ProtectedPublication } from "../../../src/transparency/disclosure";
import { totalsOf } from "../../../src/transparency/disclosure";

interface Variable {
  truth: number;
  low: number;
  high: number;
}

interface Relation {
  /** Sum of the `parts` equals the `total`; indexes are variables, or fixed numbers. */
  parts: Term[];
  total: Term;
}

type Term = { variable: number } | { value: number };

export interface Attack {
  /** Variables (suppressed cells) and how to name them. */
  names: string[];
  /** For a suppressed cell: another value consistent with everything published, or undefined if none. */
  alternative(index: number): number | undefined;
  /** Literal linear attack: every combination with coefficients −1, 0, 1 of the relations. */
  linearlyRecovered(): string[];
}

export function attack(grids: CountGrid[], columns: number, result: ProtectedPublication, k: number): Attack {
  const variables: Variable[] = [];
  const names: string[] = [];
  const relations: Relation[] = [];
  const sharedTerms: Term[] = [];

  const termFor = (value: number, status: CellStatus, name: string, grand: number): Term => {
    if (status === "published") return { value };
    variables.push({
      truth: value,
      low: status === "under-k" ? 0 : k,
      high: status === "under-k" ? k - 1 : grand,
    });
    names.push(name);
    return { variable: variables.length - 1 };
  };

  const firstTotals = totalsOf(grids[0]!, columns);
  const grand = firstTotals.grand;
  const grandStatus = result.tables[0]!.grandTotal;
  const grandTerm = termFor(grand, grandStatus, "grand", grand);
  for (let c = 0; c < columns; c++)
    sharedTerms.push(
      termFor(firstTotals.columns[c]!, result.tables[0]!.columnTotals[c]!, `month ${c}`, grand),
    );
  relations.push({ parts: sharedTerms, total: grandTerm });

  grids.forEach((grid, t) => {
    const table = result.tables[t]!;
    const totals = totalsOf(grid, columns);
    const cells = grid.map((row, r) =>
      row.map((value, c) => termFor(value, table.cells[r]![c]!, `table ${t} row ${r} month ${c}`, grand)),
    );
    const rowTotals = totals.rows.map((value, r) =>
      termFor(value, table.rowTotals[r]!, `table ${t} row ${r} total`, grand),
    );
    cells.forEach((row, r) => relations.push({ parts: row, total: rowTotals[r]! }));
    for (let c = 0; c < columns; c++)
      relations.push({ parts: cells.map((row) => row[c]!), total: sharedTerms[c]! });
    relations.push({ parts: rowTotals, total: grandTerm });
  });

  const alternative = (index: number): number | undefined => {
    const target = variables[index]!;
    // Neighbours first (breadth first through the relations): a change of the target is balanced
    // by cells near it, so trying the truth for far cells first finds another table quickly.
    const order = [index];
    const placed = new Set(order);
    for (let head = 0; head < order.length; head++) {
      for (const relation of relations) {
        const members = [...relation.parts, relation.total].flatMap((term) =>
          "variable" in term ? [term.variable] : [],
        );
        if (!members.includes(order[head]!)) continue;
        for (const member of members)
          if (!placed.has(member)) {
            placed.add(member);
            order.push(member);
          }
      }
    }
    for (let i = 0; i < variables.length; i++) if (!placed.has(i)) order.push(i);
    const assigned = new Array<number | undefined>(variables.length).fill(undefined);

    const consistent = (): boolean =>
      relations.every((relation) => {
        let low = 0;
        let high = 0;
        const add = (term: Term, sign: number) => {
          if ("value" in term) {
            low += sign * term.value;
            high += sign * term.value;
            return;
          }
          const value = assigned[term.variable];
          const v = variables[term.variable]!;
          const [a, b] = value === undefined ? [v.low, v.high] : [value, value];
          if (sign > 0) {
            low += a;
            high += b;
          } else {
            low -= b;
            high -= a;
          }
        };
        relation.parts.forEach((part) => add(part, 1));
        add(relation.total, -1);
        return low <= 0 && high >= 0; // parts − total can be zero
      });

    const search = (depth: number): boolean => {
      if (!consistent()) return false;
      if (depth === order.length) return true;
      const i = order[depth]!;
      const v = variables[i]!;
      // Try the truth first for the others (quick success), everything but the truth for the target.
      const values =
        i === index
          ? range(v.low, v.high).filter((value) => value !== target.truth)
          : [v.truth, ...range(v.low, v.high).filter((value) => value !== v.truth)];
      for (const value of values) {
        assigned[i] = value;
        if (search(depth + 1)) return true;
      }
      assigned[i] = undefined;
      return false;
    };
    return search(0) ? assigned[index] : undefined;
  };

  const linearlyRecovered = (): string[] => {
    if (relations.length > 14) throw new Error("too many relations to try every combination");
    const recovered = new Set<string>();
    const coefficients = new Array<number>(relations.length).fill(-1);
    for (;;) {
      const weights = new Map<number, number>();
      relations.forEach((relation, r) => {
        const coefficient = coefficients[r]!;
        if (coefficient === 0) return;
        const add = (term: Term, sign: number) => {
          if ("variable" in term)
            weights.set(term.variable, (weights.get(term.variable) ?? 0) + sign * coefficient);
        };
        relation.parts.forEach((part) => add(part, 1));
        add(relation.total, -1);
      });
      const left = [...weights].filter(([, weight]) => weight !== 0);
      if (left.length === 1) recovered.add(names[left[0]![0]]!);
      let r = 0;
      while (r < coefficients.length && coefficients[r] === 1) coefficients[r++] = -1;
      if (r === coefficients.length) break;
      coefficients[r]!++;
    }
    return [...recovered];
  };

  return { names, alternative, linearlyRecovered };
}

function range(low: number, high: number): number[] {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}
