import type { Doc } from "./documents";

/** The MongoDB error codes this store can answer with; drivers and mongoose branch on these numbers. */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  ConflictingUpdateOperators: 40,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  CommandNotSupported: 115,
  CannotIndexParallelArrays: 171,
  TransactionTooOld: 225,
  NoSuchTransaction: 251,
  UnsupportedOpQueryCommand: 352,
  DuplicateKey: 11000,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

/**
 * A command failure MongoDB would also report. Thrown anywhere below a command handler and turned
 * into `{ ok: 0, errmsg, code, codeName }` (or a `writeErrors` entry) by the dispatcher.
 */
export class CommandError extends Error {
  override readonly name = "CommandError";

  constructor(
    readonly codeName: ErrorCodeName,
    message: string,
    /** Extra top-level reply fields, e.g. `keyPattern`/`keyValue` for duplicate keys. */
    readonly details: Doc = {},
    /** Driver retry hints such as "TransientTransactionError". */
    readonly labels: readonly string[] = [],
  ) {
    super(message);
  }

  get code(): number {
    return ErrorCode[this.codeName];
  }

  toReply(): Doc {
    const reply: Doc = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
      ...this.details,
    };
    if (this.labels.length > 0) reply.errorLabels = [...this.labels];
    return reply;
  }

  /** The shape of one entry of a write command's `writeErrors` array. */
  toWriteError(index: number): Doc {
    return { index, code: this.code, errmsg: this.message, ...this.details };
  }
}

/** A frame that cannot be parsed: the connection that sent it is closed, the server keeps running. */
export class MalformedMessageError extends Error {
  override readonly name = "MalformedMessageError";
}
