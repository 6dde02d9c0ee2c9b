import type { Message } from "../../line/gateway";
import type { District, Geography, Province } from "../../geo";
import { nameIn, type Locale } from "../../i18n";
import type { Vocabulary } from "../../i18n/vocabulary";
import { buttonCarousel } from "../../line/prompts";
import type { FollowUp, FormatContext, InputKind, InputResult, QuickChoice, StepInput } from "../flow";
import { readText } from "./text-checks";

/**
 * Where it happened, as stored in the draft. Only the final kinds leave the place step; a shared
 * location's coordinates and address are kept (as `exact`) only when the reporter chose to include
 * them, and until that choice only inside the sealed draft.
 */
export type Place =
  | {
      kind: "district";
      provinceId: string;
      districtId: string;
      /** A description the reporter typed or confirmed (a shared location's place name). */
      description?: string;
      /** The shared location, kept because the reporter explicitly chose to include it. */
      exact?: ExactLocation;
    }
  /** The province is known, the district is not (routed to the province's and region's offices). */
  | { kind: "province"; provinceId: string }
  /** No district could be named: the flow asks for a description. */
  | { kind: "outside" }
  | PendingPlace;

/** A place step still asking something; see {@link InputKind.followUp}. */
export type PendingPlace =
  /** "The location you sent is in San Sai — right?" */
  | { kind: "pending"; stage: "confirm"; districtId: string; shared: SharedLocation }
  /** "Only the district is kept; include the exact location?" */
  | { kind: "pending"; stage: "exact"; districtId: string; shared: SharedLocation }
  /** The typed name fits several districts: which one? */
  | { kind: "pending"; stage: "choose"; districtIds: string[] }
  /** Only a province was named: which district of it? */
  | { kind: "pending"; stage: "province"; provinceId: string }
  /** The located district was wrong: type or pick the right one. */
  | { kind: "pending"; stage: "retype" };

export interface SharedLocation {
  latitude: number;
  longitude: number;
  address?: string;
  title?: string;
}

export interface ExactLocation extends SharedLocation {
  /** Always true: officers see it marked as included by the reporter's own choice. */
  reporterConfirmed: true;
}

/** Quick replies leave room for "back" and "cancel" within LINE's 13. */
const MAX_CANDIDATE_BUTTONS = 11;

/**
 * Where it happened: a district typed by name (any of the country's 928, prefixes, typos and
 * provinces tolerated), picked from the pilot's list, or found from a shared location. A shared
 * location is the phone's position unless the reporter moved the pin, often their home: it is reduced
 * to its district and confirmed, and its coordinates and address are kept only if the reporter
 * explicitly includes them. A name that fits several districts is asked about; an unrecognised one is
 * asked again rather than guessed.
 */
export function place(): InputKind<Place> {
  return {
    type: "place",
    textKeys: [
      "input-place-unknown",
      "input-place-expected",
      "input-place-located-nowhere",
      "input-place-follow-up",
      "choice-share-location",
      "choice-place-outside",
      "place-picker-title",
      "place-picker-more",
      "place-outside-label",
      "place-located-confirm",
      "place-located-exact",
      "place-located-exact-titled",
      "place-retype",
      "place-choose",
      "place-choose-many",
      "place-in-province",
      "choice-place-correct",
      "choice-place-wrong",
      "choice-place-district-only",
      "choice-place-include-exact",
      "choice-place-use-title",
      "choice-place-province-only",
      "place-exact-label",
      "place-candidate-province",
      "place-candidate-district",
      "place-district-name",
      "words-place-correct",
      "words-place-wrong",
      "words-place-district-only",
      "words-place-include",
      "words-place-use-title",
      "words-place-unknown-district",
    ],
    parse: (input, { services, current, words }) =>
      parsePlace(input, current as Place | undefined, services.geography, words),
    choices: ({ current, services }) => placeChoices(current as Place | undefined, services.geography),
    extraMessages: (context) => [districtPicker(context, context.services.geography.quickPickProvinces)],
    followUp: (value, services) => followUpFor(value as Place | undefined, services.geography),
    format(value, context) {
      return formatPlace(value, context);
    },
  };
}

/** The place step's parse, with the value already given (a pending follow-up) taken into account. */
export function parsePlace(
  input: StepInput,
  currentValue: Place | undefined,
  geography: Geography,
  words: Vocabulary,
): InputResult<Place> {
  const pending = currentValue?.kind === "pending" ? currentValue : undefined;
  if (pending) {
    const answered = answerFollowUp(pending, input, geography, words);
    if (answered) return answered;
  }
  if (input.kind === "choice") {
    if (input.value === "outside") return { ok: true, value: { kind: "outside" } };
    const district = geography.findDistrict(input.value.replace(/^district:/, ""));
    if (district) return done(district);
    return { ok: false, error: { key: pending ? "input-place-follow-up" : "input-place-unknown" } };
  }
  if (input.kind === "location") {
    const district = geography.locateDistrict(input.latitude, input.longitude);
    if (!district) return { ok: false, error: { key: "input-place-located-nowhere" } };
    const shared: SharedLocation = {
      latitude: input.latitude,
      longitude: input.longitude,
      ...(input.address ? { address: input.address } : {}),
      ...(input.title ? { title: input.title } : {}),
    };
    return {
      ok: true,
      stay: true,
      value: { kind: "pending", stage: "confirm", districtId: district.id, shared },
    };
  }
  const text = readText(input, { min: 2, max: 200 });
  if (!text.ok)
    return { ok: false, error: { key: pending ? "input-place-follow-up" : "input-place-expected" } };
  if (words.says(text.text, "words-place-unknown-district")) return { ok: true, value: { kind: "outside" } };
  return fromTypedName(geography, text.text, pending);
}

function fromTypedName(
  geography: Geography,
  text: string,
  pending: PendingPlace | undefined,
): InputResult<Place> {
  const match = geography.matchPlace(text);
  switch (match.kind) {
    case "district":
      return done(match.district);
    case "ambiguous":
      return {
        ok: true,
        stay: true,
        value: { kind: "pending", stage: "choose", districtIds: match.candidates.map((d) => d.id) },
      };
    case "province":
      return {
        ok: true,
        stay: true,
        value: { kind: "pending", stage: "province", provinceId: match.province.id },
      };
    case "none":
      return { ok: false, error: { key: pending ? "input-place-follow-up" : "input-place-unknown" } };
  }
}

/** An answer to the question on screen, or undefined when the input is a new answer to the step itself. */
function answerFollowUp(
  pending: PendingPlace,
  input: StepInput,
  geography: Geography,
  words: Vocabulary,
): InputResult<Place> | undefined {
  const tapped = input.kind === "choice" ? input.value : undefined;
  const typed = input.kind === "text" ? input.text.trim() : undefined;
  const says = (key: string) => typed !== undefined && words.says(typed, key);
  switch (pending.stage) {
    case "confirm": {
      if (tapped === "correct" || says("words-place-correct"))
        return { ok: true, stay: true, value: { ...pending, stage: "exact" } };
      if (tapped === "wrong" || says("words-place-wrong"))
        return { ok: true, stay: true, value: { kind: "pending", stage: "retype" } };
      return undefined;
    }
    case "exact": {
      const district = geography.findDistrict(pending.districtId);
      if (!district) return { ok: true, stay: true, value: { kind: "pending", stage: "retype" } };
      // "Yes" here is taken as the safe default: only the district.
      if (tapped === "district-only" || says("words-place-district-only") || says("words-place-correct"))
        return done(district);
      if (says("words-place-wrong"))
        return { ok: true, stay: true, value: { kind: "pending", stage: "retype" } };
      if (tapped === "include" || says("words-place-include"))
        return done(district, { exact: { ...pending.shared, reporterConfirmed: true } });
      if (pending.shared.title && (tapped === "title" || says("words-place-use-title")))
        return done(district, { description: pending.shared.title });
      if (input.kind !== "text") return undefined;
      // Anything else typed here describes the place; the coordinates are not kept.
      const text = readText(input, { min: 2, max: 300 });
      if (!text.ok) return { ok: false, error: text.error };
      return done(district, { description: text.text });
    }
    case "choose": {
      const candidates = pending.districtIds.flatMap((id) => geography.findDistrict(id) ?? []);
      if (tapped?.startsWith("district:")) {
        const district = candidates.find((d) => `district:${d.id}` === tapped);
        return district ? done(district) : { ok: false, error: { key: "input-place-follow-up" } };
      }
      if (!typed) return undefined;
      // A province typed alone picks among the candidates: "เชียงใหม่" for จอมทอง.
      const match = geography.matchPlace(typed);
      if (match.kind === "province") {
        const inProvince = candidates.filter((d) => d.provinceId === match.province.id);
        if (inProvince.length === 1) return done(inProvince[0]!);
        if (inProvince.length > 1)
          return { ok: true, stay: true, value: { ...pending, districtIds: inProvince.map((d) => d.id) } };
      }
      return undefined;
    }
    case "province": {
      if (tapped === "province-only" || says("words-place-unknown-district"))
        return { ok: true, value: { kind: "province", provinceId: pending.provinceId } };
      if (!typed) return undefined;
      // "เมือง" for Lampang: a name inside the province the citizen named first.
      const province = geography.findProvince(pending.provinceId);
      const match = province ? geography.matchPlace(`${typed} จังหวัด${province.nameTh}`) : undefined;
      if (match?.kind === "district" && match.district.provinceId === pending.provinceId)
        return done(match.district);
      return undefined;
    }
    case "retype":
      return undefined;
  }
}

function done(
  district: District,
  extra: { description?: string; exact?: ExactLocation } = {},
): InputResult<Place> {
  return {
    ok: true,
    value: { kind: "district", provinceId: district.provinceId, districtId: district.id, ...extra },
  };
}

function placeChoices(current: Place | undefined, geography: Geography): QuickChoice[] {
  if (current?.kind === "pending") {
    switch (current.stage) {
      case "confirm":
        return [
          { kind: "answer", value: "correct", label: "choice-place-correct" },
          { kind: "answer", value: "wrong", label: "choice-place-wrong" },
        ];
      case "exact":
        return [
          { kind: "answer", value: "district-only", label: "choice-place-district-only" },
          { kind: "answer", value: "include", label: "choice-place-include-exact" },
          ...(current.shared.title
            ? [{ kind: "answer" as const, value: "title", label: "choice-place-use-title" }]
            : []),
        ];
      case "choose": {
        const candidates = current.districtIds.flatMap((id) => geography.findDistrict(id) ?? []);
        // Too many to list ("เมือง"): offer the pilot's, and ask for the province in words.
        const shown =
          candidates.length <= MAX_CANDIDATE_BUTTONS
            ? candidates
            : candidates.filter((d) => geography.quickPickProvinces.some((p) => p.id === d.provinceId));
        const sameProvince = new Set(candidates.map((d) => d.provinceId)).size < candidates.length;
        return shown
          .slice(0, MAX_CANDIDATE_BUTTONS)
          .map((district) => candidateChoice(district, geography, sameProvince));
      }
      case "province":
        return [
          { kind: "location", label: "choice-share-location" },
          { kind: "answer", value: "province-only", label: "choice-place-province-only" },
        ];
      case "retype":
        break;
    }
  }
  return [
    { kind: "location", label: "choice-share-location" },
    { kind: "answer", value: "outside", label: "choice-place-outside" },
  ];
}

/** A button for one of several districts: by province when that tells them apart, else by name. */
function candidateChoice(district: District, geography: Geography, byName: boolean): QuickChoice {
  return {
    kind: "answer",
    value: `district:${district.id}`,
    label: byName ? "place-candidate-district" : "place-candidate-province",
    labelArgs: candidateArgs(district, geography),
  };
}

function candidateArgs(district: District, geography: Pick<Geography, "findProvince">) {
  const province = geography.findProvince(district.provinceId);
  return {
    districtTh: district.nameTh,
    districtEn: district.nameEn,
    provinceTh: province?.nameTh ?? district.provinceId,
    provinceEn: province?.nameEn ?? district.provinceId,
  };
}

const sharedNames = new WeakMap<Geography, Map<string, boolean>>();

/** Whether the district's name, typed alone, fits other districts too (remembered: the pilot's list is drawn often). */
function sharesItsName(geography: Geography, district: District, locale: Locale): boolean {
  const known = sharedNames.get(geography) ?? new Map<string, boolean>();
  sharedNames.set(geography, known);
  const key = `${district.id}:${locale}`;
  let shared = known.get(key);
  if (shared === undefined) {
    const match = geography.matchPlace(nameIn(locale, district));
    shared = match.kind !== "district" || match.district.id !== district.id;
    known.set(key, shared);
  }
  return shared;
}

function followUpFor(value: Place | undefined, geography: Geography): FollowUp | undefined {
  if (value?.kind !== "pending") return undefined;
  switch (value.stage) {
    case "confirm":
    case "exact": {
      const district = geography.findDistrict(value.districtId);
      const args = districtArgs(district, geography);
      if (value.stage === "confirm") return { prompt: { key: "place-located-confirm", args } };
      return value.shared.title
        ? { prompt: { key: "place-located-exact-titled", args: { ...args, title: value.shared.title } } }
        : { prompt: { key: "place-located-exact", args } };
    }
    case "choose": {
      const candidates = value.districtIds.flatMap((id) => geography.findDistrict(id) ?? []);
      const first = candidates[0];
      const args = {
        districtTh: first?.nameTh ?? "",
        districtEn: first?.nameEn ?? "",
        count: candidates.length,
      };
      return candidates.length <= MAX_CANDIDATE_BUTTONS
        ? { prompt: { key: "place-choose", args } }
        : { prompt: { key: "place-choose-many", args } };
    }
    case "province": {
      const province = geography.findProvince(value.provinceId);
      return {
        prompt: {
          key: "place-in-province",
          args: {
            provinceTh: province?.nameTh ?? value.provinceId,
            provinceEn: province?.nameEn ?? value.provinceId,
          },
        },
        extraMessages: (context) => (province ? [districtPicker(context, [province])] : []),
      };
    }
    case "retype":
      return {
        prompt: { key: "place-retype" },
        extraMessages: (context) => [districtPicker(context, geography.quickPickProvinces)],
      };
  }
}

/** Fluent arguments naming a district the way texts say it: "อำเภอสันทราย จังหวัดเชียงใหม่", "เขตบางรัก กรุงเทพมหานคร". */
export function districtArgs(district: District | undefined, geography: Pick<Geography, "findProvince">) {
  const province = district ? geography.findProvince(district.provinceId) : undefined;
  return {
    kind: district?.kind ?? "amphoe",
    districtTh: district?.nameTh ?? "",
    districtEn: district?.nameEn ?? "",
    provinceTh: province?.nameTh ?? "",
    provinceEn: province?.nameEn ?? "",
  };
}

/** A tip's place in words: "อำเภอสันทราย จังหวัดเชียงใหม่", a province, or "the place you reported". */
export function describeTipPlace(
  tip: { provinceId: string | null; districtId: string | null },
  geography: Pick<Geography, "findDistrict" | "findProvince">,
  t: (key: string, args?: Record<string, string | number>) => string,
  locale: Locale,
): string {
  const district = tip.districtId ? geography.findDistrict(tip.districtId) : undefined;
  if (district) return t("place-district-name", districtArgs(district, geography));
  const province = tip.provinceId ? geography.findProvince(tip.provinceId) : undefined;
  if (province) return nameIn(locale, province);
  return t("place-reported-area");
}

function formatPlace(value: Place, { t, locale, services }: FormatContext): string {
  const { geography } = services;
  switch (value.kind) {
    case "district": {
      const district = geography.findDistrict(value.districtId);
      const name = district ? t("place-district-name", districtArgs(district, geography)) : value.districtId;
      const parts = [name];
      if (value.description) parts.push(value.description);
      if (value.exact) parts.push(t("place-exact-label"));
      return parts.join(" · ");
    }
    case "province": {
      const province = geography.findProvince(value.provinceId);
      return province ? nameIn(locale, province) : value.provinceId;
    }
    case "outside":
      return t("place-outside-label");
    case "pending":
      return t("place-outside-label");
  }
}

/** Districts as a carousel of buttons (a province has up to 50, beyond LINE's 13 quick replies). */
function districtPicker(
  { t, locale, button, services }: FormatContext & { button: (value: string) => string },
  provinces: readonly Province[],
): Message {
  const { geography } = services;
  return buttonCarousel({
    title: t("place-picker-title"),
    buttons: provinces
      .flatMap((province) => province.districts)
      .map((district) => ({
        // A name other provinces share ("จอมทอง") carries its province, so that typing the label
        // names this district, as tapping it does, while typing the bare name still asks which.
        label: sharesItsName(geography, district, locale)
          ? t("place-candidate-district", candidateArgs(district, geography))
          : nameIn(locale, district),
        data: button(district.id),
      })),
    // The last page says how to reach the rest of the country.
    closing: t("place-picker-more"),
  });
}
