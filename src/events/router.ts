import type { webhook } from "@line/bot-sdk";
import type { Logger } from "../log";
import type { Locale } from "../i18n";
import type { Message } from "../line/gateway";
import { Turn } from "../line/turn";
import type { ReadHint } from "../data/unit-of-work";

/** A feature of the bot (conversations, officer groups, subscriptions) that answers some events. */
export interface Feature {
  readonly name: string;
  /** May look at the database (e.g. "is this an enrolled officer?"); the first feature to say yes gets the event. */
  handles(event: webhook.Event): boolean | Promise<boolean>;
  /** Changes what the event asks for and `say`s the answer; it is sent once the changes are committed. */
  handle(turn: Turn): Promise<void>;
  /** The language to apologise in when handling this event failed for good; undefined: not known. */
  localeOf?(event: webhook.Event): Promise<Locale | undefined>;
  /**
   * Called for every event just before its transaction, whichever feature gets it: the documents
   * `handle` would read through a `GroupRead`, so that a group of events reads them in one query;
   * a feature may also start a read outside the transaction here, to share one query with the
   * other events starting now. Cheap and synchronous; a hint nobody uses costs only its key.
   */
  prepare?(event: webhook.Event): ReadHint[] | void;
}

/** What the processor calls for each event. Throwing means the event had no effect (its transaction aborted). */
export interface EventRouter {
  /** Runs the event through the first feature that wants it and returns its answer (possibly empty). */
  apply(event: webhook.Event, eventId: string): Promise<Message[]>;
  /** The language of the person (or group) the event came from, for an apology. */
  localeOf(event: webhook.Event): Promise<Locale | undefined>;
  /** Every feature's `prepare`: what the event's transaction will read (see Feature.prepare). */
  prepare?(event: webhook.Event): ReadHint[];
}

/**
 * Gives each event to the first feature that wants it and returns the answer the feature collected.
 * Event types nobody handles (beacons, module events, new types LINE adds) are logged and dropped.
 */
export function routeEvents(features: Feature[], logger: Logger): EventRouter {
  return {
    async apply(event, eventId) {
      let feature: Feature | undefined;
      for (const candidate of features) {
        if (await candidate.handles(event)) {
          feature = candidate;
          break;
        }
      }
      if (!feature) {
        logger.debug({ eventId, eventType: event.type }, "event not handled by any feature");
        return [];
      }
      const name = feature.name;
      const turn = new Turn(event, eventId, () => logger.child({ eventId, feature: name }));
      await feature.handle(turn);
      return turn.answer();
    },
    prepare(event) {
      return features.flatMap((feature) => feature.prepare?.(event) ?? []);
    },
    async localeOf(event) {
      for (const feature of features) {
        const locale = await feature.localeOf?.(event);
        if (locale) return locale;
      }
      return undefined;
    },
  };
}
