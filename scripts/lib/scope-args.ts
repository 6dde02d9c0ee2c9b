import { loadGeography, type Geography } from "../../src/geo";
import { tipCategories, type TipCategory } from "../../src/tips/tip";
import type { Scope } from "../../src/officers/scope";
import { UsageError } from "./cli";

/** The scope options shared by officers.ts and admin-tokens.ts. */
export const scopeOptions = {
  province: { type: "string", multiple: true },
  district: { type: "string", multiple: true },
  region: { type: "string", multiple: true },
  category: { type: "string", multiple: true },
  everywhere: { type: "boolean" },
  fallback: { type: "boolean" },
} as const;

export interface ScopeValues {
  province?: string[];
  district?: string[];
  region?: string[];
  category?: string[];
  everywhere?: boolean;
  fallback?: boolean;
}

/**
 * A scope from the command line, checked against the geography data: a district or province that is
 * not in src/geo/data is refused, so a typo cannot create a route nothing will ever match.
 */
export function scopeFromArgs(
  values: ScopeValues,
  options: { required: boolean },
  geography: Geography = loadGeography(),
): Scope {
  const split = (list?: string[]) =>
    (list ?? [])
      .flatMap((value) => value.split(","))
      .map((value) => value.trim())
      .filter(Boolean);
  const provinceIds = split(values.province);
  const districtIds = split(values.district);
  const regionIds = split(values.region);
  const categories = split(values.category);
  for (const id of provinceIds)
    if (!geography.provinces.some((p) => p.id === id)) throw new UsageError(`unknown province "${id}"`);
  for (const id of districtIds)
    if (!geography.findDistrict(id)) throw new UsageError(`unknown district "${id}"`);
  for (const id of regionIds)
    if (!geography.findRegion(id))
      throw new UsageError(
        `unknown region "${id}" (one of ${geography.regions.map((r) => r.id).join(", ")})`,
      );
  for (const category of categories) {
    if (!tipCategories.includes(category as TipCategory))
      throw new UsageError(`unknown category "${category}" (one of ${tipCategories.join(", ")})`);
  }
  const scope: Scope = {
    everywhere: Boolean(values.everywhere),
    provinceIds,
    districtIds,
    regionIds,
    categories: categories as TipCategory[],
    fallback: Boolean(values.fallback),
  };
  if (
    options.required &&
    !scope.everywhere &&
    !scope.fallback &&
    provinceIds.length === 0 &&
    districtIds.length === 0 &&
    regionIds.length === 0
  ) {
    throw new UsageError("give a scope: --province, --district, --region, --everywhere and/or --fallback");
  }
  return scope;
}

export function describeScopeForOperator(scope: Scope): string {
  const parts: string[] = [];
  if (scope.everywhere) parts.push("everywhere");
  if (scope.provinceIds.length > 0) parts.push(`provinces=${scope.provinceIds.join(",")}`);
  if (scope.districtIds.length > 0) parts.push(`districts=${scope.districtIds.join(",")}`);
  if (scope.regionIds?.length) parts.push(`regions=${scope.regionIds.join(",")}`);
  if (scope.fallback) parts.push("fallback");
  parts.push(scope.categories.length > 0 ? `categories=${scope.categories.join(",")}` : "all categories");
  return parts.join(" ");
}
