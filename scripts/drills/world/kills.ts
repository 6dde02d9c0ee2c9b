import type { Endpoint } from "./line";
import { sleep } from "./time";
import type { World } from "./world";

export interface KillPlan {
  /** Kill when a request to this endpoint arrives at LINE (the bot is mid-send), else at a random instant. */
  on?: Endpoint;
  /** Wait this long (random in the range) after the trigger, so the kill lands inside the call. */
  jitterMs: [number, number];
  /** Kill anyway if the trigger has not come by then. */
  fallbackMs?: number;
  /** How long the bot stays down before it is started again. */
  downMs: [number, number];
}

/** Waits for the trigger, kills the bot with SIGKILL and starts it again; returns what the kill hit. */
export async function crashOnce(world: World, plan: KillPlan): Promise<string> {
  let hit = "a random instant";
  if (plan.on) {
    const arrived = await world.line.nextRequest(plan.on, plan.fallbackMs ?? 60_000);
    hit = arrived ? `a ${plan.on} call` : `a random instant (no ${plan.on} call came)`;
  }
  await sleep(world.random.between(...plan.jitterMs));
  const inFlight = Object.entries(world.line.inFlight)
    .filter(([, n]) => n > 0)
    .map(([endpoint, n]) => `${n} ${endpoint}`)
    .join(", ");
  await world.crash(world.random.between(...plan.downMs));
  return `${hit}; LINE calls in flight at the kill: ${inFlight || "none"}`;
}
