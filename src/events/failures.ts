import { HTTPFetchError } from "@line/bot-sdk";
import { hasLabel } from "../data/unit-of-work";

/** Where in an event's life a failure happened. */
export type TurnStage = "apply" | "deliver" | "record";

/**
 * A failure with the event that caused it (STYLE.md rule 5): the one handler in the processor logs
 * and classifies it. Only ids and class names travel with it — never the event's content.
 */
export class TurnError extends Error {
  readonly kind: FailureKind;

  constructor(
    override readonly cause: unknown,
    readonly eventId: string,
    readonly eventType: string,
    readonly stage: TurnStage,
  ) {
    super(`event ${eventId} (${eventType}) failed at ${stage}: ${errorName(cause)}`);
    this.name = "TurnError";
    this.kind = classifyFailure(cause);
  }

  /** Fields for the log line: the LINE request id for API errors, class names otherwise. */
  logFields(): Record<string, unknown> {
    const cause = this.cause;
    return {
      eventId: this.eventId,
      eventType: this.eventType,
      stage: this.stage,
      failure: this.kind,
      error: errorName(cause),
      ...(cause instanceof HTTPFetchError && {
        lineStatus: cause.status,
        lineRequestId: cause.headers.get("x-line-request-id"),
      }),
      ...(typeof (cause as { code?: unknown })?.code === "number" && {
        code: (cause as { code: number }).code,
      }),
    };
  }
}

/**
 * transient: the world may be different in a moment (the database is away, LINE is busy) — retry
 * with backoff, keeping the chat's order. permanent: trying again gives the same answer (a bug, a
 * shape we cannot handle, LINE refusing the request) — dead-letter at once and let the chat move on.
 */
export type FailureKind = "transient" | "permanent";

/** Server error codes that mean "not now" rather than "never" (MongoDB's retryable and shutdown codes). */
const transientServerCodes = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  189, // PrimarySteppedDown
  251, // NoSuchTransaction (aborted underneath us, e.g. by a failover)
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof TurnError) return error.kind;
  if (error instanceof HTTPFetchError) {
    if (error.status === 429) return /monthly limit/i.test(error.body) ? "permanent" : "transient";
    return error.status >= 500 ? "transient" : "permanent";
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name !== "string") return "permanent";
  // The driver's view of an unreachable database, and our own "someone else saved first".
  if (
    /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed|OperationTimeout)Error$/.test(
      name,
    )
  )
    return "transient";
  if (["StateConflictError", "EventAlreadyAppliedError", "DatabaseTimeoutError"].includes(name))
    return "transient";
  if (hasLabel(error, "TransientTransactionError") || hasLabel(error, "RetryableWriteError"))
    return "transient";
  const code = (error as { code?: unknown }).code;
  if (/^Mongo/.test(name) && typeof code === "number" && transientServerCodes.has(code)) return "transient";
  // A connection to LINE that failed (refused, reset, timed out): the gateway and fetch report TypeError.
  if (error instanceof TypeError && isNetworkTypeError(error)) return "transient";
  if (name === "AbortError" || name === "TimeoutError") return "transient";
  return "permanent";
}

/**
 * fetch and the gateway report a failed connection as a TypeError; a TypeError from our own code
 * is a bug. Network ones say so in their message or carry a system error code as their cause.
 */
function isNetworkTypeError(error: TypeError): boolean {
  if (/^(fetch failed|LINE API request failed)/.test(error.message)) return true;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" && /^(E[A-Z]+|UND_ERR_\w+)$/.test(cause.code);
}

/** The error's class name only: messages can quote user input. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
