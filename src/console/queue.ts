import type { Model, QueryFilter, mongo } from "mongoose";
import { z } from "zod";
import { tipCategories, tipStatuses, type Tip, type TipCategory, type TipStatus } from "../tips/tip";

export const deadlineStates = ["overdue", "due-soon", "on-time", "none"] as const;
export type DeadlineState = (typeof deadlineStates)[number];
export const assignmentStates = ["me", "others", "unassigned"] as const;
export type AssignmentState = (typeof assignmentStates)[number];

/** Officers pick "open" (everything not closed) most of the time, so it is the default. */
const statusChoices = ["open", "all", ...tipStatuses] as const;
export type StatusChoice = (typeof statusChoices)[number];

export const pageSize = 25;

/** The queue's filters as the query string carries them; anything unknown or malformed is dropped, not an error. */
export const queueQuery = z.object({
  status: z.enum(statusChoices).catch("open").default("open"),
  district: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional()
    .catch(undefined),
  category: z.enum(tipCategories).optional().catch(undefined),
  deadline: z.enum(["overdue", "due-soon"]).optional().catch(undefined),
  assigned: z.enum(assignmentStates).optional().catch(undefined),
  q: z
    .string()
    .trim()
    .max(40)
    .transform((value) => value.toUpperCase().replace(/[^0-9A-Z-]/g, ""))
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type QueueQuery = z.infer<typeof queueQuery>;

export interface QueueRow {
  tip: Pick<
    Tip,
    "ref" | "code" | "status" | "category" | "districtId" | "provinceId" | "receivedAt" | "assignedTo"
  >;
  dueAt?: Date;
  deadline: DeadlineState;
}

export interface QueueCounts {
  status: Record<StatusChoice, number>;
  deadline: Record<"overdue" | "due-soon", number>;
  assigned: Record<AssignmentState, number>;
  category: Partial<Record<TipCategory, number>>;
  district: Record<string, number>;
}

export interface QueuePage {
  rows: QueueRow[];
  total: number;
  page: number;
  pages: number;
  counts: QueueCounts;
}

interface GroupKey {
  status: TipStatus;
  districtId?: string | null;
  category: TipCategory;
  assignedTo?: string | null;
}

interface Bucket {
  status: TipStatus;
  districtId: string | null;
  category: TipCategory;
  deadline: DeadlineState;
  assigned: AssignmentState;
}

const rowFields = {
  ref: 1,
  code: 1,
  status: 1,
  category: 1,
  districtId: 1,
  provinceId: 1,
  receivedAt: 1,
  assignedTo: 1,
  dueAt: 1,
} as const;

/**
 * The officer's case queue. Counts of the cases in scope (and matching the code search), grouped
 * in the store by what the filters count, give each filter's counts and the total; then one
 * indexed query reads the page, open
 * cases by their deadline (`dueAt`) and, where closed ones are shown, those after them, latest closed
 * first. Both start with the scope filter, which the tip indexes on district, province and `dueAt`
 * serve. The page sorts by `dueAt` alone, no `_id` tie-break, so the index gives the order (MongoDB
 * and the embedded store both keep index order for equal keys, which keeps pages stable).
 */
export async function loadQueue(input: {
  tips: Model<Tip>;
  access: QueryFilter<Tip>;
  query: QueueQuery;
  officerId: string;
  now: Date;
  dueSoonMs: number;
}): Promise<QueuePage> {
  const { tips, access, query, officerId, now } = input;
  const soon = new Date(now.getTime() + input.dueSoonMs);
  const searched: QueryFilter<Tip> = query.q
    ? { $and: [access, { code: { $regex: escapeRegex(query.q) } }] }
    : access;
  // Counted in the store by plain fields, so only the buckets cross the wire: all cases, then those
  // overdue and those due soon (index ranges on `dueAt`); the rest are on time or have no deadline.
  // Grouping by a computed deadline state instead would be an expression per case, far slower.
  const count = (filter?: QueryFilter<Tip>) =>
    tips.collection
      .aggregate<{ _id: GroupKey; n: number }>([
        { $match: (filter ? { $and: [searched, filter] } : searched) as mongo.Document },
        {
          $group: {
            _id: {
              status: "$status",
              districtId: "$districtId",
              category: "$category",
              assignedTo: "$assignedTo",
            },
            n: { $sum: 1 },
          },
        },
      ])
      .toArray();
  const [all, overdue, dueSoon] = await Promise.all([
    count(),
    count({ dueAt: { $lt: now } }),
    count({ dueAt: { $gte: now, $lt: soon } }),
  ]);
  const keyOf = (group: GroupKey) =>
    `${group.status}|${group.districtId ?? null}|${group.category}|${group.assignedTo ?? null}`;
  const parts = new Map<string, Record<"overdue" | "due-soon", number>>();
  for (const [deadline, groups] of [
    ["overdue", overdue],
    ["due-soon", dueSoon],
  ] as const)
    for (const { _id: group, n } of groups) {
      const part = parts.get(keyOf(group)) ?? { overdue: 0, "due-soon": 0 };
      part[deadline] += n;
      parts.set(keyOf(group), part);
    }
  const grouped = all.flatMap(
    ({ _id: group, n }): Array<{ group: GroupKey; deadline: DeadlineState; n: number }> => {
      const part = parts.get(keyOf(group)) ?? { overdue: 0, "due-soon": 0 };
      if (group.status === "closed") return [{ group, deadline: "none", n }];
      return (
        [
          { group, deadline: "overdue", n: part.overdue },
          { group, deadline: "due-soon", n: part["due-soon"] },
          { group, deadline: "on-time", n: n - part.overdue - part["due-soon"] },
        ] as const
      ).filter((entry) => entry.n > 0);
    },
  );
  const byKey = new Map<string, { bucket: Bucket; n: number }>();
  for (const { group, deadline, n } of grouped) {
    const bucket: Bucket = {
      status: group.status,
      districtId: group.districtId ?? null,
      category: group.category,
      deadline,
      assigned: !group.assignedTo ? "unassigned" : group.assignedTo === officerId ? "me" : "others",
    };
    // Every other officer is one "others" bucket.
    const key = `${bucket.status}|${bucket.districtId}|${bucket.category}|${bucket.deadline}|${bucket.assigned}`;
    const known = byKey.get(key);
    if (known) known.n += n;
    else byKey.set(key, { bucket, n });
  }
  const buckets = [...byKey.values()];

  const matches = (group: Bucket, except?: keyof QueueCounts) =>
    (except === "status" || statusMatches(query.status, group.status)) &&
    (except === "district" || !query.district || group.districtId === query.district) &&
    (except === "category" || !query.category || group.category === query.category) &&
    (except === "deadline" || !query.deadline || group.deadline === query.deadline) &&
    (except === "assigned" || !query.assigned || group.assigned === query.assigned);
  const counts: QueueCounts = {
    status: Object.fromEntries(statusChoices.map((choice) => [choice, 0])) as QueueCounts["status"],
    deadline: { overdue: 0, "due-soon": 0 },
    assigned: { me: 0, others: 0, unassigned: 0 },
    category: {},
    district: {},
  };
  let total = 0;
  let openTotal = 0;
  for (const { bucket: group, n } of buckets) {
    if (matches(group)) {
      total += n;
      if (group.status !== "closed") openTotal += n;
    }
    if (matches(group, "status"))
      for (const choice of statusChoices) if (statusMatches(choice, group.status)) counts.status[choice] += n;
    if (matches(group, "deadline") && (group.deadline === "overdue" || group.deadline === "due-soon"))
      counts.deadline[group.deadline] += n;
    if (matches(group, "assigned")) counts.assigned[group.assigned] += n;
    if (matches(group, "category"))
      counts.category[group.category] = (counts.category[group.category] ?? 0) + n;
    if (matches(group, "district") && group.districtId)
      counts.district[group.districtId] = (counts.district[group.districtId] ?? 0) + n;
  }

  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(query.page, pages);
  const filters: QueryFilter<Tip>[] = [searched];
  if (query.district) filters.push({ districtId: query.district });
  if (query.category) filters.push({ category: query.category });
  if (query.deadline)
    filters.push({ dueAt: query.deadline === "overdue" ? { $lt: now } : { $gte: now, $lt: soon } });
  if (query.assigned === "me") filters.push({ assignedTo: officerId });
  if (query.assigned === "others") filters.push({ assignedTo: { $nin: [officerId, null] } });
  if (query.assigned === "unassigned") filters.push({ assignedTo: null });
  const read = (status: QueryFilter<Tip>, sort: Record<string, 1 | -1>, skip: number, limit: number) =>
    limit <= 0
      ? Promise.resolve([])
      : tips
          .find({ $and: [...filters, status] }, rowFields)
          .sort(sort)
          .skip(skip)
          .limit(limit)
          .lean<Array<QueueRow["tip"] & { dueAt?: Date }>>()
          .exec();
  const skip = (page - 1) * pageSize;
  const open: QueryFilter<Tip> =
    query.status === "open" || query.status === "all"
      ? { status: { $ne: "closed" as const } }
      : { status: query.status };
  const openRows =
    total === 0 || query.status === "closed" ? [] : await read(open, { dueAt: 1 }, skip, pageSize);
  const closedShown = query.status === "all" || query.status === "closed";
  const closedSkip = Math.max(0, skip - (query.status === "closed" ? 0 : openTotal));
  const closedRows = closedShown
    ? await read({ status: "closed" }, { closedAt: -1, _id: -1 }, closedSkip, pageSize - openRows.length)
    : [];
  const rows = [...openRows, ...closedRows].map(({ dueAt, ...tip }) => ({
    tip,
    ...(dueAt && { dueAt }),
    deadline: tip.status === "closed" || !dueAt ? ("none" as const) : deadlineOf(dueAt, now, soon),
  }));
  return { rows, total, page, pages, counts };
}

function statusMatches(choice: StatusChoice, status: TipStatus): boolean {
  if (choice === "all") return true;
  if (choice === "open") return status !== "closed";
  return choice === status;
}

function deadlineOf(due: Date, now: Date, soon: Date): DeadlineState {
  if (due < now) return "overdue";
  return due < soon ? "due-soon" : "on-time";
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
