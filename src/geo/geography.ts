import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { districtNameKey, editsAllowed, looseNameKey, parsePlaceQuery, withinEdits } from "./district-names";

/** An อำเภอ (or one of Bangkok's เขต): the unit tips are routed by and officers are scoped to. */
export interface District {
  /** Stable across releases (stored in tips and officer scopes): "cm-san-sai", "lampang-mueang-lampang". */
  id: string;
  /** The Department of Provincial Administration (DOPA) code, "5014". */
  code: string;
  provinceId: string;
  /** Bangkok's districts are เขต; everywhere else อำเภอ. Texts say "เขตบางรัก" / "อำเภอสันทราย". */
  kind: "amphoe" | "khet";
  nameTh: string;
  /** RTGS or official romanisation. */
  nameEn: string;
}

export interface Province {
  id: string;
  code: string;
  nameTh: string;
  nameEn: string;
  districts: District[];
}

/** A regional centre of the office: the provinces it handles when no district or province office covers a tip. */
export interface Region {
  id: string;
  nameTh: string;
  nameEn: string;
  provinceIds: string[];
}

/** What a typed place name turned out to be. */
export type PlaceMatch =
  | { kind: "district"; district: District }
  /** Several districts fit ("จอมทอง" is in Bangkok and Chiang Mai): ask which. Pilot provinces first. */
  | { kind: "ambiguous"; candidates: District[] }
  /** Only a province was named ("ลำปาง"): ask for the district, or keep the province. */
  | { kind: "province"; province: Province }
  | { kind: "none" };

/** The whole country, read once at start-up from data files so that a change of map or office needs no code. */
export interface Geography {
  provinces: Province[];
  regions: Region[];
  /** The pilot's provinces, offered first (Chiang Mai's districts carousel). */
  quickPickProvinces: Province[];
  findDistrict(id: string): District | undefined;
  findProvince(id: string): Province | undefined;
  /** The regional centre whose area holds the province, if the office has one for it. */
  regionOf(provinceId: string): Region | undefined;
  findRegion(id: string): Region | undefined;
  /**
   * Typed text → place: tolerates อ./อำเภอ/เขต/จ./จังหวัด and English "Amphoe"/"District", spacing,
   * Thai digits and pasted addresses, small typos (one edit from 4 characters, two from 9); a province
   * named along ("สันทราย เชียงใหม่", "Mueang, Lampang") narrows the districts.
   */
  matchPlace(text: string): PlaceMatch;
  /** The one district the text names, or undefined when none or several fit. */
  matchDistrictName(text: string): District | undefined;
  /**
   * Shared location → the district of the nearest sub-district reference point, or undefined when no
   * point is within {@link MAX_POINT_DISTANCE_KM} (outside Thailand, at sea). This is an approximation:
   * near a district border, or just across the border in a neighbouring country, it can be wrong, so
   * flows show the answer for the citizen to confirm.
   */
  locateDistrict(lat: number, lng: number): District | undefined;
}

/** Further than this from every sub-district point, a location is taken as outside the country. */
export const MAX_POINT_DISTANCE_KM = 40;

/** A data file that does not describe the map correctly; start-up stops and names the file. */
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
 * Where the data lives: `src/geo/data` under the repository root, found by walking up from this
 * module to the nearest package.json. Resolving from the root rather than from `__dirname` makes the
 * same code work from `src/geo` (ts-jest) and from `dist/src/geo` (compiled): tsc does not copy JSON
 * it does not import, so the files are always read from `src/geo/data`, and a deployment must ship
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
 * Reads and validates `provinces/*.json` (one province per file) and `offices.json` (pilot provinces
 * and regional centres) under `dataDir`. Any invalid file, an id used twice, or an office naming an
 * unknown province throws {@link GeographyDataError}: a service that routes tips by district must not
 * start with half its map.
 */
export function loadGeography(dataDir: string = defaultGeographyDataDir()): Geography {
  const provinceDir = join(dataDir, "provinces");
  let files: string[];
  try {
    files = readdirSync(provinceDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
      .map((entry) => entry.name)
      .sort();
  } catch (cause) {
    throw new Error(`Cannot read the geography data folder ${provinceDir}`, { cause });
  }
  if (files.length === 0) throw new Error(`No geography data files (*.json) in ${provinceDir}`);

  const loaded = files.map((name) => readProvinceFile(join(provinceDir, name)));
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
  const offices = readOfficesFile(join(dataDir, "offices.json"), new Set(provinceFiles.keys()));
  return createGeography(loaded, offices);
}

// ---------------------------------------------------------------------------------------------

const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);
const label = z.string().trim().min(1);
const stableId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case words joined by dashes");
const dopaCode = z.string().regex(/^[0-9]{2,6}$/, "must be a DOPA code (digits)");

const provinceFileSchema = z.strictObject({
  $comment: z.string().optional(),
  id: stableId,
  code: dopaCode,
  nameTh: label,
  nameEn: label,
  /** Other names people type: "กทม", "Korat". */
  aliases: z.array(label).optional(),
  districts: z
    .array(
      z.strictObject({
        id: stableId,
        code: dopaCode,
        kind: z.enum(["amphoe", "khet"]),
        nameTh: label,
        nameEn: label,
        /** Other spellings people type: "Hod", "Mae Jaem". */
        aliases: z.array(label).optional(),
        /** Sub-district reference points [lat, lng]; empty when the source has none (found by name only). */
        points: z.array(z.tuple([latitude, longitude])),
      }),
    )
    .min(1),
});

const officesFileSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Whose districts the place step offers as buttons first (the pilot). */
  quickPickProvinces: z.array(stableId),
  regionalCentres: z.strictObject({
    $comment: z.string().optional(),
    source: z.string().min(1),
    /** False until the office has checked the list; README and docs say so. */
    verified: z.boolean(),
    centres: z.array(
      z.strictObject({ id: stableId, nameTh: label, nameEn: label, provinceIds: z.array(stableId).min(1) }),
    ),
  }),
});

interface Offices {
  quickPickProvinceIds: string[];
  regions: Region[];
}

interface NamedEntry<T> {
  value: T;
  /** Exact comparable names (Thai, English, aliases). */
  keys: readonly string[];
}

interface LoadedProvince {
  file: string;
  province: Province;
  provinceKeys: readonly string[];
  districts: Array<NamedEntry<District> & { points: ReadonlyArray<readonly [number, number]> }>;
}

function parseJsonFile<T>(file: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new GeographyDataError(
      file,
      `not readable JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`,
    );
    throw new GeographyDataError(file, problems.join("; "));
  }
  return parsed.data;
}

function readProvinceFile(file: string): LoadedProvince {
  const data = parseJsonFile(file, provinceFileSchema);
  const districts: LoadedProvince["districts"] = [];
  const districtIds = new Set<string>();
  const keyOwners = new Map<string, string>();
  for (const entry of data.districts) {
    if (districtIds.has(entry.id))
      throw new GeographyDataError(file, `district id "${entry.id}" appears twice`);
    districtIds.add(entry.id);
    const keys = [...new Set([entry.nameTh, entry.nameEn, ...(entry.aliases ?? [])].map(districtNameKey))];
    // Two districts of one province never share a Thai name; English names can (บางไทร and บางซ้าย are
    // both "Bang Sai"), and such a name is then asked about like any other ambiguity.
    const thaiKey = districtNameKey(entry.nameTh);
    const owner = keyOwners.get(thaiKey);
    if (owner) throw new GeographyDataError(file, `"${entry.id}" and "${owner}" share the name "${thaiKey}"`);
    keyOwners.set(thaiKey, entry.id);
    const district: District = Object.freeze({
      id: entry.id,
      code: entry.code,
      provinceId: data.id,
      kind: entry.kind,
      nameTh: entry.nameTh,
      nameEn: entry.nameEn,
    });
    // "เมือง" and "Mueang" name the capital district of every province: they need the province to be told apart.
    const capitalKeys = entry.kind === "amphoe" && entry.code.endsWith("01") ? ["เมือง", "mueang"] : [];
    districts.push({ value: district, keys: [...keys, ...capitalKeys], points: entry.points });
  }

  const province: Province = Object.freeze({
    id: data.id,
    code: data.code,
    nameTh: data.nameTh,
    nameEn: data.nameEn,
    districts: districts.map((entry) => entry.value),
  });
  const provinceKeys = [...new Set([data.nameTh, data.nameEn, ...(data.aliases ?? [])].map(districtNameKey))];
  return { file, province, provinceKeys, districts };
}

function readOfficesFile(file: string, provinceIds: ReadonlySet<string>): Offices {
  const data = parseJsonFile(file, officesFileSchema);
  for (const id of data.quickPickProvinces)
    if (!provinceIds.has(id)) throw new GeographyDataError(file, `quick-pick province "${id}" is unknown`);
  const owners = new Map<string, string>();
  for (const centre of data.regionalCentres.centres) {
    for (const id of centre.provinceIds) {
      if (!provinceIds.has(id))
        throw new GeographyDataError(file, `"${centre.id}" names unknown province "${id}"`);
      const owner = owners.get(id);
      if (owner)
        throw new GeographyDataError(file, `province "${id}" is in both "${owner}" and "${centre.id}"`);
      owners.set(id, centre.id);
    }
  }
  return {
    quickPickProvinceIds: data.quickPickProvinces,
    regions: data.regionalCentres.centres.map((centre) => Object.freeze({ ...centre })),
  };
}

/** Names indexed for the typed-place step: exact and loose keys, with their code points for the typo scan. */
class NameIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly loose = new Map<string, T[]>();
  private scan: { exact: ScanEntry<T>[]; loose: ScanEntry<T>[] } | undefined;

  add(keys: readonly string[], value: T): void {
    for (const key of keys) {
      push(this.exact, key, value);
      push(this.loose, looseNameKey(key), value);
    }
    this.scan = undefined;
  }

  /** The values the key names as written, or with the loose rules (tone marks, romanisation). */
  named(key: string, accept: (value: T) => boolean): T[] {
    if (key === "") return [];
    const exact = unique(this.exact.get(key) ?? []).filter(accept);
    if (exact.length > 0) return exact;
    return unique(this.loose.get(looseNameKey(key)) ?? []).filter(accept);
  }

  /**
   * The values whose names are nearest to a mistyped key: one edit beats two, the written form beats
   * the loose one ("Samoen" is one letter short of Samoeng, though loosely as close to other names).
   */
  near(key: string, accept: (value: T) => boolean): T[] {
    this.scan ??= { exact: scanList(this.exact), loose: scanList(this.loose) };
    const edits = editsAllowed(key);
    for (let allowed = 1; allowed <= edits; allowed++) {
      for (const [list, probe] of [
        [this.scan.exact, key],
        [this.scan.loose, looseNameKey(key)],
      ] as const) {
        const chars = [...probe];
        const found: T[] = [];
        for (const entry of list) {
          if (entry.edits < allowed || !withinEdits(chars, entry.chars, allowed)) continue;
          found.push(...entry.values.filter(accept));
        }
        if (found.length > 0) return unique(found);
      }
    }
    return [];
  }
}

interface ScanEntry<T> {
  chars: string[];
  edits: number;
  values: T[];
}

function scanList<T>(map: ReadonlyMap<string, T[]>): ScanEntry<T>[] {
  return [...map].map(([key, values]) => ({ chars: [...key], edits: editsAllowed(key), values }));
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function createGeography(loaded: readonly LoadedProvince[], offices: Offices): Geography {
  const provinces = loaded.map(({ province }) => province);
  const provincesById = new Map(provinces.map((p) => [p.id, p] as const));
  const districtsById = new Map(provinces.flatMap((p) => p.districts.map((d) => [d.id, d] as const)));
  const regionsById = new Map(offices.regions.map((r) => [r.id, r] as const));
  const regionByProvince = new Map(
    offices.regions.flatMap((r) => r.provinceIds.map((id) => [id, r] as const)),
  );
  const quickPickProvinces = offices.quickPickProvinceIds.map((id) => provincesById.get(id)!);
  const pilot = new Set(offices.quickPickProvinceIds);

  const districtNames = new NameIndex<District>();
  const provinceNames = new NameIndex<Province>();
  for (const { province, provinceKeys, districts } of loaded) {
    provinceNames.add(provinceKeys, province);
    for (const { value, keys } of districts) districtNames.add(keys, value);
  }

  // Flat arrays: a scan of ~7,400 points with a cheap distance is faster than any index at this size.
  const pointCount = loaded.reduce((n, p) => n + p.districts.reduce((m, d) => m + d.points.length, 0), 0);
  const pointLat = new Float64Array(pointCount);
  const pointLng = new Float64Array(pointCount);
  const pointDistrict: District[] = [];
  let next = 0;
  for (const { districts } of loaded) {
    for (const { value, points } of districts) {
      for (const [lat, lng] of points) {
        pointLat[next] = lat;
        pointLng[next] = lng;
        pointDistrict.push(value);
        next++;
      }
    }
  }

  const pilotFirst = (districts: District[]) =>
    [...districts].sort((a, b) => Number(pilot.has(b.provinceId)) - Number(pilot.has(a.provinceId)));

  const matchPlace = (text: string): PlaceMatch => {
    const query = parsePlaceQuery(text);
    const districtKey = districtNameKey(query.district);
    const provinceKey = query.province === undefined ? "" : districtNameKey(query.province);
    const everyProvince = () => true;
    const named = provinceKey === "" ? [] : provinceNames.named(provinceKey, everyProvince);
    const namedOrNear =
      named.length > 0 || provinceKey === "" ? named : provinceNames.near(provinceKey, everyProvince);
    const province = namedOrNear.length === 1 ? namedOrNear[0] : undefined;
    const inProvince = (district: District) => !province || district.provinceId === province.id;
    const fits = (district: District) =>
      inProvince(district) && (!query.kind || district.kind === query.kind);
    // "เขตจอมทอง" asks for Bangkok's จอมทอง; if no เขต has the name, the word was only a habit.
    const find = (search: (accept: (d: District) => boolean) => District[]) => {
      const found = search(fits);
      return found.length > 0 || !query.kind ? found : search(inProvince);
    };
    const answer = (candidates: District[]): PlaceMatch | undefined => {
      if (candidates.length === 1) return { kind: "district", district: candidates[0]! };
      if (candidates.length > 1) return { kind: "ambiguous", candidates: pilotFirst(candidates) };
      return undefined;
    };

    const exact = answer(find((accept) => districtNames.named(districtKey, accept)));
    if (exact) return exact;
    if (districtKey === "") return province ? { kind: "province", province } : { kind: "none" };
    if (!province) {
      // Only a province? ("ลำปาง", "Korat")
      const onlyProvince = provinceNames.named(districtKey, everyProvince);
      if (onlyProvince.length === 1) return { kind: "province", province: onlyProvince[0]! };
      // A province written after the district without a marker: "สันทรายเชียงใหม่", "san sai chiang mai".
      const split: District[] = [];
      for (const { province: candidate, provinceKeys } of loaded) {
        for (const key of provinceKeys) {
          if (!districtKey.endsWith(key) || districtKey.length === key.length) continue;
          const prefix = districtKey.slice(0, -key.length);
          split.push(...districtNames.named(prefix, (d) => d.provinceId === candidate.id));
        }
      }
      const splitAnswer = answer(unique(split));
      if (splitAnswer) return splitAnswer;
    }
    const typo = answer(find((accept) => districtNames.near(districtKey, accept)));
    if (typo) return typo;
    if (!province) {
      const nearProvince = provinceNames.near(districtKey, everyProvince);
      if (nearProvince.length === 1) return { kind: "province", province: nearProvince[0]! };
    }
    return province ? { kind: "province", province } : { kind: "none" };
  };

  return {
    provinces,
    regions: offices.regions,
    quickPickProvinces,
    findDistrict: (id) => districtsById.get(id),
    findProvince: (id) => provincesById.get(id),
    findRegion: (id) => regionsById.get(id),
    regionOf: (provinceId) => regionByProvince.get(provinceId),
    matchPlace,
    matchDistrictName: (text) => {
      const match = matchPlace(text);
      return match.kind === "district" ? match.district : undefined;
    },
    locateDistrict: (lat, lng) => {
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return undefined;
      // Equirectangular distance ranks points correctly at this scale; haversine checks the winner.
      const scale = Math.cos((lat * Math.PI) / 180) ** 2;
      let best = -1;
      let bestScore = Infinity;
      for (let i = 0; i < pointCount; i++) {
        const dLat = pointLat[i]! - lat;
        const dLng = pointLng[i]! - lng;
        const score = dLat * dLat + dLng * dLng * scale;
        if (score < bestScore) {
          bestScore = score;
          best = i;
        }
      }
      if (best < 0) return undefined;
      if (haversineKm(lat, lng, pointLat[best]!, pointLng[best]!) > MAX_POINT_DISTANCE_KM) return undefined;
      return pointDistrict[best];
    },
  };
}

const EARTH_MEAN_RADIUS_KM = 6371.0088;

export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
