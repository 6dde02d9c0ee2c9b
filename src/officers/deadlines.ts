import type { Model, QueryFilter, Types } from "mongoose";
import { isDuplicateKeyError } from "../data/database";
import type { Logger } from "../log";
import type { Tip, TipHistoryEntry } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { routeNotifications } from "./dispatch";
import type { OfficerDirectory } from "./directory";
import { bangkokDate } from "../i18n/bangkok-time";
import type { CaseAlert, DeadlineAlert, Officer } from "./models";
import type { NewNotification, NotificationOutbox } from "./outbox";
import { officerPrincipal, type CaseRouter } from "./routing";

export interface DeadlineDeps {
  tips: TipService;
  router: CaseRouter;
  directory: OfficerDirectory;
  outbox: NotificationOutbox;
  alerts: Model<CaseAlert>;
  /** How long before a deadline the reminder goes out (default 2 days). */
  reminderLeadMs: number;
  logger: Logger;
}

/** Feedback is due until the case is referred or closed: both tell the reporter what was done. */
const awaitingFeedback = ["acknowledged", "under-review"] as const;

/**
 * When the reporter got feedback under the reminders' rule (the first referral or closing), or
 * undefined while it is still due. Exported so the supervisors' figures count "feedback on time"
 * exactly as the reminders and escalations judge it.
 */
export function feedbackGivenAt(tip: {
  history: Array<Pick<TipHistoryEntry, "status" | "at">>;
}): Date | undefined {
  return tip.history.find((entry) => entry.status === "referred" || entry.status === "closed")?.at;
}

interface AlertRule {
  alert: DeadlineAlert;
  filter: (now: Date, leadMs: number) => QueryFilter<Tip>;
  audience: "route" | "supervisors";
}

const rules: AlertRule[] = [
  {
    alert: "ack-reminder",
    filter: (now, lead) => ({
      status: "received",
      acknowledgeBy: { $gt: now, $lte: new Date(now.getTime() + lead) },
    }),
    audience: "route",
  },
  {
    alert: "ack-escalation",
    filter: (now) => ({ status: "received", acknowledgeBy: { $lte: now } }),
    audience: "supervisors",
  },
  {
    alert: "feedback-reminder",
    filter: (now, lead) => ({
      status: { $in: [...awaitingFeedback] },
      feedbackBy: { $gt: now, $lte: new Date(now.getTime() + lead) },
    }),
    audience: "route",
  },
  {
    alert: "feedback-escalation",
    filter: (now) => ({ status: { $in: [...awaitingFeedback] }, feedbackBy: { $lte: now } }),
    audience: "supervisors",
  },
];

/**
 * Deadline watch (EU Directive 2019/1937 art. 9: acknowledge within 7 days, feedback within 3
 * months). Run by cron with the current time, or by tests with any `now`. Each alert fires once per
 * tip: its `case_alerts` record is written after the notifications are queued (keyed, so a crash in
 * between re-queues nothing twice) and is checked before anything is queued again.
 */
export class DeadlineWatch {
  constructor(private readonly deps: DeadlineDeps) {}

  async check(now: Date): Promise<Array<{ alert: DeadlineAlert; code: string }>> {
    const fired: Array<{ alert: DeadlineAlert; code: string }> = [];
    for (const rule of rules) {
      const due = await this.deps.tips.tips
        .find(rule.filter(now, this.deps.reminderLeadMs))
        .lean<Tip[]>()
        .exec();
      if (due.length === 0) continue;
      const done = await this.deps.alerts
        .find({ _id: { $in: due.map((tip) => alertId(rule.alert, tip._id)) } }, { _id: 1 })
        .lean<Array<Pick<CaseAlert, "_id">>>()
        .exec();
      const already = new Set(done.map((alert) => alert._id));
      for (const tip of due) {
        const id = alertId(rule.alert, tip._id);
        if (already.has(id)) continue;
        const notifications =
          rule.audience === "route"
            ? routeNotifications(rule.alert, tip, await this.deps.router.routeFor(tip))
            : await this.supervisorNotifications(rule.alert, tip);
        await this.deps.outbox.enqueue(notifications);
        try {
          await this.deps.alerts.create({ _id: id, tipId: tip._id, alert: rule.alert, firedAt: now });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error; // another instance fired it at the same moment
        }
        fired.push({ alert: rule.alert, code: tip.code });
      }
    }
    if (fired.length > 0) {
      this.deps.outbox.kick();
      this.deps.logger.info({ alerts: fired.length }, "deadline alerts queued");
    }
    return fired;
  }

  /** Supervisors who cover the case; when none does, the admins, so a missed deadline always reaches someone. */
  private async supervisorNotifications(alert: DeadlineAlert, tip: Tip): Promise<NewNotification[]> {
    const candidates = await this.deps.directory.activeOfficersWithRole(["supervisor"]);
    const covering: Officer[] = [];
    for (const officer of candidates) {
      if (await this.deps.router.canAccess(officerPrincipal(officer), tip)) covering.push(officer);
    }
    const officers =
      covering.length > 0 ? covering : await this.deps.directory.activeOfficersWithRole(["admin"]);
    return routeNotifications(alert, tip, { groups: [], officers });
  }

  /** A morning summary per group of its open and overdue cases; once per group per Bangkok day. */
  async digest(now: Date): Promise<number> {
    const day = bangkokDate(now);
    const groups = await this.deps.directory.activeGroups();
    const notifications: NewNotification[] = [];
    for (const group of groups) {
      // A group is an officer-level reader of its scope.
      const filter = await this.deps.router.accessFilter("officer", group.scope);
      if (!filter) continue;
      const open: QueryFilter<Tip> = { $and: [filter, { status: { $ne: "closed" as const } }] };
      const overdue: QueryFilter<Tip> = {
        $and: [
          filter,
          {
            $or: [
              { status: "received" as const, acknowledgeBy: { $lte: now } },
              { status: { $in: [...awaitingFeedback] }, feedbackBy: { $lte: now } },
            ],
          },
        ],
      };
      const [openCount, received, overdueTips] = await Promise.all([
        this.deps.tips.tips.countDocuments(open).exec(),
        this.deps.tips.tips.countDocuments({ $and: [filter, { status: "received" as const }] }).exec(),
        this.deps.tips.tips
          .find(overdue, { code: 1 })
          .sort({ receivedAt: 1 })
          .lean<Array<Pick<Tip, "code">>>()
          .exec(),
      ]);
      if (openCount === 0) continue;
      notifications.push({
        key: `digest:${group._id}:${day}`,
        kind: "digest",
        target: { type: "group", id: group._id },
        params: {
          day,
          open: openCount,
          received,
          overdue: overdueTips.length,
          overdueCodes: overdueTips.slice(0, 10).map((tip) => tip.code),
        },
      });
    }
    const queued = await this.deps.outbox.enqueue(notifications);
    if (queued > 0) this.deps.outbox.kick();
    return queued;
  }
}

function alertId(alert: DeadlineAlert, tipId: Types.ObjectId): string {
  return `${alert}:${tipId.toHexString()}`;
}
