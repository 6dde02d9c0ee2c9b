import { supportedLocales, type Locale } from "../i18n";
import { contentLimits, type FieldProblem } from "../awareness/campaign-schema";
import type { CampaignDocument } from "../awareness/campaigns";
import { defaultQuietHours } from "../awareness/quiet-hours";
import { topics } from "../awareness/topics";

/**
 * The composer's form, one field per campaign field, each named by the path the campaign schema uses
 * (`content.th[0].text`, `schedule.at`, `quietHours.start`), so a validation problem is shown next to
 * the field it names without a second mapping. Times are typed in Bangkok wall-clock time
 * (`datetime-local`, no zone) and become ISO instants with +07:00 (Asia/Bangkok has no DST).
 */
export type CampaignForm = Record<string, string | string[] | undefined>;

export const messageKinds = ["text", "image", "flex"] as const;
export type ScheduleKind = "none" | "once" | "cron";

/** The form's value of a field as one string ("" when absent). */
export function value(form: CampaignForm, name: string): string {
  const raw = form[name];
  return (Array.isArray(raw) ? raw[0] : raw) ?? "";
}

export function values(form: CampaignForm, name: string): string[] {
  const raw = form[name];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

export const messageField = (locale: Locale, index: number, field: string) =>
  `content.${locale}[${index}].${field}`;

/** How many message slots a language shows: its messages and one empty slot, up to LINE's five. */
export function slotsOf(form: CampaignForm, locale: Locale): number {
  let used = 0;
  for (let i = 0; i < contentLimits.messagesPerLocale; i++)
    if (value(form, messageField(locale, i, "type"))) used = i + 1;
  return Math.min(used + 1, contentLimits.messagesPerLocale);
}

/** A new campaign's form: Thai text first, every topic, quiet hours on (the office's default). */
export function blankForm(): CampaignForm {
  return {
    topics: [...topics],
    defaultLocale: "th",
    scheduleKind: "none",
    "quietHours.enabled": "on",
    "quietHours.start": defaultQuietHours.start,
    "quietHours.end": defaultQuietHours.end,
    [messageField("th", 0, "type")]: "text",
  };
}

/** The stored campaign as the composer shows it for editing. */
export function formFromCampaign(campaign: CampaignDocument): CampaignForm {
  const form: CampaignForm = {
    id: campaign._id,
    name: campaign.name,
    description: campaign.description ?? "",
    topics: [...campaign.topics],
    defaultLocale: campaign.defaultLocale,
    scheduleKind: !campaign.schedule ? "none" : "at" in campaign.schedule ? "once" : "cron",
    "schedule.at": campaign.schedule && "at" in campaign.schedule ? bangkokLocal(campaign.schedule.at) : "",
    "schedule.cron": campaign.schedule && "cron" in campaign.schedule ? campaign.schedule.cron : "",
    startAt: campaign.startAt ? bangkokLocal(campaign.startAt.toISOString()) : "",
    endAt: campaign.endAt ? bangkokLocal(campaign.endAt.toISOString()) : "",
    "audience.provinces": [...(campaign.audience?.provinces ?? [])],
    "quietHours.enabled": campaign.quietHours ? "on" : undefined,
    "quietHours.start": campaign.quietHours ? campaign.quietHours.start : defaultQuietHours.start,
    "quietHours.end": campaign.quietHours ? campaign.quietHours.end : defaultQuietHours.end,
  };
  for (const locale of supportedLocales) {
    (campaign.content[locale] ?? []).forEach((message, index) => {
      const field = (name: string, text: string | undefined) => {
        form[messageField(locale, index, name)] = text ?? "";
      };
      field("type", message.type);
      if (message.type === "text") field("text", message.text);
      if (message.type === "image") {
        field("originalContentUrl", message.originalContentUrl);
        // Left out when it is the original (the schema fills it in the same way).
        if (message.previewImageUrl !== message.originalContentUrl)
          field("previewImageUrl", message.previewImageUrl);
      }
      if (message.type === "flex") {
        field("altText", message.altText);
        field("contents", JSON.stringify(message.contents, null, 2));
      }
    });
  }
  return form;
}

/**
 * The campaign input the schema validates, built from the form, and the problems the form itself
 * has (Flex JSON that does not parse, a time that is not a time) named by field like the schema's.
 * Fields the composer does not edit (`sources`) are taken from the stored campaign.
 */
export function inputFromForm(
  form: CampaignForm,
  stored?: CampaignDocument,
): { input: Record<string, unknown>; problems: FieldProblem[]; formPath(path: string): string } {
  const problems: FieldProblem[] = [];
  const content: Record<string, unknown[]> = {};
  // A slot left empty between two messages: the schema's message n is the form's slot slots[n].
  const slotsByLocale = new Map<string, number[]>();
  for (const locale of supportedLocales) {
    const messages: unknown[] = [];
    const slots: number[] = [];
    slotsByLocale.set(locale, slots);
    for (let i = 0; i < contentLimits.messagesPerLocale; i++) {
      const kind = value(form, messageField(locale, i, "type"));
      if (!kind) continue;
      slots.push(i);
      const field = (name: string) => value(form, messageField(locale, i, name));
      if (kind === "text") messages.push({ type: "text", text: field("text") });
      else if (kind === "image")
        messages.push({
          type: "image",
          originalContentUrl: field("originalContentUrl").trim(),
          ...(field("previewImageUrl").trim() && { previewImageUrl: field("previewImageUrl").trim() }),
        });
      else if (kind === "flex") {
        let contents: unknown = {};
        try {
          contents = JSON.parse(field("contents") || "null");
        } catch {
          // Named like the schema's problems (the message's place in what is sent), mapped back by formPath.
          problems.push({
            path: messageField(locale, messages.length, "contents"),
            message: "not valid JSON",
          });
        }
        messages.push({ type: "flex", altText: field("altText"), contents });
      } else messages.push({ type: kind });
    }
    if (messages.length > 0) content[locale] = messages;
  }
  const input: Record<string, unknown> = {
    id: value(form, "id").trim(),
    name: value(form, "name"),
    topics: values(form, "topics"),
    content,
    defaultLocale: value(form, "defaultLocale") || undefined,
  };
  // No province ticked: every province (the schema refuses an empty list, so none is sent).
  const provinces = values(form, "audience.provinces");
  if (provinces.length > 0) input.audience = { provinces };
  const description = value(form, "description").trim();
  if (description) input.description = description;
  const instant = (name: string) => {
    const text = value(form, name).trim();
    if (!text) return undefined;
    const iso = bangkokInstant(text);
    if (!iso) problems.push({ path: name, message: "must be an ISO date-time with a zone" });
    return iso ?? text;
  };
  const kind = value(form, "scheduleKind") as ScheduleKind;
  if (kind === "once") input.schedule = { at: instant("schedule.at") ?? "" };
  if (kind === "cron") input.schedule = { cron: value(form, "schedule.cron").trim() };
  if (kind === "cron") {
    const startAt = instant("startAt");
    const endAt = instant("endAt");
    if (startAt) input.startAt = startAt;
    if (endAt) input.endAt = endAt;
  }
  input.quietHours = value(form, "quietHours.enabled")
    ? { start: value(form, "quietHours.start").trim(), end: value(form, "quietHours.end").trim() }
    : false;
  if (stored?.sources) input.sources = stored.sources;
  const formPath = (path: string) =>
    path.replace(/^content\.(th|en)\[(\d+)\]/, (whole, locale: string, index: string) => {
      const slot = slotsByLocale.get(locale)?.[Number(index)];
      return slot === undefined ? whole : `content.${locale}[${slot}]`;
    });
  return { input, problems, formPath };
}

/** "2026-12-15T10:00" (Bangkok wall clock) → "2026-12-15T10:00:00+07:00", or undefined. */
export function bangkokInstant(local: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec(local);
  if (!match) return undefined;
  const iso = `${match[1]}T${match[2]}:00+07:00`;
  return Number.isNaN(new Date(iso).getTime()) ? undefined : iso;
}

/** An instant as the Bangkok wall-clock value a `datetime-local` input shows. */
export function bangkokLocal(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * The schema's problems as locale keys with arguments, so staff read them in their language. The
 * schema writes its messages for the CLI and the API (English); each known message has a key here,
 * and an unknown one (a node-cron detail, a future rule) is shown as written after a localized lead.
 */
export function problemText(problem: FieldProblem): { key: string; args?: Record<string, string> } {
  const m = problem.message;
  const rules: Array<[RegExp, string]> = [
    [/^may not be empty$/, "empty"],
    [/^Too small: expected string to have >=1 characters?$/, "empty"],
    [/^must be at most (\d+) (?:UTF-16 code units|characters)$/, "too-long"],
    [/^Too big: expected string to have <=(\d+) characters$/, "too-long"],
    [/^must be an https:\/\/ URL$/, "https"],
    [/^needs at least one message$/, "no-messages"],
    [/^at most (\d+) messages/, "too-many-messages"],
    [/^must be an ISO date-time with a zone/, "date"],
    [/^give exactly one of "at"/, "schedule-one"],
    [/^must be HH:MM/, "clock"],
    [/^must be 2-63 lowercase/, "id"],
    [/^choose at least one topic$/, "topics"],
    [/^needs messages for at least one language/, "no-language"],
    [/^has no content in "(\w+)"$/, "default-locale"],
    [/^must be after startAt$/, "end-before-start"],
    [/^is required to schedule a campaign$/, "schedule-required"],
    [/^is (?:already past|in the past)$/, "past"],
    [/^is after endAt$/, "after-end"],
    [/^has no occurrence before endAt$/, "no-occurrence"],
    [/^(?:bubble|carousel) JSON is (\d+) bytes; at most (\d+)$/, "flex-size"],
    [/^a carousel needs 1 to (\d+) bubbles$/, "carousel"],
    [/^not valid JSON$/, "json"],
    [/^unknown field$/, "unknown-field"],
    [/^type must be text, image or flex$/, "type"],
    [/^Invalid option: expected one of/, "choice"],
    [/^Invalid input: expected \w+, received undefined$/, "required"],
    [/^already used$/, "id-taken"],
    [/^must have 5 fields/, "cron"],
  ];
  for (const [pattern, name] of rules) {
    const found = pattern.exec(m);
    if (found)
      return { key: `console-campaign-error-${name}`, args: { n: found[1] ?? "", max: found[2] ?? "" } };
  }
  return { key: "console-campaign-error-other", args: { detail: m } };
}

/**
 * The field a problem is shown next to: the longest field name the form has that the problem's path
 * starts with (`content.th[0].contents.contents` belongs to the Flex JSON field), else the section.
 */
export function fieldOf(path: string, fields: readonly string[]): string {
  let best = "";
  for (const field of fields)
    if (
      (path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`)) &&
      field.length > best.length
    )
      best = field;
  return best;
}
