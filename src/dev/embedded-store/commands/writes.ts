import type { Collection } from "../collection";
import { type Doc, withLeadingId } from "../documents";
import { CommandError, missingField } from "../errors";
import { compileMatcher } from "../match";
import { parseSort } from "../planner";
import { matchingRecords, parseLet, TimeSlice } from "../query";
import {
  assertCollationSafe,
  isReplacement,
  parseUpdateSpec,
  type UpdateContext,
  updatedDocument,
  upsertDocument,
} from "../updates";
import {
  checkCommandFields,
  checkStatementFields,
  collectionName,
  docArrayField,
  docField,
  effectiveCollation,
  numberField,
  optionalDocArrayField,
  refuseUnsupported,
} from "./args";
import type { CommandContext, CommandHandler } from "./context";
import { retryWhileLocked } from "./waits";

const WRITE_COMMAND_FIELDS = [
  "ordered",
  "bypassDocumentValidation",
  "stmtId",
  "stmtIds",
  "isTimeseriesNamespace",
  "collectionUUID",
  "encryptionInformation",
];
const INSERT_FIELDS = new Set(["documents", ...WRITE_COMMAND_FIELDS]);
const UPDATE_FIELDS = new Set(["updates", "let", "runtimeConstants", "mirrored", ...WRITE_COMMAND_FIELDS]);
const DELETE_FIELDS = new Set(["deletes", "let", "runtimeConstants", ...WRITE_COMMAND_FIELDS]);
/** MongoDB 8.0's update statement, which added `sort` (7.0 refuses it as unknown). */
const UPDATE_STATEMENT_FIELDS = new Set([
  "q",
  "u",
  "c",
  "arrayFilters",
  "hint",
  "multi",
  "upsert",
  "upsertSupplied",
  "collation",
  "sort",
  "sampleId",
  "$_allowShardKeyUpdatesWithoutFullShardKeyInQuery",
]);
const DELETE_STATEMENT_FIELDS = new Set(["q", "limit", "hint", "collation", "sampleId"]);
const UNSUPPORTED_WRITE_OPTIONS = [
  "collectionUUID",
  "encryptionInformation",
  "isTimeseriesNamespace",
  "runtimeConstants",
];

/** Failures that end the whole command (and a transaction) rather than one statement. */
const COMMAND_LEVEL = new Set(["WriteConflict", "MaxTimeMSExpired", "NoSuchTransaction"]);

/**
 * Runs the statements of a write command. A failing statement becomes a `writeErrors` entry (with
 * its index) instead of failing the command; `ordered` (the default) stops at the first one.
 */
async function runStatements(
  statements: Doc[],
  ordered: boolean,
  run: (statement: Doc, index: number) => Promise<void>,
): Promise<Doc[]> {
  const writeErrors: Doc[] = [];
  // A large insertMany must not hold the store: other clients get turns between statements.
  const slice = new TimeSlice();
  for (const [index, statement] of statements.entries()) {
    await slice.check();
    try {
      await run(statement, index);
    } catch (error) {
      if (!(error instanceof CommandError) || COMMAND_LEVEL.has(error.codeName)) throw error;
      writeErrors.push(error.toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withWriteErrors(reply: Doc, writeErrors: Doc[]): Doc {
  return writeErrors.length > 0 ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };
}

/** Writes to a view are refused for the whole command, as in MongoDB (166). */
function assertNotView(collection: Collection | undefined): void {
  if (collection?.view) {
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${collection.ns} is a view, not a collection`,
    );
  }
}

async function insert(context: CommandContext): Promise<Doc> {
  const { body } = context;
  checkCommandFields(body, "insert", INSERT_FIELDS);
  refuseUnsupported(body, "insert", UNSUPPORTED_WRITE_OPTIONS);
  const documents = docArrayField(body, "documents");
  const name = collectionName(body);
  assertNotView(context.data.collection(context.db, name));
  let n = 0;
  const writeErrors = await runStatements(documents, body.ordered !== false, async (doc) => {
    await retryWhileLocked(context, () => {
      context.data.collectionForWrite(context.db, name).insert(withLeadingId(doc));
    });
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
}

async function update(context: CommandContext): Promise<Doc> {
  const { body } = context;
  checkCommandFields(body, "update", UPDATE_FIELDS);
  refuseUnsupported(body, "update", UNSUPPORTED_WRITE_OPTIONS);
  const name = collectionName(body);
  const statements = docArrayField(body, "updates");
  for (const statement of statements) {
    checkStatementFields(statement, "update.updates", UPDATE_STATEMENT_FIELDS);
    if (!("q" in statement)) throw missingField("update.updates.q");
    if (!("u" in statement)) throw missingField("update.updates.u");
    refuseUnsupported(statement, "update.updates", ["upsertSupplied"]);
  }
  assertNotView(context.data.collection(context.db, name));
  const commandVariables = parseLet(body.let);
  const totals = { n: 0, nModified: 0 };
  const upserted: Doc[] = [];
  const writeErrors = await runStatements(statements, body.ordered !== false, async (statement, index) => {
    const result = await updateStatement(context, name, statement, commandVariables);
    totals.n += result.n;
    totals.nModified += result.nModified;
    if (result.upsertedId !== undefined) upserted.push({ index, _id: result.upsertedId });
  });
  return withWriteErrors({ ...totals, ...(upserted.length > 0 ? { upserted } : {}) }, writeErrors);
}

interface StatementResult {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

async function updateStatement(
  context: CommandContext,
  name: string,
  statement: Doc,
  commandVariables: Doc | undefined,
): Promise<StatementResult> {
  const filter = docField(statement, "q") ?? {};
  const spec = parseUpdateSpec(statement.u);
  const multi = statement.multi === true;
  const upsert = statement.upsert === true;
  const sort = parseSort(statement.sort);
  if (multi && isReplacement(spec)) {
    throw new CommandError("FailedToParse", "multi update is not supported for replacement-style update");
  }
  if (multi && sort) throw new CommandError("InvalidOptions", "Cannot specify sort with multi=true");
  const constants = docField(statement, "c");
  const variables =
    constants || commandVariables ? { ...commandVariables, ...parseLet(constants) } : undefined;
  const existing = context.data.collection(context.db, name);
  const updateContext: UpdateContext = {
    filter,
    arrayFilters: optionalDocArrayField(statement, "arrayFilters"),
    variables,
    collation: effectiveCollation(statement.collation, existing),
  };
  assertCollationSafe(spec, updateContext);
  const request = { filter, sort, hint: statement.hint, collation: updateContext.collation, variables };
  const matcher = compileMatcher(filter, { collation: updateContext.collation, variables });

  if (!multi) {
    return retryWhileLocked(context, async () => {
      for (;;) {
        const collection = context.data.collection(context.db, name);
        const [target] = collection ? await matchingRecords(collection, request, true) : [];
        if (!target || !collection) break;
        // The read may have yielded: work on the document as it is now, or look again.
        const current = collection.byRecordId(target.rid);
        if (!current || (current !== target.doc && !matcher.test(current))) continue;
        const next = updatedDocument(current, spec, updateContext);
        if (next) collection.replace(target.rid, next);
        return { n: 1, nModified: next ? 1 : 0 };
      }
      if (!upsert) return { n: 0, nModified: 0 };
      const doc = upsertDocument(filter, spec, updateContext);
      context.data.collectionForWrite(context.db, name).insert(doc);
      return { n: 1, nModified: 0, upsertedId: doc._id };
    });
  }

  const collection = existing;
  const targets = collection ? await matchingRecords(collection, request, false) : [];
  let n = 0;
  let nModified = 0;
  const slice = new TimeSlice();
  for (const target of targets) {
    await slice.check();
    await retryWhileLocked(context, () => {
      const current = collection?.byRecordId(target.rid);
      if (!collection || !current || (current !== target.doc && !matcher.test(current))) return;
      const next = updatedDocument(current, spec, updateContext);
      if (next) {
        collection.replace(target.rid, next);
        nModified++;
      }
      n++;
    });
  }
  if (targets.length === 0 && upsert) {
    const doc = upsertDocument(filter, spec, updateContext);
    await retryWhileLocked(context, () => context.data.collectionForWrite(context.db, name).insert(doc));
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  return { n, nModified };
}

async function remove(context: CommandContext): Promise<Doc> {
  const { body } = context;
  checkCommandFields(body, "delete", DELETE_FIELDS);
  refuseUnsupported(body, "delete", UNSUPPORTED_WRITE_OPTIONS);
  const name = collectionName(body);
  const statements = docArrayField(body, "deletes");
  for (const statement of statements) {
    checkStatementFields(statement, "delete.deletes", DELETE_STATEMENT_FIELDS);
    if (!("q" in statement)) throw missingField("delete.deletes.q");
    if (!("limit" in statement)) throw missingField("delete.deletes.limit");
  }
  assertNotView(context.data.collection(context.db, name));
  const variables = parseLet(body.let);
  let n = 0;
  const writeErrors = await runStatements(statements, body.ordered !== false, async (statement) => {
    const limit = numberField(statement, "limit") ?? 0;
    if (limit !== 0 && limit !== 1) {
      throw new CommandError("FailedToParse", "The limit field in delete objects must be 0 or 1");
    }
    const filter = docField(statement, "q") ?? {};
    const collection = context.data.collection(context.db, name);
    if (!collection) return;
    const collation = effectiveCollation(statement.collation, collection);
    const request = { filter, hint: statement.hint, collation, variables };
    const matcher = compileMatcher(filter, { collation, variables });
    if (limit === 1) {
      n += await retryWhileLocked(context, async () => {
        for (;;) {
          const [target] = await matchingRecords(collection, request, true);
          if (!target) return 0;
          // Changed while the read yielded: look again.
          const current = collection.byRecordId(target.rid);
          if (!current || (current !== target.doc && !matcher.test(current))) continue;
          return collection.remove(target.rid) ? 1 : 0;
        }
      });
      return;
    }
    const slice = new TimeSlice();
    for (const target of await matchingRecords(collection, request, false)) {
      await slice.check();
      await retryWhileLocked(context, () => {
        const current = collection.byRecordId(target.rid);
        if (!current || (current !== target.doc && !matcher.test(current))) return;
        if (collection.remove(target.rid)) n++;
      });
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove };
