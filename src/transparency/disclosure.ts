/**
 * Disclosure control for published counts (docs/TRANSPARENCY.md, "how we count").
 *
 * A publication is a set of two-way tables (rows × months) of the same measure that share their
 * bottom row — the monthly totals — and the grand total: tips by area and month, and by category and
 * month, both add up to the same tips per month. Every row has its total over the period.
 *
 * Rules:
 * - a count under k (0 included) is shown as "< k" (a "primary" suppression), so a reader knows it is
 *   between 0 and k − 1;
 * - complementary suppression: more cells are withheld until no suppressed count can be worked out
 *   from the published ones — by subtracting from a total, by any combination of totals and cells,
 *   or by the bounds a reader knows ("< 5" is at most 4, a withheld cell is at least 5);
 * - nothing at all is published when the grand total is under k.
 *
 * Proof of protection, cell by cell: a suppressed count is safe when another table exists that
 * agrees with every published figure and differs in that count. Both are found as moves on a
 * table: add 1 to one cell and take 1 from another in the same row, and so on round a cycle, so
 * every row and column total stays as published and every suppressed cell stays within what a
 * reader knows of it. In a table with totals that is a directed cycle in a graph of rows and
 * columns (a cell that may grow is an arc row → column, one that may shrink an arc column → row),
 * and a count is fixed by the published figures exactly when no such cycle passes through it (the
 * tables are network matrices: any two integer solutions differ by such cycles). The shared monthly
 * totals are moved together in every table. Cells without a cycle get one by withholding more cells,
 * the cheapest rectangle first, until every suppressed cell has its cycle.
 *
 * Pure: no I/O, deterministic for the same input (the cooperative variant only pauses).
 */
import { performance } from "node:perf_hooks";

/** How a cell is shown. */
export type CellStatus =
  /** Published (rounded above the rounding threshold). */
  | "published"
  /** Under k: shown as "< k". */
  | "under-k"
  /** At least k, withheld so that an "under-k" count cannot be worked out. */
  | "withheld";

/** One table's interior: `cells[row][column]`, every row of the same length (the months). */
export type CountGrid = number[][];

export interface DisclosureOptions {
  /** The threshold: counts under k are suppressed. The office uses 5. */
  k: number;
}

/**
 * Statuses of one table in the same shape as its counts, plus row totals and the (shared) totals
 * row. `rowTotals[r]` is row r's total over the period, `columnTotals[c]` the shared monthly total.
 */
export interface ProtectedTable {
  cells: CellStatus[][];
  rowTotals: CellStatus[];
  columnTotals: CellStatus[];
  grandTotal: CellStatus;
}

export interface ProtectedPublication {
  /** False when the grand total is under k: nothing of this measure may be published. */
  publishable: boolean;
  tables: ProtectedTable[];
}

/** Sums a table's rows (its row totals) and columns (the monthly totals). */
export function totalsOf(
  grid: CountGrid,
  columns: number,
): { rows: number[]; columns: number[]; grand: number } {
  const rowTotals = grid.map((row) => row.reduce((sum, value) => sum + value, 0));
  const columnTotals = Array.from({ length: columns }, (_, c) =>
    grid.reduce((sum, row) => sum + (row[c] ?? 0), 0),
  );
  return { rows: rowTotals, columns: columnTotals, grand: rowTotals.reduce((s, v) => s + v, 0) };
}

/**
 * Decides which cells of tables sharing their monthly totals may be published. Every table must
 * break down the same population (the same column totals); a table with a different sum is a
 * programming error and throws.
 */
export function protectTables(
  grids: CountGrid[],
  columns: number,
  options: DisclosureOptions,
): ProtectedPublication {
  const steps = protectionSteps(grids, columns, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same, giving the event loop a turn every few milliseconds: a country's worth of districts
 * takes seconds, which must not hold up webhooks answered by the same process.
 */
export async function protectTablesCooperatively(
  grids: CountGrid[],
  columns: number,
  options: DisclosureOptions,
): Promise<ProtectedPublication> {
  const steps = protectionSteps(grids, columns, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** protectTables as a generator that pauses (yields) about every 10 ms of work. */
function* protectionSteps(
  grids: CountGrid[],
  columns: number,
  options: DisclosureOptions,
): Generator<void, ProtectedPublication> {
  const { k } = options;
  if (grids.length === 0) throw new Error("protectTables needs at least one table");
  const tables = grids.map((grid) => new Table(grid, columns, k));
  const shared = tables[0]!.values[tables[0]!.rows];
  for (const table of tables) {
    const own = table.values[table.rows]!;
    if (own.some((value, c) => value !== shared![c]))
      throw new Error("tables of one publication must have the same monthly totals");
  }
  const grand = shared![columns]!;
  if (grand < k) {
    for (const table of tables) table.withholdAll();
    return { publishable: false, tables: tables.map((table) => table.result()) };
  }

  const publication = new Publication(tables, columns, k);
  publication.suppressPrimaries();
  try {
    yield* publication.protect();
  } catch (error) {
    if (!(error instanceof UnprotectableError)) throw error;
    for (const table of tables) table.withholdAll();
    return { publishable: false, tables: tables.map((table) => table.result()) };
  }
  return { publishable: true, tables: tables.map((table) => table.result()) };
}

/**
 * Rounding for publication: counts above `threshold` to the nearest `base` (halves up), so a
 * figure carries no exact number that a difference of two totals could sharpen.
 */
export function roundForPublication(value: number, threshold = 20, base = 5): number {
  if (value <= threshold) return value;
  return Math.floor((value + base / 2) / base) * base;
}

const unbounded = Number.POSITIVE_INFINITY;

/**
 * A table with its totals as an (R+1) × (C+1) array: row R is the shared monthly totals, column C
 * the row totals, (R, C) the grand total. Moves are computed on signed values (totals negated, the
 * grand total not) for which every row and every column of the array adds up to zero.
 */
class Table {
  readonly rows: number;
  readonly values: number[][];
  readonly status: CellStatus[][];

  constructor(
    grid: CountGrid,
    readonly columns: number,
    private readonly k: number,
  ) {
    this.rows = grid.length;
    const totals = totalsOf(grid, columns);
    this.values = [
      ...grid.map((row, r) => {
        if (row.length !== columns) throw new Error(`row ${r} has ${row.length} cells, expected ${columns}`);
        if (row.some((value) => !Number.isInteger(value) || value < 0))
          throw new Error(`row ${r} holds a value that is not a count`);
        return [...row, totals.rows[r]!];
      }),
      [...totals.columns, totals.grand],
    ];
    this.status = this.values.map((row) => row.map((): CellStatus => "published"));
    this.growArcs = Array.from({ length: this.rows }, () => []);
    this.shrinkArcs = Array.from({ length: columns + 1 }, () => []);
    this.growInto = Array.from({ length: columns + 1 }, () => []);
    this.shrinkInto = Array.from({ length: this.rows }, () => []);
    this.seen = new Uint32Array(this.rows + columns + 2);
  }

  isSuppressed(r: number, c: number): boolean {
    return this.status[r]![c] !== "published";
  }

  /** Bounds a reader knows for a cell, were it suppressed now. */
  bounds(r: number, c: number): [number, number] {
    return this.values[r]![c]! < this.k ? [0, this.k - 1] : [this.k, unbounded];
  }

  /** Whether the signed value of a cell can move by `delta` (±1) within what a reader knows. */
  canMove(r: number, c: number, delta: 1 | -1): boolean {
    const sign = this.isTotal(r, c) ? -1 : 1;
    const next = this.values[r]![c]! + sign * delta;
    const [low, high] = this.bounds(r, c);
    return next >= low && next <= high;
  }

  /** Told of every cell withheld after the primaries (the work list of protect()). */
  onSuppress: ((r: number, c: number) => void) | undefined;
  /** Per row: columns whose suppressed cell may grow. Per column: rows whose cell may shrink. */
  private readonly growArcs: number[][];
  private readonly shrinkArcs: number[][];
  /** The same arcs reversed: per column the rows growing into it, per row the columns shrinking into it. */
  private readonly growInto: number[][];
  private readonly shrinkInto: number[][];
  private readonly seen: Uint32Array;
  private stamp = 0;

  suppress(r: number, c: number): void {
    if (this.isSuppressed(r, c)) return;
    this.status[r]![c] = this.values[r]![c]! < this.k ? "under-k" : "withheld";
    if (r < this.rows) {
      if (this.canMove(r, c, 1)) {
        this.growArcs[r]!.push(c);
        this.growInto[c]!.push(r);
      }
      if (this.canMove(r, c, -1)) {
        this.shrinkArcs[c]!.push(r);
        this.shrinkInto[r]!.push(c);
      }
    }
    this.onSuppress?.(r, c);
  }

  withholdAll(): void {
    for (let r = 0; r <= this.rows; r++) for (let c = 0; c <= this.columns; c++) this.suppress(r, c);
  }

  /**
   * Is there a path from column `from` to column `to` through suppressed cells, not touching the
   * shared totals row? Arcs: row → column where a cell's signed value can grow, column → row where
   * it can shrink. Ignores one cell (the one whose cycle is being closed).
   */
  columnPath(from: number, to: number, skip?: [number, number]): boolean {
    return this.reach({ kind: "column", index: from }, { kind: "column", index: to }, skip);
  }

  rowToColumnPath(from: number, to: number, skip?: [number, number]): boolean {
    return this.reach({ kind: "row", index: from }, { kind: "column", index: to }, skip);
  }

  columnToRowPath(from: number, to: number, skip?: [number, number]): boolean {
    return this.reach({ kind: "column", index: from }, { kind: "row", index: to }, skip);
  }

  /**
   * A cell of the interior or of the row totals is protected when a cycle passes through it that
   * leaves the shared totals row alone: its signed value grows (arc row → column) and the column
   * leads back to the row, or it shrinks and the row leads back to the column.
   */
  protectedInside(r: number, c: number): boolean {
    if (this.canMove(r, c, 1) && this.columnToRowPath(c, r, [r, c])) return true;
    return this.canMove(r, c, -1) && this.rowToColumnPath(r, c, [r, c]);
  }

  result(): ProtectedTable {
    // A table of one row repeats the totals row (its total is the grand total): same statuses.
    if (this.rows === 1) this.status[0] = [...this.status[1]!];
    return {
      cells: this.status.slice(0, this.rows).map((row) => row.slice(0, this.columns)),
      rowTotals: this.status.slice(0, this.rows).map((row) => row[this.columns]!),
      columnTotals: this.status[this.rows]!.slice(0, this.columns),
      grandTotal: this.status[this.rows]![this.columns]!,
    };
  }

  private isTotal(r: number, c: number): boolean {
    return (r === this.rows) !== (c === this.columns);
  }

  /**
   * Every column reachable from `start` (forward) or from which `start` is reachable (backward),
   * by the same arcs as reach(): one search instead of one per column.
   */
  columnsReached(start: Node, direction: "forward" | "backward", skip: [number, number]): boolean[] {
    const stamp = ++this.stamp;
    const columns = new Array<boolean>(this.columns + 1).fill(false);
    const id = (node: Node) => (node.kind === "row" ? node.index : this.rows + 1 + node.index);
    const queue = [id(start)];
    this.seen[queue[0]!] = stamp;
    const forward = direction === "forward";
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      if (node < this.rows) {
        for (const c of forward ? this.growArcs[node]! : this.shrinkInto[node]!) {
          const next = this.rows + 1 + c;
          if (this.seen[next] === stamp || (skip[0] === node && skip[1] === c)) continue;
          this.seen[next] = stamp;
          columns[c] = true;
          queue.push(next);
        }
      } else {
        const c = node - this.rows - 1;
        for (const r of forward ? this.shrinkArcs[c]! : this.growInto[c]!) {
          if (this.seen[r] === stamp || (skip[0] === r && skip[1] === c)) continue;
          this.seen[r] = stamp;
          queue.push(r);
        }
      }
    }
    return columns;
  }

  /**
   * Breadth-first search over the arcs of suppressed cells (kept as adjacency lists, filled as
   * cells are suppressed), never entering the shared totals row, ignoring the arcs of `skip`.
   */
  private reach(start: Node, goal: Node, skip?: [number, number]): boolean {
    const stamp = ++this.stamp;
    const id = (node: Node) => (node.kind === "row" ? node.index : this.rows + 1 + node.index);
    const goalId = id(goal);
    const queue = [id(start)];
    this.seen[queue[0]!] = stamp;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      if (node === goalId) return true;
      if (node < this.rows) {
        for (const c of this.growArcs[node]!) {
          const next = this.rows + 1 + c;
          if (this.seen[next] === stamp || (skip && skip[0] === node && skip[1] === c)) continue;
          this.seen[next] = stamp;
          queue.push(next);
        }
      } else {
        const c = node - this.rows - 1;
        for (const r of this.shrinkArcs[c]!) {
          if (this.seen[r] === stamp || (skip && skip[0] === r && skip[1] === c)) continue;
          this.seen[r] = stamp;
          queue.push(r);
        }
      }
    }
    return false;
  }
}

interface Node {
  kind: "row" | "column";
  index: number;
}

/** A move of the shared monthly totals: month `up` grows by one, month `down` shrinks by one. */
interface TotalsMove {
  up: number;
  down: number;
}

class Publication {
  private readonly totalsRow: number[];

  constructor(
    private readonly tables: Table[],
    private readonly columns: number,
    private readonly k: number,
  ) {
    this.totalsRow = tables[0]!.values[tables[0]!.rows]!;
  }

  suppressPrimaries(): void {
    for (const table of this.tables)
      for (let r = 0; r <= table.rows; r++)
        for (let c = 0; c <= this.columns; c++) if (table.values[r]![c]! < this.k) table.suppress(r, c);
  }

  /** Withholds cells until every suppressed cell has a cycle; the grand total is always published. */
  /**
   * Withholds cells until every suppressed cell has a cycle; the grand total is always published.
   * Protection only grows as cells are withheld (more arcs, more cycles), so each cell is settled
   * once: the monthly totals first (their fixes add cells inside tables, never the reverse), then
   * a work list of the cells inside, to which every newly withheld cell is added.
   */
  *protect(): Generator<void> {
    let slice = performance.now();
    for (let c = 0; c < this.columns; c++) {
      const totals = this.tables[0]!;
      if (totals.isSuppressed(totals.rows, c) && !this.totalMove(c) && !this.protectTotal(c))
        throw new UnprotectableError();
    }
    const pending: Array<[Table, number, number]> = [];
    for (const table of this.tables) {
      if (table.rows === 1) continue; // its row is the totals row (mirrored in result())
      table.onSuppress = (r, c) => pending.push([table, r, c]);
      for (let r = 0; r < table.rows; r++)
        for (let c = 0; c <= this.columns; c++) if (table.isSuppressed(r, c)) pending.push([table, r, c]);
    }
    while (pending.length > 0) {
      if (performance.now() - slice > 10) {
        yield;
        slice = performance.now();
      }
      const [table, r, c] = pending.pop()!;
      if (this.protectedCell(table, r, c)) continue;
      if (!this.protectInside(table, r, c) && !this.protectThroughTotals(table, r, c))
        this.withholdTable(table);
      pending.push([table, r, c]); // checked again: the fix must have opened it
    }
  }

  private protectedCell(table: Table, r: number, c: number): boolean {
    return table.protectedInside(r, c) || this.protectedViaTotals(table, r, c);
  }

  /**
   * A cell whose column cannot balance a change by itself (a month with no tips: its zeros can only
   * grow) is still open when a move of the monthly totals carries it: the cycle goes from column
   * `up` through the totals row to column `down`, then back to `up` through the cell, and every other
   * table follows the same move of the totals.
   */
  private protectedViaTotals(table: Table, r: number, c: number): boolean {
    const skip: [number, number] = [r, c];
    const cell: Node = { kind: "column", index: c };
    const row: Node = { kind: "row", index: r };
    // Grows: down ⇝ r → c ⇝ up. Shrinks: down ⇝ c → r ⇝ up.
    const grows = table.canMove(r, c, 1)
      ? {
          downs: table.columnsReached(row, "backward", skip),
          ups: table.columnsReached(cell, "forward", skip),
        }
      : undefined;
    const shrinks = table.canMove(r, c, -1)
      ? {
          downs: table.columnsReached(cell, "backward", skip),
          ups: table.columnsReached(row, "forward", skip),
        }
      : undefined;
    if (grows) grows.ups[c] = true;
    if (shrinks) shrinks.downs[c] = true;
    for (let up = 0; up < this.columns; up++) {
      for (let down = 0; down < this.columns; down++) {
        if (up === down) continue;
        const carried =
          (grows && grows.ups[up] && grows.downs[down]) ||
          (shrinks && shrinks.ups[up] && shrinks.downs[down]);
        if (!carried) continue;
        const move = { up, down };
        if (
          this.totalsMovable(move) &&
          this.tables.every((other) => other === table || this.follows(other, move))
        )
          return true;
      }
    }
    return false;
  }

  /** A move of the monthly totals through month c that every table can follow, if there is one. */
  private totalMove(c: number): TotalsMove | undefined {
    for (let other = 0; other < this.columns; other++) {
      if (other === c || !this.tables[0]!.isSuppressed(this.tables[0]!.rows, other)) continue;
      for (const move of [
        { up: c, down: other },
        { up: other, down: c },
      ])
        if (this.totalsCanMove(move) && this.tables.every((table) => this.follows(table, move))) return move;
    }
    return undefined;
  }

  private totalsMovable(move: TotalsMove): boolean {
    const table = this.tables[0]!;
    return (
      table.isSuppressed(table.rows, move.up) &&
      table.isSuppressed(table.rows, move.down) &&
      this.totalsCanMove(move)
    );
  }

  private totalsCanMove(move: TotalsMove): boolean {
    const up = this.totalsRow[move.up]!;
    const down = this.totalsRow[move.down]!;
    const within = (value: number, original: number) =>
      original < this.k ? value >= 0 && value < this.k : value >= this.k;
    return within(up + 1, up) && within(down - 1, down);
  }

  /**
   * Month `up`'s total grows: its signed cell in the totals row shrinks (arc column up → totals
   * row); month `down`'s grows (totals row → column down); the table closes the cycle with a path
   * from column down back to column up.
   */
  private follows(table: Table, move: TotalsMove): boolean {
    if (table.rows === 1) return true; // its one row is the totals row itself (see Table.result)
    return table.columnPath(move.down, move.up);
  }

  /** Adds suppressions so month c's total can move; false when no way is found. */
  private protectTotal(c: number): boolean {
    const partners = this.totalPartners(c);
    for (const other of partners) {
      for (const move of [
        { up: c, down: other },
        { up: other, down: c },
      ]) {
        if (!this.totalsCanMove(move)) continue;
        const plan = this.tables.map((table) => this.pathPlan(table, move));
        if (plan.some((cells) => cells === undefined)) continue;
        for (const table of this.tables) table.suppress(table.rows, other);
        plan.forEach((cells, index) => {
          for (const [r, column] of cells!) this.tables[index]!.suppress(r, column);
        });
        return true;
      }
    }
    return false;
  }

  /** Other months to move with month c: already suppressed ones first, then the smallest totals. */
  private totalPartners(c: number): number[] {
    const table = this.tables[0]!;
    const others = Array.from({ length: this.columns }, (_, index) => index).filter((index) => index !== c);
    return others.sort((a, b) => {
      const suppressed =
        Number(table.isSuppressed(table.rows, b)) - Number(table.isSuppressed(table.rows, a));
      return suppressed !== 0 ? suppressed : this.totalsRow[a]! - this.totalsRow[b]! || a - b;
    });
  }

  /**
   * Cells to suppress so that the table has a path column down → row → column up: one row whose
   * cell in column down may shrink and whose cell in column up may grow. Empty when a path exists.
   */
  private pathPlan(table: Table, move: TotalsMove): Array<[number, number]> | undefined {
    if (this.follows(table, move)) return [];
    let best: { cost: number; cells: Array<[number, number]> } | undefined;
    for (let r = 0; r < table.rows; r++) {
      if (!table.canMove(r, move.down, -1) || !table.canMove(r, move.up, 1)) continue;
      const cells = (
        [
          [r, move.down],
          [r, move.up],
        ] as Array<[number, number]>
      ).filter(([row, column]) => !table.isSuppressed(row, column));
      const cost = cells.reduce((sum, [row, column]) => sum + table.values[row]![column]!, 0);
      if (!best || cost < best.cost) best = { cost, cells };
    }
    return best?.cells;
  }

  /**
   * Completes a rectangle through (r, c) inside the table, avoiding the shared totals row: the
   * cheapest one (fewest counts withheld) whose four cells can take the alternating move.
   */
  private protectInside(table: Table, r: number, c: number): boolean {
    let best: { cost: number; cells: Array<[number, number]> } | undefined;
    for (let r2 = 0; r2 < table.rows; r2++) {
      if (r2 === r) continue;
      for (let c2 = 0; c2 <= this.columns; c2++) {
        if (c2 === c) continue;
        const corners: Array<[number, number, 1 | -1]> = [
          [r, c, 1],
          [r, c2, -1],
          [r2, c2, 1],
          [r2, c, -1],
        ];
        for (const direction of [1, -1] as const) {
          if (
            !corners.every(([row, column, step]) => table.canMove(row, column, (step * direction) as 1 | -1))
          )
            continue;
          const cells = corners
            .filter(([row, column]) => !table.isSuppressed(row, column))
            .map(([row, column]): [number, number] => [row, column]);
          // Row totals cost double: withholding one hides a whole area's period figure.
          const cost = cells.reduce(
            (sum, [row, column]) => sum + table.values[row]![column]! * (column === this.columns ? 2 : 1),
            0,
          );
          if (!best || cost < best.cost) best = { cost, cells };
        }
      }
    }
    if (!best) return false;
    for (const [row, column] of best.cells) table.suppress(row, column);
    return true;
  }

  /**
   * For a cell of a month whose total is hidden: withhold the one cell of its row that closes a
   * cycle through the totals row (month c up, another month down, the row's cell there shrinking;
   * or the reverse), the smallest such cell.
   */
  private protectThroughTotals(table: Table, r: number, c: number): boolean {
    let best: { cost: number; cell: [number, number] } | undefined;
    for (let other = 0; other < this.columns; other++) {
      if (other === c) continue;
      for (const [move, step] of [
        [{ up: c, down: other }, 1],
        [{ up: other, down: c }, -1],
      ] as Array<[TotalsMove, 1 | -1]>) {
        if (
          !this.totalsMovable(move) ||
          !table.canMove(r, c, step) ||
          !table.canMove(r, other, step === 1 ? -1 : 1)
        )
          continue;
        if (!this.tables.every((each) => each === table || this.follows(each, move))) continue;
        const cost = table.isSuppressed(r, other) ? 0 : table.values[r]![other]!;
        if (!best || cost < best.cost) best = { cost, cell: [r, other] };
      }
    }
    if (!best) return false;
    table.suppress(best.cell[0], best.cell[1]);
    return this.protectedCell(table, r, c);
  }

  /**
   * Last resort for a table no rectangle protects: withhold every cell of it except the shared
   * totals row; if even that leaves a count fixed, the measure cannot be published.
   */
  private withholdTable(table: Table): void {
    for (let r = 0; r < table.rows; r++) for (let c = 0; c <= this.columns; c++) table.suppress(r, c);
    for (let r = 0; r < table.rows; r++)
      for (let c = 0; c <= this.columns; c++)
        if (!table.protectedInside(r, c)) throw new UnprotectableError();
  }
}

/** Raised when no pattern protects a publication short of withholding all of it. */
export class UnprotectableError extends Error {
  constructor() {
    super("these counts cannot be published without disclosing a suppressed cell");
    this.name = "UnprotectableError";
  }
}
