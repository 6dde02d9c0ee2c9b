import { z } from "zod";
import type { QueryFilter } from "mongoose";
import { tipCategories, type Tip, type TipCategory } from "../tips/tip";

/**
 * What an officer, an officer group or an admin token is responsible for. Scopes ARE the routing
 * table: a new tip goes to every active group and officer whose scope covers its place and
 * category; when none does, to those flagged `fallback`. Adding a district or province is a new
 * enrollment code (data), never code.
 */
export interface Scope {
  /** Every place, including tips outside every known province (regional or national staff). */
  everywhere: boolean;
  /** Whole provinces, e.g. "chiang-mai". */
  provinceIds: string[];
  /** Single districts (อำเภอ), e.g. "cm-san-sai": a district Damrongdhama centre. */
  districtIds: string[];
  /**
   * The office's regional centres, e.g. "pacc-5": every province src/geo/data/offices.json puts in
   * them. Optional: enrollments made before regions existed have none.
   */
  regionIds?: string[];
  /** Empty: every category. */
  categories: TipCategory[];
  /** The national queue: also receives tips no other active scope covers. */
  fallback: boolean;
}

export const scopeSchema = z.object({
  everywhere: z.boolean().default(false),
  provinceIds: z.array(z.string().min(1)).default([]),
  districtIds: z.array(z.string().min(1)).default([]),
  regionIds: z.array(z.string().min(1)).default([]),
  categories: z.array(z.enum(tipCategories)).default([]),
  fallback: z.boolean().default(false),
});

/** Mongoose sub-schema shape shared by officers, groups, codes and tokens. */
export const scopeFields = {
  everywhere: { type: Boolean, required: true, default: false },
  provinceIds: { type: [String], default: [] },
  districtIds: { type: [String], default: [] },
  regionIds: { type: [String], default: [] },
  categories: { type: [String], default: [] },
  fallback: { type: Boolean, required: true, default: false },
} as const;

export type RoutedFields = Pick<Tip, "provinceId" | "districtId" | "category">;

/**
 * Which regional centre handles a province, and which provinces a centre handles: read from
 * src/geo/data/offices.json, so the office redraws its regions without touching tips or scopes.
 */
export interface RegionTable {
  regionOf(provinceId: string): { id: string } | undefined;
  findRegion(id: string): { provinceIds: readonly string[] } | undefined;
}

export const noRegions: RegionTable = { regionOf: () => undefined, findRegion: () => undefined };

/** How a scope covers a tip, most specific first; undefined when it does not (fallback is decided elsewhere). */
export type CoverageLevel = "district" | "province" | "region" | "everywhere";

export function coverageLevel(
  scope: Scope,
  tip: RoutedFields,
  regions: RegionTable = noRegions,
): CoverageLevel | undefined {
  if (scope.categories.length > 0 && !scope.categories.includes(tip.category)) return undefined;
  if (tip.districtId !== null && scope.districtIds.includes(tip.districtId)) return "district";
  if (tip.provinceId !== null && scope.provinceIds.includes(tip.provinceId)) return "province";
  const region = tip.provinceId !== null ? regions.regionOf(tip.provinceId) : undefined;
  if (region && (scope.regionIds ?? []).includes(region.id)) return "region";
  return scope.everywhere ? "everywhere" : undefined;
}

/** True when the scope covers the tip by place and category (fallback routing is decided elsewhere). */
export function covers(scope: Scope, tip: RoutedFields, regions: RegionTable = noRegions): boolean {
  return coverageLevel(scope, tip, regions) !== undefined;
}

/** The tips a scope covers, as a query; undefined when it covers no place at all (fallback-only). */
export function coverageFilter(scope: Scope, regions: RegionTable = noRegions): QueryFilter<Tip> | undefined {
  const category = scope.categories.length > 0 ? { category: { $in: scope.categories } } : {};
  if (scope.everywhere) return category;
  const places: QueryFilter<Tip>[] = [];
  const regionProvinces = (scope.regionIds ?? []).flatMap((id) => regions.findRegion(id)?.provinceIds ?? []);
  const provinceIds = [...new Set([...scope.provinceIds, ...regionProvinces])];
  if (provinceIds.length > 0) places.push({ provinceId: { $in: provinceIds } });
  if (scope.districtIds.length > 0) places.push({ districtId: { $in: scope.districtIds } });
  if (places.length === 0) return undefined;
  return { ...category, $or: places };
}

export const allPlaces: Scope = {
  everywhere: true,
  provinceIds: [],
  districtIds: [],
  regionIds: [],
  categories: [],
  fallback: true,
};

/** A scope covering nothing: campaign staff's (they handle no cases). */
export const noPlaces: Scope = {
  everywhere: false,
  provinceIds: [],
  districtIds: [],
  regionIds: [],
  categories: [],
  fallback: false,
};

/** A copy with plain arrays (mongoose documents carry array wrappers that do not serialise cleanly). */
export function plainScope(scope: Scope): Scope {
  return {
    everywhere: Boolean(scope.everywhere),
    provinceIds: [...scope.provinceIds],
    districtIds: [...scope.districtIds],
    regionIds: [...(scope.regionIds ?? [])],
    categories: [...scope.categories],
    fallback: Boolean(scope.fallback),
  };
}
