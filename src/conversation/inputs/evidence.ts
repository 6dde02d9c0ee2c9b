import type { EvidenceItem } from "../../tips/evidence";
import type { EvidenceLocation } from "../../tips/tip";
import type { Vocabulary } from "../../i18n/vocabulary";
import type { FollowUp, InputKind, InputResult, StepInput } from "../flow";
import type { SharedLocation } from "./place";
import { districtArgs } from "./place";

/** A stored file as the draft keeps it: its id and what the review screen shows. */
export type StoredEvidence = Pick<EvidenceItem, "id" | "kind" | "size">;

/**
 * A location sent as evidence: like the place step's, reduced to its district; the exact point is
 * kept only when the reporter includes it, and `pending` holds it (in the sealed draft) until they choose.
 */
export interface LocationEvidence {
  kind: "location";
  districtId: string | null;
  exact?: EvidenceLocation["exact"];
  pending?: SharedLocation;
}

/** Evidence as the draft keeps it, in the order it was sent. */
export type EvidenceList = Array<StoredEvidence | LocationEvidence>;

export function isLocationEvidence(item: EvidenceList[number]): item is LocationEvidence {
  return item.kind === "location";
}

/** How many items a draft's evidence answer holds (none before the step is answered). */
export function evidenceCount(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** The ids of the stored files (what is attached to the tip). */
export function storedEvidenceIds(list: EvidenceList | undefined): string[] {
  return (list ?? []).flatMap((item) => (isLocationEvidence(item) ? [] : [item.id]));
}

/** The locations sent as evidence, as the tip stores them (a choice still open counts as "district only"). */
export function evidenceLocations(list: EvidenceList | undefined): EvidenceLocation[] {
  return (list ?? []).filter(isLocationEvidence).map((item) => ({
    districtId: item.districtId,
    ...(item.exact ? { exact: item.exact } : {}),
  }));
}

/**
 * Photos, videos, voice and files, one message at a time, up to `max`. Each item is downloaded from
 * LINE as it arrives (LINE deletes content after a while) and stored encrypted under the draft; the
 * step stays open until the citizen taps "done". With `locations`, a shared location is accepted too,
 * under the place step's rule: its district is kept, its coordinates only if the reporter includes them.
 */
export function evidence(settings: { max: number; locations?: boolean }): InputKind<EvidenceList> {
  return {
    type: "evidence",
    optional: true,
    textKeys: [
      "input-expected-media",
      "evidence-received",
      "evidence-max-reached",
      "evidence-too-large",
      "evidence-unsupported",
      "evidence-gone",
      "evidence-preparing",
      "evidence-failed",
      "choice-evidence-done",
      "choice-evidence-none",
      "review-evidence-count",
      "words-evidence-done",
      ...(settings.locations
        ? [
            "evidence-location-exact",
            "evidence-location-exact-nowhere",
            "evidence-location-kept",
            "choice-place-district-only",
            "choice-place-include-exact",
            "words-place-district-only",
            "words-place-include",
          ]
        : []),
    ],
    async parse(input, { current, owner, services, words, showLoading }): Promise<InputResult<EvidenceList>> {
      let items = (current as EvidenceList | undefined) ?? [];
      const pending = items.at(-1);
      if (settings.locations && pending && isLocationEvidence(pending) && pending.pending) {
        const chosen = chooseExact(pending, input, words);
        if (chosen) {
          const next = [...items.slice(0, -1), chosen];
          return {
            ok: true,
            value: next,
            stay: next.length < settings.max,
            reply: { key: "evidence-location-kept" },
          };
        }
        // Anything else first settles the open choice the safe way: the district only.
        items = [...items.slice(0, -1), { kind: "location", districtId: pending.districtId }];
      }
      if (
        (input.kind === "choice" && (input.value === "done" || input.value === "none")) ||
        (input.kind === "text" && words.says(input.text, "words-evidence-done"))
      ) {
        return { ok: true, value: items };
      }
      if (input.kind === "location" && settings.locations) {
        if (items.length >= settings.max)
          return {
            ok: true,
            value: items,
            reply: { key: "evidence-max-reached", args: { max: settings.max } },
          };
        const district = services.geography.locateDistrict(input.latitude, input.longitude);
        const shared: SharedLocation = {
          latitude: input.latitude,
          longitude: input.longitude,
          ...(input.address ? { address: input.address } : {}),
          ...(input.title ? { title: input.title } : {}),
        };
        return {
          ok: true,
          stay: true,
          value: [...items, { kind: "location", districtId: district?.id ?? null, pending: shared }],
        };
      }
      if (input.kind !== "media") return { ok: false, error: { key: "input-expected-media" } };
      if (items.length >= settings.max)
        return {
          ok: true,
          value: items,
          reply: { key: "evidence-max-reached", args: { max: settings.max } },
        };
      if (!input.fromLine) return { ok: false, error: { key: "evidence-failed" } };

      await showLoading();
      const stored = await services.evidence.storeFromLine({
        messageId: input.messageId,
        kind: input.mediaKind,
        fileName: input.fileName,
        owner,
      });
      if (!stored.ok)
        return {
          ok: false,
          error: { key: `evidence-${stored.reason === "unsupported-type" ? "unsupported" : stored.reason}` },
        };

      const next = [...items, { id: stored.item.id, kind: stored.item.kind, size: stored.item.size }];
      const full = next.length >= settings.max;
      return {
        ok: true,
        value: next,
        stay: !full,
        reply: full
          ? { key: "evidence-max-reached", args: { max: settings.max } }
          : { key: "evidence-received", args: { count: next.length, max: settings.max } },
      };
    },
    choices: ({ current }) => {
      const items = (current as EvidenceList | undefined) ?? [];
      const last = items.at(-1);
      if (last && isLocationEvidence(last) && last.pending)
        return [
          { kind: "answer", value: "location-district-only", label: "choice-place-district-only" },
          { kind: "answer", value: "location-include", label: "choice-place-include-exact" },
        ];
      return items.length > 0
        ? [{ kind: "answer", value: "done", label: "choice-evidence-done" }]
        : [{ kind: "answer", value: "none", label: "choice-evidence-none" }];
    },
    followUp: (value, services): FollowUp | undefined => {
      const last = ((value as EvidenceList | undefined) ?? []).at(-1);
      if (!last || !isLocationEvidence(last) || !last.pending) return undefined;
      const { geography } = services;
      const district = last.districtId ? geography.findDistrict(last.districtId) : undefined;
      return district
        ? { prompt: { key: "evidence-location-exact", args: districtArgs(district, geography) } }
        : { prompt: { key: "evidence-location-exact-nowhere" } };
    },
    format: (value, { t }) => t("review-evidence-count", { count: value.length }),
  };
}

/** The reporter's answer to "district only, or include the exact location?", if the input is one. */
function chooseExact(
  item: LocationEvidence,
  input: StepInput,
  words: Vocabulary,
): LocationEvidence | undefined {
  const tapped = input.kind === "choice" ? input.value : undefined;
  const typed = input.kind === "text" ? input.text : "";
  if (tapped === "location-district-only" || words.says(typed, "words-place-district-only"))
    return { kind: "location", districtId: item.districtId };
  if (tapped === "location-include" || words.says(typed, "words-place-include"))
    return {
      kind: "location",
      districtId: item.districtId,
      exact: { ...item.pending!, reporterConfirmed: true },
    };
  return undefined;
}
