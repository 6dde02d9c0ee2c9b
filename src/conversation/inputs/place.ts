import type { Message } from "../../line/gateway";
import type { Geography } from "../../geo";
import type { FormatContext, InputKind, InputServices } from "../flow";
import { readText } from "./text-checks";

export type Place =
  | { kind: "district"; provinceId: string; districtId: string; location?: SharedLocation }
  | { kind: "outside"; location?: SharedLocation };

export interface SharedLocation {
  latitude: number;
  longitude: number;
  address?: string;
}

function geographyOf(services: InputServices): Geography {
  return services.geography as Geography;
}

/**
 * Where it happened: a district typed by name, picked from the list, or found from a shared
 * location. Places outside the covered provinces are accepted ("outside") and routed to the
 * default queue; an unrecognised name is asked again rather than guessed.
 */
export function place(): InputKind<Place> {
  return {
    type: "place",
    textKeys: [
      "input-place-unknown",
      "input-place-expected",
      "choice-share-location",
      "choice-place-outside",
      "place-picker-title",
      "place-outside-label",
    ],
    parse(input, { services }) {
      const geography = geographyOf(services);
      if (input.kind === "choice") {
        if (input.value === "outside") return { ok: true, value: { kind: "outside" } };
        const district = geography.findDistrict(input.value);
        if (district)
          return {
            ok: true,
            value: { kind: "district", provinceId: district.provinceId, districtId: district.id },
          };
        return { ok: false, error: { key: "input-place-unknown" } };
      }
      if (input.kind === "location") {
        const location = { latitude: input.latitude, longitude: input.longitude, address: input.address };
        const district = geography.locateDistrict(input.latitude, input.longitude);
        return {
          ok: true,
          value: district
            ? { kind: "district", provinceId: district.provinceId, districtId: district.id, location }
            : { kind: "outside", location },
        };
      }
      const text = readText(input, { min: 2, max: 100 });
      if (!text.ok) return { ok: false, error: { key: "input-place-expected" } };
      const district = geography.matchDistrictName(text.text);
      if (!district) return { ok: false, error: { key: "input-place-unknown" } };
      return {
        ok: true,
        value: { kind: "district", provinceId: district.provinceId, districtId: district.id },
      };
    },
    choices: () => [
      { kind: "location", label: "choice-share-location" },
      { kind: "answer", value: "outside", label: "choice-place-outside" },
    ],
    extraMessages: (context) => [districtPicker(context)],
    format(value, { t, locale, services }) {
      if (value.kind === "outside") return value.location?.address ?? t("place-outside-label");
      const district = geographyOf(services).findDistrict(value.districtId);
      const name = district ? (locale === "th" ? district.nameTh : district.nameEn) : value.districtId;
      return value.location?.address ? `${name} (${value.location.address})` : name;
    },
  };
}

/** The covered districts as a carousel of buttons (25 districts exceed LINE's 13 quick replies). */
function districtPicker({
  t,
  locale,
  services,
  button,
}: FormatContext & { button: (value: string) => string }): Message {
  const districts = geographyOf(services).provinces.flatMap((province) => province.districts);
  const pages: (typeof districts)[] = [];
  for (let i = 0; i < districts.length; i += 9) pages.push(districts.slice(i, i + 9));
  return {
    type: "flex",
    altText: t("place-picker-title"),
    contents: {
      type: "carousel",
      contents: pages.slice(0, 12).map((page) => ({
        type: "bubble",
        size: "kilo",
        body: {
          type: "box",
          layout: "vertical",
          spacing: "xs",
          contents: [
            { type: "text", text: t("place-picker-title"), weight: "bold", size: "sm", wrap: true },
            ...page.map((district) => ({
              type: "button" as const,
              style: "secondary" as const,
              height: "sm" as const,
              action: {
                type: "postback" as const,
                label: (locale === "th" ? district.nameTh : district.nameEn).slice(0, 40),
                data: button(district.id),
                displayText: locale === "th" ? district.nameTh : district.nameEn,
              },
            })),
          ],
        },
      })),
    },
  };
}
