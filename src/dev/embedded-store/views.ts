import type { DataView } from "./catalog";
import type { Collation } from "./collation";
import type { Collection } from "./collection";
import type { Doc } from "./documents";
import { CommandError } from "./errors";

/** MongoDB's limit on views defined on views. */
const MAX_VIEW_DEPTH = 20;

/** What a read of a namespace works on: a collection, or a view resolved down to one. */
export interface ResolvedNamespace {
  /** The collection that holds the documents (undefined: it does not exist, so there are none). */
  collection: Collection | undefined;
  /** For a view: its pipeline and those of the views it is defined on, innermost first. */
  pipeline: Doc[];
  /** The view asked for (undefined for a plain collection). */
  view: Collection | undefined;
}

/** Resolves views on views down to the collection they read, as MongoDB does for every read. */
export function resolveNamespace(data: DataView, db: string, name: string): ResolvedNamespace {
  const first = data.collection(db, name);
  if (!first?.view) return { collection: first, pipeline: [], view: undefined };
  const pipelines: Doc[][] = [];
  let current: Collection | undefined = first;
  for (let depth = 0; current?.view; depth++) {
    if (depth >= MAX_VIEW_DEPTH) {
      throw new CommandError(
        "ViewDepthLimitExceeded",
        `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`,
      );
    }
    pipelines.unshift(current.view.pipeline);
    current = data.collection(db, current.view.viewOn);
  }
  return { collection: current, pipeline: pipelines.flat(), view: first };
}

/**
 * A view's reads use the view's default collation; asking for another one is refused with
 * MongoDB's OptionNotSupportedOnView (167).
 */
export function viewCollation(view: Collection, requested: unknown): Collation | undefined {
  if (requested !== undefined && requested !== null) {
    const same = JSON.stringify(requested) === JSON.stringify(view.collation?.spec ?? { locale: "simple" });
    const simpleBoth = !view.collation && (requested as Doc).locale === "simple";
    if (!same && !simpleBoth && !matchesSpec(view.collation, requested as Doc)) {
      throw new CommandError("OptionNotSupportedOnView", "Cannot override a view's default collation");
    }
  }
  return view.collation;
}

function matchesSpec(collation: Collation | undefined, requested: Doc): boolean {
  if (!collation) return false;
  return Object.entries(requested).every(
    ([key, value]) => JSON.stringify(collation.spec[key]) === JSON.stringify(value),
  );
}
