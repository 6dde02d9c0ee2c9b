import { type Collation, parseCollation } from "../collation";
import type { Collection } from "../collection";
import { type Doc, isPlainObject } from "../documents";
import { CommandError, unknownField, unsupported } from "../errors";

/**
 * Typed reads of command fields. Wire documents are untrusted shapes: a wrong type is the
 * client's error (TypeMismatch), never a crash.
 */
export function stringField(body: Doc, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value.length === 0) {
    throw new CommandError("TypeMismatch", `'${field}' must be a non-empty string`);
  }
  return value;
}

export function docField(body: Doc, field: string): Doc | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new CommandError("TypeMismatch", `'${field}' must be an object`);
  return value;
}

export function numberField(body: Doc, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") throw new CommandError("TypeMismatch", `'${field}' must be a number`);
  return value;
}

/** A count such as `skip`, `limit` or `batchSize`: MongoDB 7/8 refuse negative values (51024). */
export function countField(body: Doc, field: string, command: string): number | undefined {
  const value = numberField(body, field);
  if (value === undefined) return undefined;
  if (value < 0) {
    throw new CommandError(
      "Location51024",
      `BSON field '${command}.${field}' value must be >= 0, actual value '${value}'`,
    );
  }
  return Math.trunc(value);
}

export function docArrayField(body: Doc, field: string): Doc[] {
  const value = body[field];
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new CommandError("TypeMismatch", `'${field}' must be an array of objects`);
  }
  return value;
}

export function optionalDocArrayField(body: Doc, field: string): Doc[] | undefined {
  return body[field] === undefined ? undefined : docArrayField(body, field);
}

/** The collection named by the command's first field (`{ find: "users" }`). */
export function collectionName(body: Doc): string {
  const name = Object.keys(body)[0] ?? "";
  return stringField(body, name);
}

/** The arguments every command accepts (MongoDB's generic_argument.idl). */
export const GENERIC_FIELDS = new Set([
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
  "$db",
  "maxTimeMS",
  "readConcern",
  "writeConcern",
  "lsid",
  "clientOperationKey",
  "txnNumber",
  "autocommit",
  "startTransaction",
  "stmtId",
  "comment",
  "$readPreference",
  "$clusterTime",
  "$audit",
  "$client",
  "$configServerState",
  "allowImplicitCollectionCreation",
  "$oplogQueryData",
  "$queryOptions",
  "$replData",
  "databaseVersion",
  "shardVersion",
  "tracking_info",
  "coordinator",
  "maxTimeMSOpOnly",
  "$configTime",
  "$topologyTime",
  "txnRetryCounter",
  "mayBypassWriteBlocking",
  "$tenant",
  "expectPrefix",
]);

/**
 * Refuses fields a strict MongoDB command does not have, as MongoDB 7/8 do
 * (`BSON field 'update.bogus' is an unknown field.`, code 40415).
 */
export function checkCommandFields(body: Doc, command: string, allowed: ReadonlySet<string>): void {
  const keys = Object.keys(body);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    if (!allowed.has(key) && !GENERIC_FIELDS.has(key)) throw unknownField(`${command}.${key}`);
  }
}

/** The same for one statement of a write command (`update.updates.sort` on MongoDB 7.0). */
export function checkStatementFields(statement: Doc, path: string, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(statement)) {
    if (!allowed.has(key)) throw unknownField(`${path}.${key}`);
  }
}

/** Fields MongoDB accepts whose behaviour this store does not have: refused when set, never ignored. */
export function refuseUnsupported(body: Doc, command: string, fields: readonly string[]): void {
  for (const field of fields) {
    const value = body[field];
    if (value !== undefined && value !== false && value !== null) {
      if (isPlainObject(value) && Object.keys(value).length === 0) continue;
      throw unsupported(`${command}.${field}`);
    }
  }
}

/**
 * The collation an operation runs with: its own (`{ locale: "simple" }` means binary), else the
 * collection's (or view's) default.
 */
export function effectiveCollation(raw: unknown, collection: Collection | undefined): Collation | undefined {
  if (raw === undefined || raw === null) return collection?.collation;
  return parseCollation(raw);
}

/** A filter field: absent is `{}`; anything but a document is a TypeMismatch. */
export function filterField(body: Doc, field: string): Doc {
  return docField(body, field) ?? {};
}
