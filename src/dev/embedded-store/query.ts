import { Aggregator, Query } from "mingo";
import type { Options } from "mingo/types";
import { cloneDoc, type Doc, valueKey, valuesAtPath } from "./documents";
import { CommandError } from "./errors";

/** The mingo settings shared by queries, projections, pipelines and updates. */
export const mingoOptions: Partial<Options> = { idKey: "_id", useStrictMode: true };

export function compileFilter(filter: Doc): Query {
  return new Query(filter, mingoOptions);
}

export interface FindShape {
  sort?: Doc;
  skip?: number;
  limit?: number;
  projection?: Doc;
}

/**
 * Sorts, pages and projects documents that already matched `filter`. Projection runs last and on
 * copies (mingo's projection writes into its input); the filter is passed again because positional
 * projections (`"items.$": 1`) need it.
 */
export function shapeResults(matches: Doc[], filter: Doc, shape: FindShape): Doc[] {
  let docs = matches;
  const sort = sortSpec(shape.sort);
  if (sort) docs = new Query({}, mingoOptions).find<Doc>(docs).sort(sort).all();
  const skip = shape.skip ?? 0;
  const limit = Math.abs(shape.limit ?? 0);
  if (skip > 0 || limit > 0) docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
  if (!shape.projection || Object.keys(shape.projection).length === 0) return docs;
  return new Query(filter, mingoOptions).find<Doc>(docs.map(cloneDoc), shape.projection).all();
}

/** Keeps real sort keys; `$natural` is the natural order anyway and `$meta` needs `$text`, which is a known gap. */
function sortSpec(sort: Doc | undefined): Record<string, 1 | -1> | undefined {
  if (!sort) return undefined;
  const spec: Record<string, 1 | -1> = {};
  for (const [field, direction] of Object.entries(sort)) {
    if (field === "$natural" || typeof direction === "object") continue;
    if (direction !== 1 && direction !== -1) {
      throw new CommandError(
        "BadValue",
        "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
      );
    }
    spec[field] = direction;
  }
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/** Runs a pipeline over copies of `docs`; `resolve` supplies (copied) foreign collections for `$lookup`. */
export function runPipeline(docs: Doc[], pipeline: Doc[], resolve: (name: string) => Doc[]): Doc[] {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (name === "$out" || name === "$merge") {
      throw new CommandError("CommandNotSupported", `${name} is not supported by the embedded store`);
    }
  }
  const aggregator = new Aggregator(pipeline, {
    ...mingoOptions,
    collectionResolver: (name) => resolve(name).map(cloneDoc),
  });
  return aggregator.run(docs.map(cloneDoc)) as Doc[];
}

/** `distinct`: array values contribute their elements, duplicates (by index-key equality) collapse. */
export function distinctValues(docs: Doc[], path: string): unknown[] {
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const value of valuesAtPath(doc, path)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        const key = valueKey(item);
        if (!seen.has(key)) seen.set(key, item);
      }
    }
  }
  return [...seen.values()];
}
