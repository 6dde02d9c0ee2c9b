import type { Logger } from "../log";
import type { Tip } from "../tips/tip";
import type { TipService } from "../tips/tip-service";
import { toMinute } from "../tips/coarse-time";
import type { NewNotification, NotificationOutbox } from "./outbox";
import type { CaseRouter, TipRoute } from "./routing";

/** Notifications for everyone on a route, one per recipient, keyed so re-sending a kind is a no-op. */
export function routeNotifications(
  kind: NewNotification["kind"],
  tip: Pick<Tip, "_id">,
  route: Pick<TipRoute, "groups" | "officers">,
): NewNotification[] {
  const tipId = tip._id.toHexString();
  return [
    ...route.groups.map((group) => ({
      key: `${kind}:${tipId}:g:${group._id}`,
      kind,
      tipId: tip._id,
      target: { type: "group" as const, id: group._id },
    })),
    ...route.officers.map((officer) => ({
      key: `${kind}:${tipId}:o:${officer._id}`,
      kind,
      tipId: tip._id,
      target: { type: "officer" as const, id: officer._id },
    })),
  ];
}

/**
 * New tips to officers: route, record the route, queue one notification per recipient and start
 * sending at once. Hooked to TipService.onSubmitted; a tip whose hook failed is picked up by the
 * sweep (`routeUnrouted`), so a new tip is never left without notifications.
 */
export class NewTipDispatch {
  constructor(
    private readonly deps: {
      tips: TipService;
      router: CaseRouter;
      outbox: NotificationOutbox;
      now: () => Date;
      logger: Logger;
    },
  ) {}

  /** The onSubmitted listener: never throws, so the reporter's receipt never waits on officer routing. */
  readonly onSubmitted = async (tip: Tip): Promise<void> => {
    try {
      await this.dispatch(tip);
    } catch (error) {
      this.deps.logger.error(
        { err: error, tipId: tip._id.toHexString() },
        "new-tip routing failed; the sweep will retry",
      );
    }
  };

  async dispatch(tip: Tip): Promise<TipRoute> {
    const route = await this.deps.router.routeFor(tip);
    await this.deps.outbox.enqueue(routeNotifications("new-tip", tip, route));
    await this.deps.router.record(tip._id, route, toMinute(this.deps.now()));
    this.deps.outbox.kick();
    if (route.groups.length + route.officers.length === 0) {
      this.deps.logger.warn(
        { tipId: tip._id.toHexString() },
        "new tip has no recipient: enroll a fallback group",
      );
    }
    return route;
  }

  /** Recent tips with no recorded route (their hook failed or the process died in between). */
  async routeUnrouted(now: Date, withinMs = 3 * 86_400_000): Promise<number> {
    const recent = await this.deps.tips.tips
      .find({ receivedAt: { $gte: new Date(now.getTime() - withinMs) } }, { _id: 1 })
      .lean<Array<Pick<Tip, "_id">>>()
      .exec();
    if (recent.length === 0) return 0;
    const routed = await this.deps.router.routes
      .find({ _id: { $in: recent.map((tip) => tip._id) } }, { _id: 1 })
      .lean()
      .exec();
    const known = new Set(routed.map((route) => route._id.toHexString()));
    let count = 0;
    for (const { _id } of recent) {
      if (known.has(_id.toHexString())) continue;
      const tip = await this.deps.tips.tips.findById(_id).lean<Tip>().exec();
      if (!tip) continue;
      await this.dispatch(tip);
      count++;
    }
    return count;
  }
}
