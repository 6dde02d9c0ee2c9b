import type { Model, PipelineStage, QueryFilter } from "mongoose";
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

interface Group {
  _id: {
    status: TipStatus;
    districtId: string | null;
    category: TipCategory;
    deadline: DeadlineState;
    assigned: AssignmentState;
  };
  n: number;
}

const inProgress: TipStatus[] = ["acknowledged", "under-review", "referred"];
const farFuture = new Date(8.64e15);

/**
 * The officer's case queue: one aggregation groups every case in scope by status, district,
 * category, deadline state and assignment (so each filter's counts, and the total, come from it),
 * and one more reads the page sorted by deadline. Both start with the scope filter, which the tip
 * indexes serve; the deadline is the acknowledgement deadline of a new case and the feedback
 * deadline of one in progress.
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
  const dueAt = {
    $switch: {
      branches: [
        { case: { $eq: ["$status", "received"] }, then: "$acknowledgeBy" },
        { case: { $eq: ["$status", "closed"] }, then: farFuture },
      ],
      default: { $ifNull: ["$feedbackBy", farFuture] },
    },
  };
  const groups = await tips
    .aggregate<Group>([
      { $match: searched },
      {
        $group: {
          _id: {
            status: "$status",
            districtId: "$districtId",
            category: "$category",
            deadline: {
              $switch: {
                branches: [
                  { case: { $gte: [dueAt, farFuture] }, then: "none" },
                  { case: { $lt: [dueAt, now] }, then: "overdue" },
                  { case: { $lt: [dueAt, soon] }, then: "due-soon" },
                ],
                default: "on-time",
              },
            },
            assigned: {
              $switch: {
                branches: [
                  { case: { $eq: ["$assignedTo", officerId] }, then: "me" },
                  { case: { $gt: ["$assignedTo", null] }, then: "others" },
                ],
                default: "unassigned",
              },
            },
          },
          n: { $sum: 1 },
        },
      },
    ])
    .exec();

  const matches = (group: Group["_id"], except?: keyof QueueCounts) =>
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
  for (const { _id: group, n } of groups) {
    if (matches(group)) total += n;
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
  if (query.status === "open") filters.push({ status: { $ne: "closed" } });
  else if (query.status !== "all") filters.push({ status: query.status });
  if (query.district) filters.push({ districtId: query.district });
  if (query.category) filters.push({ category: query.category });
  if (query.deadline) filters.push(deadlineFilter(query.deadline, now, soon));
  if (query.assigned === "me") filters.push({ assignedTo: officerId });
  if (query.assigned === "others") filters.push({ assignedTo: { $nin: [officerId, null] } });
  if (query.assigned === "unassigned") filters.push({ assignedTo: null });
  const pipeline: PipelineStage[] = [
    { $match: { $and: filters } },
    {
      $project: {
        ref: 1,
        code: 1,
        status: 1,
        category: 1,
        districtId: 1,
        provinceId: 1,
        receivedAt: 1,
        assignedTo: 1,
        dueAt,
      },
    },
    { $sort: { dueAt: 1, _id: 1 } },
    { $skip: (page - 1) * pageSize },
    { $limit: pageSize },
  ];
  const found = total === 0 ? [] : await tips.aggregate<QueueRow["tip"] & { dueAt: Date }>(pipeline).exec();
  const rows = found.map(({ dueAt: due, ...tip }) => ({
    tip,
    ...(due < farFuture && { dueAt: due }),
    deadline: deadlineOf(due, now, soon),
  }));
  return { rows, total, page, pages, counts };
}

function statusMatches(choice: StatusChoice, status: TipStatus): boolean {
  if (choice === "all") return true;
  if (choice === "open") return status !== "closed";
  return choice === status;
}

function deadlineOf(due: Date, now: Date, soon: Date): DeadlineState {
  if (due >= farFuture) return "none";
  if (due < now) return "overdue";
  return due < soon ? "due-soon" : "on-time";
}

function deadlineFilter(state: "overdue" | "due-soon", now: Date, soon: Date): QueryFilter<Tip> {
  const range = state === "overdue" ? { $lt: now } : { $gte: now, $lt: soon };
  return {
    $or: [
      { status: "received", acknowledgeBy: range },
      { status: { $in: inProgress }, feedbackBy: range },
    ],
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
