import type { Doc } from "../documents";
import { CommandError } from "../errors";
import { compileMatcher } from "../match";
import { parseSort } from "../planner";
import { matchingRecords, parseLet, projector } from "../query";
import {
  assertCollationSafe,
  parseUpdateSpec,
  type UpdateContext,
  updatedDocument,
  upsertDocument,
} from "../updates";
import {
  checkCommandFields,
  collectionName,
  docField,
  effectiveCollation,
  optionalDocArrayField,
  refuseUnsupported,
} from "./args";
import type { CommandContext, CommandHandler } from "./context";
import { retryWhileLocked } from "./waits";

const FIND_AND_MODIFY_FIELDS = new Set([
  "query",
  "fields",
  "sort",
  "batchSize",
  "singleBatch",
  "hint",
  "collation",
  "arrayFilters",
  "remove",
  "update",
  "new",
  "upsert",
  "bypassDocumentValidation",
  "let",
  "runtimeConstants",
  "encryptionInformation",
  "mirrored",
]);

/**
 * findAndModify: one document, chosen by `query` and `sort`, removed or updated (or upserted), and
 * returned before or after (`new`). Errors such as E11000 are top-level, not `writeErrors`.
 */
async function findAndModify(context: CommandContext): Promise<Doc> {
  const { body } = context;
  const command = Object.keys(body)[0] ?? "findAndModify";
  checkCommandFields(body, command, FIND_AND_MODIFY_FIELDS);
  refuseUnsupported(body, command, ["runtimeConstants", "encryptionInformation"]);
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
  const existing = context.data.collection(context.db, name);
  if (existing?.view) {
    throw new CommandError(
      "CommandNotSupportedOnView",
      `Namespace ${existing.ns} is a view, not a collection`,
    );
  }
  const variables = parseLet(body.let);
  const collation = effectiveCollation(body.collation, existing);
  const sort = parseSort(body.sort);
  const request = { filter, sort, hint: body.hint, collation, variables };
  const matcher = compileMatcher(filter, { collation, variables });
  const project = projector(fields, filter, variables);
  const shown = (doc: Doc | undefined): Doc | null =>
    doc === undefined ? null : (project([doc])[0] ?? null);
  const spec = remove ? undefined : parseUpdateSpec(body.update);
  const updateContext: UpdateContext = {
    filter,
    arrayFilters: optionalDocArrayField(body, "arrayFilters"),
    variables,
    collation,
  };
  if (spec) assertCollationSafe(spec, updateContext);

  return retryWhileLocked(context, async () => {
    const collection = context.data.collection(context.db, name);
    let found: { rid: number; doc: Doc } | undefined;
    let target: Doc | undefined;
    while (collection) {
      [found] = await matchingRecords(collection, request, true);
      if (!found) break;
      // The read may have yielded: take the document as it is now, or look again.
      const current = collection.byRecordId(found.rid);
      if (current && (current === found.doc || matcher.test(current))) {
        target = current;
        break;
      }
    }
    if (remove) {
      if (target && found) collection?.remove(found.rid);
      return { lastErrorObject: { n: target ? 1 : 0 }, value: shown(target), ok: 1 };
    }
    const update = spec as NonNullable<typeof spec>;
    if (target && found && collection) {
      const next = updatedDocument(target, update, updateContext);
      if (next) collection.replace(found.rid, next);
      const value = shown(returnNew ? (next ?? target) : target);
      return { lastErrorObject: { n: 1, updatedExisting: true }, value, ok: 1 };
    }
    if (upsert) {
      const doc = upsertDocument(filter, update, updateContext);
      context.data.collectionForWrite(context.db, name).insert(doc);
      const value = returnNew ? shown(doc) : null;
      return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value, ok: 1 };
    }
    return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  });
}

export const findAndModifyCommands: Record<string, CommandHandler> = {
  findAndModify,
  findandmodify: findAndModify,
};
