import { parseIncidentDate, parseIsoDatePickerValue, type ParsedDate } from "../parsers/date";
import type { InputKind, InputResult } from "../flow";
import { readText } from "./text-checks";
import { bangkokDate } from "../../i18n/bangkok-time";
import { formatCalendarDay } from "../../i18n/bangkok-time";

export type IncidentDate =
  { kind: "exact"; date: string } | { kind: "approximate"; text: string } | { kind: "unknown" };

/**
 * When it happened, as Thai people write it ("เมื่อวาน", "26 ส.ค. 63", "๒๖/๐๘/๒๕๖๓") or from the
 * date picker. Vague answers ("ต้นปี 2563") are kept as text: a vague date is still evidence.
 */
export function incidentDate(): InputKind<IncidentDate> {
  return {
    type: "date",
    textKeys: [
      "input-date-unrecognised",
      "input-date-future",
      "input-date-impossible",
      "choice-date-today",
      "choice-date-yesterday",
      "choice-date-pick",
      "choice-date-unsure",
      "review-date-unknown",
      "date-picked",
    ],
    parse(input, { now, locale }) {
      if (input.kind === "choice") {
        if (input.value === "unsure") return { ok: true, value: { kind: "unknown" } };
        if (input.value === "today") return fromParsed(parseIncidentDate("today", now));
        if (input.value === "yesterday") return fromParsed(parseIncidentDate("yesterday", now));
        if (input.value === "pick" && input.params?.date) {
          // LINE's date picker shows nothing in the chat: the picked date is said back.
          const picked = fromParsed(parseIsoDatePickerValue(input.params.date, now));
          return picked.ok && picked.value.kind === "exact"
            ? {
                ...picked,
                reply: { key: "date-picked", args: { date: formatCalendarDay(picked.value.date, locale) } },
              }
            : picked;
        }
        return { ok: false, error: { key: "input-date-unrecognised" } };
      }
      const text = readText(input, { min: 1, max: 100 });
      if (!text.ok)
        return { ok: false, error: input.kind === "text" ? { key: "input-date-unrecognised" } : text.error };
      return fromParsed(parseIncidentDate(text.text, now));
    },
    choices: ({ now }) => [
      { kind: "answer", value: "today", label: "choice-date-today" },
      { kind: "answer", value: "yesterday", label: "choice-date-yesterday" },
      {
        kind: "date-picker",
        value: "pick",
        label: "choice-date-pick",
        max: bangkokDate(now),
        min: "2000-01-01",
      },
      { kind: "answer", value: "unsure", label: "choice-date-unsure" },
    ],
    format(value, { t, locale }) {
      if (value.kind === "unknown") return t("review-date-unknown");
      if (value.kind === "approximate") return value.text;
      return formatCalendarDay(value.date, locale);
    },
  };
}

function fromParsed(parsed: ParsedDate): InputResult<IncidentDate> {
  if (parsed.kind === "exact") return { ok: true, value: { kind: "exact", date: parsed.date } };
  if (parsed.kind === "approximate") return { ok: true, value: { kind: "approximate", text: parsed.text } };
  return { ok: false, error: { key: `input-date-${parsed.reason}` } };
}
