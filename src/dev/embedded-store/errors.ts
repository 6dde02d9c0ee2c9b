import type { Doc } from "./documents";

/** The MongoDB error codes this store can answer with; drivers and mongoose branch on these numbers. */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  DollarPrefixedFieldName: 52,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  UnknownReplWriteConcern: 79,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  UnsatisfiableWriteConcern: 100,
  WriteConflict: 112,
  CommandNotSupported: 115,
  InvalidPipelineOperator: 168,
  ViewDepthLimitExceeded: 165,
  CommandNotSupportedOnView: 166,
  OptionNotSupportedOnView: 167,
  CannotIndexParallelArrays: 171,
  QueryPlanKilled: 175,
  InvalidIndexSpecificationOption: 197,
  TransactionTooOld: 225,
  NoSuchTransaction: 251,
  OperationNotSupportedInTransaction: 263,
  CursorInUse: 292,
  UnsupportedOpQueryCommand: 352,
  DuplicateKey: 11000,
  /** IDL: a required field is missing. */
  Location40414: 40414,
  /** IDL: an unknown field in a strict command or statement. */
  Location40415: 40415,
  /** IDL: a numeric field outside its allowed range (`limit: -1`). */
  Location51024: 51024,
  /** An aggregation expression names a `$$variable` nobody defined. */
  Location17276: 17276,
  /** $merge: no unique index on the `on` fields. */
  Location51183: 51183,
  /** $merge: a result lacks an `on` field. */
  Location51132: 51132,
  /** $merge: `whenNotMatched: "fail"` and no match. */
  Location13113: 13113,
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

export function unknownField(path: string): CommandError {
  return new CommandError("Location40415", `BSON field '${path}' is an unknown field.`);
}

export function missingField(path: string): CommandError {
  return new CommandError("Location40414", `BSON field '${path}' is missing but a required field`);
}

/** An option MongoDB has that this store does not implement: refused, never ignored. */
export function unsupported(what: string): CommandError {
  return new CommandError("InvalidOptions", `${what} is not supported by the embedded store`);
}
