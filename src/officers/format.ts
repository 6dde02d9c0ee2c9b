import { dateLocaleTag, nameIn, type Locale, type TextArgs, type Translator } from "../i18n";
import type { Geography } from "../geo";
import type { EvidenceLocation, Tip, TipDetails } from "../tips/tip";
import type { Scope } from "./scope";
import { districtArgs } from "../conversation/inputs/place";
import { bangkokTimeZone, formatCalendarDay } from "../i18n/bangkok-time";

/**
 * Officer-facing wording of case fields, reusing the citizen texts for categories, agency types and
 * statuses so both sides name things the same way.
 */
export class CaseFormatter {
  constructor(
    private readonly texts: Translator,
    private readonly geography: Pick<Geography, "findDistrict" | "findProvince" | "findRegion" | "provinces">,
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

  /** "อำเภอสันทราย จังหวัดเชียงใหม่"; a province-only tip names its province; neither: "district not given". */
  district(tip: Pick<Tip, "districtId"> & Partial<Pick<Tip, "provinceId">>, locale: Locale): string {
    const province = tip.provinceId ? this.geography.findProvince(tip.provinceId) : undefined;
    if (!tip.districtId) {
      const unknown = this.t(locale, "place-outside-label");
      return province ? `${nameIn(locale, province)} (${unknown})` : unknown;
    }
    const district = this.geography.findDistrict(tip.districtId);
    if (!district) return tip.districtId;
    return this.t(locale, "place-district-name", districtArgs(district, this.geography));
  }

  /** A location the reporter chose to include, said to be their choice: "99/1 … (18.84512, 99.03977) · …". */
  exactLocation(location: NonNullable<TipDetails["location"]>, locale: Locale): string {
    const point = `${location.latitude.toFixed(5)}, ${location.longitude.toFixed(5)}`;
    const where = [location.title, location.address].filter(Boolean).join(", ");
    return this.t(locale, "officer-location-reporter-confirmed", { where: where || point, point });
  }

  /** Locations sent as evidence: each one's district, and its exact point where the reporter included it. */
  evidenceLocations(locations: readonly EvidenceLocation[], locale: Locale): string {
    return locations
      .map((location) => {
        const district = this.district({ districtId: location.districtId }, locale);
        return location.exact ? `${district}: ${this.exactLocation(location.exact, locale)}` : district;
      })
      .join("\n");
  }

  /** Date and time to the minute, never the second (officers' views carry no finer time, coarse-time.ts). */
  dateTime(date: Date, locale: Locale): string {
    const tag = dateLocaleTag(locale);
    return new Intl.DateTimeFormat(tag, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: bangkokTimeZone,
    }).format(date);
  }

  incidentDate(details: TipDetails, locale: Locale): string {
    const when = details.incidentDate;
    if (when.kind === "exact") return formatCalendarDay(when.date, locale);
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
          name: province ? nameIn(locale, province) : id,
        }),
      );
    }
    for (const id of scope.districtIds) places.push(this.district({ districtId: id }, locale));
    for (const id of scope.regionIds ?? []) {
      const region = this.geography.findRegion(id);
      places.push(region ? nameIn(locale, region) : id);
    }
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
