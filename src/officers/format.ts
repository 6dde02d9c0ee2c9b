import type { Locale, TextArgs, Translator } from "../i18n";
import type { Geography } from "../geo";
import type { Tip, TipDetails } from "../tips/tip";
import type { Scope } from "./scope";
import { formatThaiOrEnglishDate } from "../conversation/inputs/incident-date";

export const bangkok = "Asia/Bangkok";

/**
 * Officer-facing wording of case fields, reusing the citizen texts for categories, agency types and
 * statuses so both sides name things the same way.
 */
export class CaseFormatter {
  constructor(
    private readonly texts: Translator,
    private readonly geography: Pick<Geography, "findDistrict" | "provinces">,
  ) {}

  t(locale: Locale, key: string, args?: TextArgs): string {
    return this.texts.t(locale, key, args);
  }

  has(locale: Locale, key: string): boolean {
    return this.texts.has(locale, key);
  }

  category(tip: Pick<Tip, "category">, locale: Locale): string {
    return this.t(locale, `category-${tip.category}`);
  }

  agencyType(tip: Pick<Tip, "agencyType">, locale: Locale): string {
    const key = `agency-${tip.agencyType}`;
    return this.has(locale, key) ? this.t(locale, key) : tip.agencyType;
  }

  status(status: Tip["status"], locale: Locale): string {
    return this.t(locale, `tip-status-${status}`);
  }

  district(tip: Pick<Tip, "districtId">, locale: Locale): string {
    if (!tip.districtId) return this.t(locale, "place-outside-label");
    const district = this.geography.findDistrict(tip.districtId);
    if (!district) return tip.districtId;
    return locale === "th" ? district.nameTh : district.nameEn;
  }

  /** Date and time to the minute, never the second (officers' views carry no finer time, coarse-time.ts). */
  dateTime(date: Date, locale: Locale): string {
    const tag = locale === "th" ? "th-TH-u-ca-buddhist" : "en-GB";
    return new Intl.DateTimeFormat(tag, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: bangkok,
    }).format(date);
  }

  incidentDate(details: TipDetails, locale: Locale): string {
    const when = details.incidentDate;
    if (when.kind === "exact") return formatThaiOrEnglishDate(when.date, locale);
    if (when.kind === "approximate") return when.text;
    return this.t(locale, "review-date-unknown");
  }

  /** "สันทราย, ฝาง · ทุกประเภท" — what an enrollment covers, in the officer's words. */
  scope(scope: Scope, locale: Locale): string {
    const places: string[] = [];
    if (scope.everywhere) places.push(this.t(locale, "officer-scope-everywhere"));
    for (const id of scope.provinceIds) {
      const province = this.geography.provinces.find((p) => p.id === id);
      places.push(
        this.t(locale, "officer-scope-province", {
          name: province ? (locale === "th" ? province.nameTh : province.nameEn) : id,
        }),
      );
    }
    for (const id of scope.districtIds) places.push(this.district({ districtId: id }, locale));
    if (scope.fallback) places.push(this.t(locale, "officer-scope-fallback"));
    const categories =
      scope.categories.length === 0
        ? this.t(locale, "officer-scope-all-categories")
        : scope.categories.map((category) => this.category({ category }, locale)).join(", ");
    return `${places.join(", ") || "-"} · ${categories}`;
  }

  role(role: string, locale: Locale): string {
    return this.t(locale, `officer-role-${role}`);
  }

  closeReason(reason: string, locale: Locale): string {
    const key = `officer-close-reason-${reason}`;
    return this.has(locale, key) ? this.t(locale, key) : reason;
  }
}

/** The calendar day in Bangkok, "2025-11-25": digests are once per local day. */
export function bangkokDay(date: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: bangkok }).format(date);
}
