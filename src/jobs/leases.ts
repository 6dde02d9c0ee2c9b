import { Schema, type Connection, type Model, type mongo } from "mongoose";
import { bulkStatementErrors, driverCollection } from "../data/database";
import { Batcher } from "../data/batcher";
import type { Logger } from "../log";

interface LeaseDocument {
  _id: string;
  owner: string;
  until: Date;
  /** Another instance had work for the holder while it held the lease (see requestRecheck). */
  recheck?: boolean;
}

/**
 * Leases coordinate work between instances through MongoDB (never memory): one holder at a time,
 * and a crashed holder's lease simply runs out.
 */
export interface Leases {
  /** Takes the lease for `ttlMs`; the caller renews it (or lets it run out, as cron ticks do). */
  acquire(name: string, ttlMs: number): Promise<boolean>;
  /**
   * Takes the lease and keeps it alive with the instance's heartbeat until `release`, so a short TTL
   * frees a crashed holder's work within seconds while a long step (a download) keeps its lease.
   */
  hold(name: string, ttlMs: number): Promise<boolean>;
  /**
   * For a held lease, answered from memory (no command): true while the last heartbeat found it
   * still ours and the time it confirmed has not run out. False means "renew before going on".
   */
  stillHeld(name: string): boolean;
  renew(name: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up. True when another instance asked the holder to look at the work again first. */
  release(name: string): Promise<boolean>;
  /**
   * For an instance that could not acquire: asks the live holder to look at the work again before
   * it lets go, since it may have read before this instance's work arrived. False when no other
   * instance holds the lease any more, so the caller can simply try to acquire again.
   */
  requestRecheck(name: string): Promise<boolean>;
  /** Renews every held lease now, one command per TTL in use (the heartbeat's tick; tests call it). */
  heartbeat(): Promise<void>;
  /** Stops the heartbeat (shutdown); held leases then run out unless released. */
  stop(): void;
}

/**
 * The `until` of a lease given back: long past, so any instance may take it at once, and distinct
 * from a lease that merely ran out, which its holder may still renew (a released one it may not).
 */
const RELEASED = new Date(0);

/**
 * Documents are never deleted by a command: released ones (`until` = RELEASED) and those of a
 * crashed holder are removed by the TTL index on `until` this long after it (MongoDB's monitor runs
 * every 60 s, the embedded store's every second). Long after any lease's end, so a holder whose
 * heartbeat was late can still renew its lease when nobody took it.
 */
const LEASE_RETENTION_SECONDS = 3600;

type LeaseWrite = { kind: "take"; name: string; ttlMs: number } | { kind: "release"; name: string };

/** A lease this instance holds through `hold`: until when it is known to be ours, and whether it was lost. */
interface Held {
  ttlMs: number;
  confirmedUntil: number;
  lost: boolean;
}

export interface LeaseOptions {
  /** Where a failed heartbeat is told; without one it is silent (the lease then runs out by time). */
  logger?: Logger;
  /**
   * Run the heartbeat from a timer every third of the shortest held TTL (default true). Tests with
   * an injected clock turn it off and call `heartbeat()` themselves.
   */
  heartbeatTimer?: boolean;
  /** How long a release waits for a take to share its command (default 5 ms; 0 = at the end of the turn). */
  releaseLingerMs?: number;
}

export function leaseModel(connection: Connection): Model<LeaseDocument> {
  const schema = new Schema<LeaseDocument>(
    {
      _id: { type: String, required: true },
      owner: { type: String, required: true },
      until: { type: Date, required: true },
      recheck: Boolean,
    },
    { versionKey: false, collection: "leases" },
  );
  schema.index({ until: 1 }, { expireAfterSeconds: LEASE_RETENTION_SECONDS });
  return connection.models.Lease ?? connection.model<LeaseDocument>("Lease", schema);
}

/** Talks to the driver directly (see driverCollection): every event's processing takes a lease. */
export function createLeases(
  model: Model<LeaseDocument>,
  owner: string,
  now: () => Date = () => new Date(),
  options: LeaseOptions = {},
): Leases {
  const { logger, heartbeatTimer = true, releaseLingerMs = 5 } = options;
  let leases: mongo.Collection<LeaseDocument> | undefined;
  const collection = () => (leases ??= driverCollection(model));
  const held = new Map<string, Held>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  // Every event's processing takes and gives back its chat's lease: the takes and the releases
  // made at the same moment, of many chats, go as ONE bulk update command (see Batcher and `flushLeases`).
  const writes = new Batcher<LeaseWrite, boolean>((batch) => flushLeases(batch));
  /**
   * Releases wait up to `releaseLingerMs` for the next take to ride along with: a chat's lease is
   * given back when its done mark has landed, and new chats' leases are taken when their webhooks'
   * inserts have, so the two hardly ever fall in one turn. The reply and the done mark are behind a
   * release; what waits those milliseconds is the drain's slot, and a message of the same chat that
   * arrived meanwhile (its chat is drained again once the release has answered).
   */
  const lingering: Array<{
    name: string;
    resolve: (rechecked: boolean) => void;
    reject: (e: unknown) => void;
  }> = [];
  let lingerTimer: NodeJS.Timeout | undefined;
  function sendLingering(): void {
    if (lingerTimer) clearTimeout(lingerTimer);
    lingerTimer = undefined;
    for (const { name, resolve, reject } of lingering.splice(0))
      writes.run({ kind: "release", name }).then(resolve, reject);
  }
  function take(name: string, ttlMs: number): Promise<boolean> {
    const taken = writes.run({ kind: "take", name, ttlMs });
    sendLingering(); // the releases waiting go in the same command
    return taken;
  }

  /**
   * One bulk update for takes and releases. A release is an update too (the owner kept, `until` set
   * to RELEASED), not a delete, so that both kinds share the command; the TTL index on `until`
   * removes the released documents. A name both taken and released in one batch (never so in the
   * processor, whose next drain of a chat starts after the release has landed) goes as two commands,
   * releases first, since an unordered bulk write does not promise its statements' order.
   */
  async function flushLeases(batch: LeaseWrite[]): Promise<boolean[]> {
    const taken = new Set(batch.flatMap((write) => (write.kind === "take" ? [write.name] : [])));
    if (batch.some((write) => write.kind === "release" && taken.has(write.name))) {
      const releases = batch.filter((write) => write.kind === "release");
      const takes = batch.filter((write) => write.kind === "take");
      const released = await flushLeases(releases);
      const took = await flushLeases(takes);
      const answers = new Map<LeaseWrite, boolean>();
      releases.forEach((write, i) => answers.set(write, released[i]!));
      takes.forEach((write, i) => answers.set(write, took[i]!));
      return batch.map((write) => answers.get(write)!);
    }
    const at = now();
    const operations = batch.map((write) =>
      write.kind === "take"
        ? {
            updateOne: {
              filter: { _id: write.name, $or: [{ until: { $lte: at } }, { owner }] },
              // A new hold starts with no recheck asked of it: the last holder's release answered that.
              update: {
                $set: { owner, until: new Date(at.getTime() + write.ttlMs) },
                $unset: { recheck: "" as const },
              },
              upsert: true,
            },
          }
        : {
            // The common case: nobody asked for a recheck, and the lease is given back as it is.
            updateOne: {
              filter: { _id: write.name, owner, recheck: { $ne: true } },
              update: { $set: { until: RELEASED } },
            },
          },
    );
    // Not taken = the upsert collided with another instance's live lease (duplicate key).
    const refused = new Set<number>();
    let result: { matchedCount: number; upsertedIds: Record<number, unknown> };
    try {
      result = await collection().bulkWrite(operations, { ordered: false });
    } catch (error) {
      const errors = bulkStatementErrors(error);
      if (!errors || errors.some((e) => e.code !== 11000 || batch[e.index]?.kind !== "take")) throw error;
      errors.forEach((e) => refused.add(e.index));
      result = (error as { result: typeof result }).result;
    }
    // A take either matched, upserted or was refused, so the matches left over are the releases'.
    const releaseIndexes = batch.flatMap((write, i) => (write.kind === "release" ? [i] : []));
    const upserted = Object.keys(result.upsertedIds ?? {}).length;
    const takesMatched = batch.length - releaseIndexes.length - upserted - refused.size;
    const answers = batch.map((write, i) => write.kind === "take" && !refused.has(i));
    if (result.matchedCount - takesMatched === releaseIndexes.length) return answers;
    // Some lease had a recheck asked of it (or was lost). Only the ones still held are left: read
    // which (one query), and give back just those one by one. Asking every name of the batch cost a
    // command per chat in hand whenever one chat was rechecked, the common case with two workers.
    const names = releaseIndexes.map((i) => batch[i]!.name);
    const left = await collection()
      .find({ _id: { $in: names }, owner, until: { $gt: RELEASED } }, { projection: { _id: 1 } })
      .toArray();
    const rechecked = new Set(
      await Promise.all(
        left.map(async ({ _id }) => {
          const before = await collection().findOneAndUpdate(
            { _id, owner, until: { $gt: RELEASED } },
            { $set: { until: RELEASED }, $unset: { recheck: "" } },
          );
          return before?.recheck === true ? _id : undefined;
        }),
      ),
    );
    for (const i of releaseIndexes) answers[i] = rechecked.has(batch[i]!.name);
    return answers;
  }

  /**
   * One heartbeat: every held lease of one TTL is renewed by one updateMany, whatever the number of
   * chats in hand. Only when fewer matched than asked (a lease ran out and another instance took it)
   * does one read find which, and those are marked lost so their work stops.
   */
  async function heartbeat(): Promise<void> {
    const byTtl = new Map<number, Array<[string, Held]>>();
    for (const [name, entry] of held) {
      const group = byTtl.get(entry.ttlMs) ?? [];
      group.push([name, entry]);
      byTtl.set(entry.ttlMs, group);
    }
    await Promise.all(
      [...byTtl].map(async ([ttlMs, entries]) => {
        // Taken before the command leaves: the database's `until` is then never earlier than ours.
        const at = now().getTime();
        const names = entries.map(([name]) => name);
        // Not a released one: a heartbeat that lands after the release (another connection of the
        // pool) must not bring the lease back to life for a TTL with nobody working under it.
        const result = await collection().updateMany(
          { _id: { $in: names }, owner, until: { $gt: RELEASED } },
          { $set: { until: new Date(at + ttlMs) } },
        );
        let ours = new Set(names);
        if (result.matchedCount < names.length) {
          const left = await collection()
            .find({ _id: { $in: names }, owner, until: { $gt: RELEASED } }, { projection: { _id: 1 } })
            .toArray();
          ours = new Set(left.map(({ _id }) => _id));
        }
        for (const [name, entry] of entries) {
          if (held.get(name) !== entry) continue; // released (or held anew) meanwhile
          if (ours.has(name)) entry.confirmedUntil = at + ttlMs;
          else entry.lost = true;
        }
      }),
    );
  }

  /** While anything is held, the next tick comes a third of the shortest TTL later; ticks never overlap. */
  function scheduleHeartbeat(): void {
    if (!heartbeatTimer || stopped || timer || held.size === 0) return;
    const everyMs = Math.max(250, Math.min(...[...held.values()].map((entry) => entry.ttlMs)) / 3);
    timer = setTimeout(() => {
      heartbeat()
        .catch((error: unknown) => logger?.warn({ err: error }, "lease heartbeat failed; will try again"))
        .finally(() => {
          timer = undefined;
          scheduleHeartbeat();
        });
    }, everyMs);
    timer.unref();
  }

  return {
    acquire: take,
    async hold(name, ttlMs) {
      const at = now().getTime();
      if (!(await take(name, ttlMs))) return false;
      held.set(name, { ttlMs, confirmedUntil: at + ttlMs, lost: false });
      scheduleHeartbeat();
      return true;
    },
    stillHeld(name) {
      const entry = held.get(name);
      return entry !== undefined && !entry.lost && now().getTime() < entry.confirmedUntil;
    },
    async renew(name, ttlMs) {
      const at = now().getTime();
      const result = await collection().updateOne(
        { _id: name, owner, until: { $gt: RELEASED } },
        { $set: { until: new Date(at + ttlMs) } },
      );
      const entry = held.get(name);
      if (entry && result.matchedCount === 1) entry.confirmedUntil = at + ttlMs;
      if (entry && result.matchedCount === 0) entry.lost = true;
      return result.matchedCount === 1;
    },
    release(name) {
      held.delete(name);
      return new Promise<boolean>((resolve, reject) => {
        lingering.push({ name, resolve, reject });
        if (releaseLingerMs <= 0) sendLingering();
        else lingerTimer ??= setTimeout(sendLingering, releaseLingerMs);
      });
    },
    async requestRecheck(name) {
      const result = await collection().updateOne(
        { _id: name, owner: { $ne: owner }, until: { $gt: now() } },
        { $set: { recheck: true } },
      );
      return result.matchedCount === 1;
    },
    heartbeat,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
