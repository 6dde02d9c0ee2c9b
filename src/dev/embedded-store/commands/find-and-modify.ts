import { type Doc, valueKey } from "../documents";
import { CommandError } from "../errors";
import { shapeResults } from "../query";
import { parseUpdateSpec, updatedDocument, upsertDocument } from "../updates";
import { collectionName, docField, optionalDocArrayField } from "./args";
import type { CommandContext, CommandHandler } from "./context";

/**
 * findAndModify: one document, chosen by `query` and `sort`, removed or updated (or upserted), and
 * returned before or after (`new`). Errors such as E11000 are top-level, not `writeErrors`.
 */
function findAndModify(context: CommandContext): Doc {
  const { body } = context;
  const filter = docField(body, "query") ?? {};
  const fields = docField(body, "fields");
  const remove = body.remove === true;
  const upsert = body.upsert === true;
  const returnNew = body.new === true;
  if (!remove && body.update === undefined) {
    throw new CommandError("FailedToParse", "Either an update or remove=true must be specified");
  }
  if (remove && (upsert || returnNew)) {
    throw new CommandError("FailedToParse", "Cannot specify both remove=true and upsert=true or new=true");
  }
  const name = collectionName(body);
  const collection = upsert
    ? context.data.collectionForWrite(context.db, name)
    : context.data.collection(context.db, name);
  const matches = collection?.match(filter) ?? [];
  const target = shapeResults(matches, filter, { sort: docField(body, "sort"), limit: 1 })[0];
  const project = (doc: Doc | undefined): Doc | null =>
    doc === undefined
      ? null
      : fields
        ? (shapeResults([doc], filter, { projection: fields })[0] ?? null)
        : doc;

  if (remove) {
    if (target) collection?.remove(valueKey(target._id));
    return { lastErrorObject: { n: target ? 1 : 0 }, value: project(target), ok: 1 };
  }
  const spec = parseUpdateSpec(body.update);
  const updateContext = { filter, arrayFilters: optionalDocArrayField(body, "arrayFilters") };
  if (target) {
    const next = updatedDocument(target, spec, updateContext);
    if (next) collection?.replace(valueKey(target._id), next);
    const value = project(returnNew ? (next ?? target) : target);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value, ok: 1 };
  }
  if (upsert && collection) {
    const doc = upsertDocument(filter, spec, updateContext);
    collection.insert(doc);
    const value = returnNew ? project(doc) : null;
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value, ok: 1 };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

export const findAndModifyCommands: Record<string, CommandHandler> = {
  findAndModify,
  findandmodify: findAndModify,
};
