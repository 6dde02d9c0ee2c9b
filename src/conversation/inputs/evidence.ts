import type { EvidenceItem, EvidenceStore } from "../../tips/evidence";
import type { InputKind, InputResult } from "../flow";

/** Stored evidence as the draft keeps it: ids and what the review screen shows. */
export type EvidenceList = Array<Pick<EvidenceItem, "id" | "kind" | "size">>;

const doneWords = /^(เสร็จ|เสร็จแล้ว|พอแล้ว|ไม่มี|ข้าม|done|finish|finished|none|skip|no)$/i;

/**
 * Photos, videos, voice and files, one message at a time, up to `max`. Each item is downloaded from
 * LINE as it arrives (LINE deletes content after a while) and stored encrypted under the draft; the
 * step stays open until the citizen taps "done".
 */
export function evidence(settings: { max: number }): InputKind<EvidenceList> {
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
    ],
    async parse(input, { current, owner, services, showLoading }): Promise<InputResult<EvidenceList>> {
      const items = (current as EvidenceList | undefined) ?? [];
      if (
        (input.kind === "choice" && (input.value === "done" || input.value === "none")) ||
        (input.kind === "text" && doneWords.test(input.text.trim()))
      ) {
        return { ok: true, value: items };
      }
      if (input.kind !== "media") return { ok: false, error: { key: "input-expected-media" } };
      if (items.length >= settings.max)
        return {
          ok: true,
          value: items,
          reply: { key: "evidence-max-reached", args: { max: settings.max } },
        };
      if (!input.fromLine) return { ok: false, error: { key: "evidence-failed" } };

      const store = services.evidence as EvidenceStore;
      await showLoading();
      const stored = await store.storeFromLine({
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
    choices: ({ current }) =>
      (current as EvidenceList | undefined)?.length
        ? [{ kind: "answer", value: "done", label: "choice-evidence-done" }]
        : [{ kind: "answer", value: "none", label: "choice-evidence-none" }],
    format: (value, { t }) => t("review-evidence-count", { count: value.length }),
  };
}
