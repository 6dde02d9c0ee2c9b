import { type Doc, isPlainObject } from "../documents";
import { CommandError } from "../errors";

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

/** Fields every command may carry; they are not part of, say, a collection's options. */
const GENERIC_FIELDS = new Set([
  "$db",
  "lsid",
  "txnNumber",
  "autocommit",
  "startTransaction",
  "readConcern",
  "writeConcern",
  "$clusterTime",
  "$readPreference",
  "comment",
  "maxTimeMS",
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
]);

/** The command's own arguments after its first (name) field, without the generic ones. */
export function commandOptions(body: Doc): Doc {
  return Object.fromEntries(
    Object.entries(body)
      .slice(1)
      .filter(([field]) => !GENERIC_FIELDS.has(field)),
  );
}
