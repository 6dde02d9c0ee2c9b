import { LockWait } from "../catalog";
import { CommandError } from "../errors";
import type { CommandContext } from "./context";

/**
 * Runs a write attempt again each time it reaches a document an open transaction holds, after
 * that transaction ends: MongoDB makes writes outside transactions wait the same way. `attempt`
 * must change nothing before it throws (the collection checks locks before writing). With
 * `maxTimeMS`, giving up is MaxTimeMSExpired (50), as in MongoDB.
 */
export async function retryWhileLocked<T>(
  context: CommandContext,
  attempt: () => T | Promise<T>,
): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof LockWait)) throw error;
      await waitForRelease(error, context.deadline);
    }
  }
}

async function waitForRelease(wait: LockWait, deadline: number | undefined): Promise<void> {
  if (deadline === undefined) return wait.owner.ended;
  const remaining = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, remaining));
  });
  try {
    const outcome = await Promise.race([wait.owner.ended.then(() => "released" as const), timeout]);
    if (outcome === "timeout") throw new CommandError("MaxTimeMSExpired", "operation exceeded time limit");
  } finally {
    clearTimeout(timer);
  }
}
