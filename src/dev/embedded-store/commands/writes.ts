import { type Doc, valueKey, withLeadingId } from "../documents";
import { CommandError } from "../errors";
import { shapeResults } from "../query";
import { isReplacement, parseUpdateSpec, updatedDocument, upsertDocument } from "../updates";
import { collectionName, docArrayField, docField, numberField, optionalDocArrayField } from "./args";
import type { CommandContext, CommandHandler } from "./context";

/**
 * Runs the statements of a write command. A failing statement becomes a `writeErrors` entry (with
 * its index) instead of failing the command; `ordered` (the default) stops at the first one.
 */
function runStatements(
  statements: Doc[],
  ordered: boolean,
  run: (statement: Doc, index: number) => void,
): Doc[] {
  const writeErrors: Doc[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      run(statement, index);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      writeErrors.push(error.toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withWriteErrors(reply: Doc, writeErrors: Doc[]): Doc {
  return writeErrors.length > 0 ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };
}

function insert(context: CommandContext): Doc {
  const documents = docArrayField(context.body, "documents");
  const collection = context.data.collectionForWrite(context.db, collectionName(context.body));
  let n = 0;
  const writeErrors = runStatements(documents, context.body.ordered !== false, (doc) => {
    collection.insert(withLeadingId(doc));
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
}

function update(context: CommandContext): Doc {
  const name = collectionName(context.body);
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const statements = docArrayField(context.body, "updates");
  const writeErrors = runStatements(statements, context.body.ordered !== false, (statement, index) => {
    const filter = docField(statement, "q") ?? {};
    const spec = parseUpdateSpec(statement.u);
    const multi = statement.multi === true;
    const upsert = statement.upsert === true;
    const updateContext = { filter, arrayFilters: optionalDocArrayField(statement, "arrayFilters") };
    if (multi && isReplacement(spec)) {
      throw new CommandError("FailedToParse", "multi update is not supported for replacement-style update");
    }
    const collection = upsert
      ? context.data.collectionForWrite(context.db, name)
      : context.data.collection(context.db, name);
    const matches = collection?.match(filter) ?? [];
    const sort = docField(statement, "sort");
    const targets = multi ? matches : shapeResults(matches, filter, { sort, limit: 1 });
    for (const doc of targets) {
      const next = updatedDocument(doc, spec, updateContext);
      if (next) {
        collection?.replace(valueKey(doc._id), next);
        nModified++;
      }
      n++;
    }
    if (targets.length === 0 && upsert && collection) {
      const doc = upsertDocument(filter, spec, updateContext);
      collection.insert(doc);
      upserted.push({ index, _id: doc._id });
      n++;
    }
  });
  return withWriteErrors({ n, nModified, ...(upserted.length > 0 ? { upserted } : {}) }, writeErrors);
}

function remove(context: CommandContext): Doc {
  const collection = context.data.collection(context.db, collectionName(context.body));
  let n = 0;
  const statements = docArrayField(context.body, "deletes");
  const writeErrors = runStatements(statements, context.body.ordered !== false, (statement) => {
    const limit = numberField(statement, "limit") ?? 0;
    if (limit !== 0 && limit !== 1)
      throw new CommandError("FailedToParse", "The limit field in delete objects must be 0 or 1");
    const matches = collection?.match(docField(statement, "q") ?? {}) ?? [];
    for (const doc of limit === 1 ? matches.slice(0, 1) : matches) {
      if (collection?.remove(valueKey(doc._id))) n++;
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove };
