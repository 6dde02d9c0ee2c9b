import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { districtNameKey, districtNameKeys, MIN_FUZZY_NAME_LENGTH, withinOneEdit } from "./district-names";

/** An อำเภอ: the unit tips are routed by and officers are scoped to. */
export interface District {
  /** Stable across releases (stored in tips and officer scopes): "cm-san-sai". */
  id: string;
  provinceId: string;
  nameTh: string;
  /** RTGS or official romanisation. */
  nameEn: string;
  /** Approximate: good for choosing the nearest district of a shared location, not for drawing maps. */
  centre: { lat: number; lng: number };
}

export interface Province {
  id: string;
  nameTh: string;
  nameEn: string;
  districts: District[];
  /** A coarse first filter for shared locations; it overlaps neighbouring provinces. */
  bbox: { minLat: number; maxLat: number; minLng: number; maxLng: number };
}

/** The area the service covers, read once at start-up from data files so that a province is added without code. */
export interface Geography {
  provinces: Province[];
  findDistrict(id: string): District | undefined;
  /**
   * Typed name → district: tolerates "อ.", "อำเภอ", "เมือง" for เมืองเชียงใหม่, spaces, English names
   * case-insensitive, small typos (edit distance ≤ 1 for names ≥ 4 chars); returns undefined when no
   * or ambiguous match, so the caller asks again rather than routing a tip to the wrong office.
   */
  matchDistrictName(text: string): District | undefined;
  /**
   * Shared location → nearest district centre (haversine) among provinces whose bbox holds the point,
   * or undefined when outside every known province (outside the pilot area). Nearest-centre is an
   * approximation: near a district border, or in the part of a neighbouring province that falls inside
   * the bbox (e.g. Lamphun town), the answer can be wrong, so flows show it for the citizen to confirm.
   */
  locateDistrict(lat: number, lng: number): District | undefined;
}

/** A data file that does not describe a province correctly; start-up stops and names the file. */
export class GeographyDataError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Invalid geography data file ${file}: ${problem}`);
    this.name = "GeographyDataError";
  }
}

/**
 * Where the province files live: `src/geo/data` under the repository root, found by walking up from
 * this module to the nearest package.json. Resolving from the root rather than from `__dirname` makes
 * the same code work from `src/geo` (ts-jest) and from `dist/src/geo` (compiled): tsc does not copy
 * JSON it does not import, so the files are always read from `src/geo/data`, and a deployment must ship
 * that folder along with `dist/` and package.json.
 */
export function defaultGeographyDataDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}: cannot find src/geo/data`);
    dir = parent;
  }
  return join(dir, "src", "geo", "data");
}

/**
 * Reads and validates every `*.json` in `dataDir` (one province per file, in file-name order).
 * Any invalid file, or an id used twice across files, throws {@link GeographyDataError}: a service
 * that routes tips by district must not start with half its map.
 */
export function loadGeography(dataDir: string = defaultGeographyDataDir()): Geography {
  let files: string[];
  try {
    files = readdirSync(dataDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
      .map((entry) => entry.name)
      .sort();
  } catch (cause) {
    throw new Error(`Cannot read the geography data folder ${dataDir}`, { cause });
  }
  if (files.length === 0) throw new Error(`No geography data files (*.json) in ${dataDir}`);

  const loaded = files.map((name) => readProvinceFile(join(dataDir, name)));
  const provinceFiles = new Map<string, string>();
  const districtFiles = new Map<string, string>();
  for (const { file, province } of loaded) {
    const otherFile = provinceFiles.get(province.id);
    if (otherFile)
      throw new GeographyDataError(file, `province id "${province.id}" is also used by ${otherFile}`);
    provinceFiles.set(province.id, file);
    for (const district of province.districts) {
      const other = districtFiles.get(district.id);
      if (other) throw new GeographyDataError(file, `district id "${district.id}" is also used by ${other}`);
      districtFiles.set(district.id, file);
    }
  }
  return createGeography(loaded);
}

// ---------------------------------------------------------------------------------------------

const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);
const label = z.string().trim().min(1);
const stableId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case words joined by dashes");

const provinceFileSchema = z.strictObject({
  $comment: z.string().optional(),
  id: stableId,
  nameTh: label,
  nameEn: label,
  /** Documents that centres are rough; nothing depends on it. */
  centresApproximate: z.boolean().optional(),
  bbox: z
    .strictObject({ minLat: latitude, maxLat: latitude, minLng: longitude, maxLng: longitude })
    .refine((b) => b.minLat < b.maxLat && b.minLng < b.maxLng, "each min must be below its max"),
  /** A point in the bbox but further than this from every centre is not in the province. */
  maxDistanceKm: z.number().positive().optional(),
  districts: z
    .array(
      z.strictObject({
        id: stableId,
        nameTh: label,
        nameEn: label,
        /** Other spellings people type: "เมือง", "Muang", "Hod". */
        aliases: z.array(label).optional(),
        centre: z.strictObject({ lat: latitude, lng: longitude }),
      }),
    )
    .min(1),
});

interface LoadedProvince {
  file: string;
  province: Province;
  maxDistanceKm: number | undefined;
  /** Each district's comparable names (Thai, English, aliases). */
  nameKeys: ReadonlyMap<District, readonly string[]>;
}

function readProvinceFile(file: string): LoadedProvince {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new GeographyDataError(
      file,
      `not readable JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = provinceFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`,
    );
    throw new GeographyDataError(file, problems.join("; "));
  }
  const data = parsed.data;

  const districts: District[] = [];
  const nameKeys = new Map<District, string[]>();
  const districtIds = new Set<string>();
  const keyOwners = new Map<string, string>();
  for (const entry of data.districts) {
    if (districtIds.has(entry.id))
      throw new GeographyDataError(file, `district id "${entry.id}" appears twice`);
    districtIds.add(entry.id);
    const { lat, lng } = entry.centre;
    const { minLat, maxLat, minLng, maxLng } = data.bbox;
    if (lat < minLat || lat > maxLat || lng < minLng || lng > maxLng) {
      throw new GeographyDataError(file, `centre of "${entry.id}" lies outside the province bbox`);
    }
    const keys = [...new Set([entry.nameTh, entry.nameEn, ...(entry.aliases ?? [])].map(districtNameKey))];
    for (const key of keys) {
      // Within a province a shared name could never be matched, so it is a data error rather than an ambiguity.
      const owner = keyOwners.get(key);
      if (owner) throw new GeographyDataError(file, `"${entry.id}" and "${owner}" share the name "${key}"`);
      keyOwners.set(key, entry.id);
    }
    const district: District = Object.freeze({
      id: entry.id,
      provinceId: data.id,
      nameTh: entry.nameTh,
      nameEn: entry.nameEn,
      centre: Object.freeze({ lat, lng }),
    });
    districts.push(district);
    nameKeys.set(district, keys);
  }

  const province: Province = Object.freeze({
    id: data.id,
    nameTh: data.nameTh,
    nameEn: data.nameEn,
    districts,
    bbox: Object.freeze({ ...data.bbox }),
  });
  return { file, province, maxDistanceKm: data.maxDistanceKm, nameKeys };
}

function createGeography(loaded: readonly LoadedProvince[]): Geography {
  const provinces = loaded.map(({ province }) => province);
  const districtsById = new Map(provinces.flatMap((p) => p.districts.map((d) => [d.id, d] as const)));
  // Across provinces a name may repeat (every province has a เมือง); such a name then matches nothing.
  const districtsByKey = new Map<string, District[]>();
  for (const { nameKeys } of loaded) {
    for (const [district, keys] of nameKeys) {
      for (const key of keys) districtsByKey.set(key, [...(districtsByKey.get(key) ?? []), district]);
    }
  }

  return {
    provinces,
    findDistrict: (id) => districtsById.get(id),
    matchDistrictName: (text) => matchDistrictName(districtsByKey, text),
    locateDistrict: (lat, lng) => locateDistrict(loaded, lat, lng),
  };
}

function matchDistrictName(
  districtsByKey: ReadonlyMap<string, District[]>,
  text: string,
): District | undefined {
  const keys = districtNameKeys(text);
  for (const key of keys) {
    const exact = districtsByKey.get(key);
    if (exact) return exact.length === 1 ? exact[0] : undefined;
  }
  for (const key of keys) {
    if ([...key].length < MIN_FUZZY_NAME_LENGTH) continue;
    const near = new Set<District>();
    for (const [nameKey, districts] of districtsByKey) {
      if ([...nameKey].length < MIN_FUZZY_NAME_LENGTH || !withinOneEdit(key, nameKey)) continue;
      for (const district of districts) near.add(district);
    }
    if (near.size > 0) return near.size === 1 ? [...near][0] : undefined;
  }
  return undefined;
}

function locateDistrict(loaded: readonly LoadedProvince[], lat: number, lng: number): District | undefined {
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return undefined;
  let nearest: { district: District; km: number } | undefined;
  for (const { province, maxDistanceKm } of loaded) {
    const { minLat, maxLat, minLng, maxLng } = province.bbox;
    if (lat < minLat || lat > maxLat || lng < minLng || lng > maxLng) continue;
    for (const district of province.districts) {
      const km = haversineKm(lat, lng, district.centre.lat, district.centre.lng);
      if (maxDistanceKm !== undefined && km > maxDistanceKm) continue;
      if (!nearest || km < nearest.km) nearest = { district, km };
    }
  }
  return nearest?.district;
}

const EARTH_MEAN_RADIUS_KM = 6371.0088;

function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
