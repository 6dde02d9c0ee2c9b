import type { webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import type { LineGateway } from "../line/gateway";
import { Turn } from "../line/turn";
import type { EventHandler } from "./processor";

/** A feature of the bot (conversations, officer groups, subscriptions) that answers some events. */
export interface Feature {
  readonly name: string;
  /** May look at the database (e.g. "is this an enrolled officer?"); the first feature to say yes gets the event. */
  handles(event: webhook.Event): boolean | Promise<boolean>;
  handle(turn: Turn): Promise<void>;
}

/**
 * Gives each event to the first feature that wants it, then sends the turn's collected answer once.
 * Event types nobody handles (beacons, module events, new types LINE adds) are logged and dropped.
 */
export function routeEvents(features: Feature[], line: LineGateway, logger: Logger): EventHandler {
  return async (event, { eventId }) => {
    let feature: Feature | undefined;
    for (const candidate of features) {
      if (await candidate.handles(event)) {
        feature = candidate;
        break;
      }
    }
    if (!feature) {
      logger.debug({ eventId, eventType: event.type }, "event not handled by any feature");
      return;
    }
    const turn = new Turn(event, eventId, line, logger.child({ eventId, feature: feature.name }));
    await feature.handle(turn);
    await turn.flush();
  };
}
