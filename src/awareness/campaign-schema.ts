import { z } from "zod";
import type { Message } from "../line/gateway";
import { supportedLocales, type Locale } from "../i18n";
import { parseClockTime } from "../i18n/bangkok-time";
import { defaultQuietHours, type QuietHours } from "./quiet-hours";
import { cronProblem, type CampaignSchedule } from "./schedule";
import { topics, type Topic } from "./topics";
import { loadGeography } from "../geo";

/** Province ids of src/geo (e.g. "chiang-mai"), read once: campaign audiences name provinces by them. */
let knownProvinces: Set<string> | undefined;
export function provinceIds(): Set<string> {
  knownProvinces ??= new Set(loadGeography().provinces.map((province) => province.id));
  return knownProvinces;
}

/**
 * Who a campaign is for beyond its topics and languages. `provinces`: only subscribers who chose
 * one of these provinces; subscribers who chose none get only campaigns without this restriction.
 */
const audience = z.strictObject({
  provinces: z
    .array(
      z.string().refine((id) => provinceIds().has(id), 'is not a province id of src/geo (e.g. "chiang-mai")'),
    )
    .min(1, "name at least one province, or leave audience out to reach every province")
    .optional(),
});

/** LINE's limits on what a campaign may send (LINE-FACTS §4 and §9). */
export const contentLimits = {
  messagesPerLocale: 5,
  textUnits: 5000,
  altText: 1500,
  bubbleBytes: 30 * 1024,
  carouselBytes: 50 * 1024,
  carouselBubbles: 12,
  urlLength: 2000,
} as const;

const httpsUrl = z
  .string()
  .refine(
    (url) => url.length <= contentLimits.urlLength,
    `must be at most ${contentLimits.urlLength} characters`,
  )
  .refine((value) => /^https:\/\/[^\s/$.?#][^\s]*$/i.test(value), "must be an https:// URL");

const textMessage = z.strictObject({
  type: z.literal("text"),
  // String length in JavaScript is UTF-16 code units, which is what LINE counts.
  text: z
    .string()
    .min(1, "may not be empty")
    .refine(
      (text) => text.length <= contentLimits.textUnits,
      `must be at most ${contentLimits.textUnits} UTF-16 code units`,
    ),
});

const imageMessage = z.strictObject({
  type: z.literal("image"),
  originalContentUrl: httpsUrl,
  /** Defaults to the original when left out. */
  previewImageUrl: httpsUrl.optional(),
});

const flexContainer = z
  .looseObject({ type: z.enum(["bubble", "carousel"]) })
  .superRefine((container, context) => {
    const bytes = Buffer.byteLength(JSON.stringify(container), "utf8");
    const limit = container.type === "bubble" ? contentLimits.bubbleBytes : contentLimits.carouselBytes;
    if (bytes > limit) {
      context.addIssue({
        code: "custom",
        message: `${container.type} JSON is ${bytes} bytes; at most ${limit}`,
      });
    }
    if (container.type === "carousel") {
      const bubbles = (container as { contents?: unknown }).contents;
      if (!Array.isArray(bubbles) || bubbles.length === 0 || bubbles.length > contentLimits.carouselBubbles) {
        context.addIssue({
          code: "custom",
          path: ["contents"],
          message: `a carousel needs 1 to ${contentLimits.carouselBubbles} bubbles`,
        });
      }
    }
  });

const flexMessage = z.strictObject({
  type: z.literal("flex"),
  altText: z
    .string()
    .min(1, "may not be empty")
    .refine(
      (text) => text.length <= contentLimits.altText,
      `must be at most ${contentLimits.altText} UTF-16 code units`,
    ),
  contents: flexContainer,
});

const contentMessage = z.discriminatedUnion("type", [textMessage, imageMessage, flexMessage], {
  error: "type must be text, image or flex",
});

const localeMessages = z
  .array(contentMessage)
  .min(1, "needs at least one message")
  .max(contentLimits.messagesPerLocale, `at most ${contentLimits.messagesPerLocale} messages (LINE's limit)`);

const isoInstant = z.iso.datetime({
  offset: true,
  error: "must be an ISO date-time with a zone, e.g. 2026-09-01T10:00:00+07:00",
});

const schedule = z
  .strictObject({
    at: isoInstant.optional(),
    cron: z
      .string()
      .superRefine((expression, context) => {
        const problem = cronProblem(expression);
        if (problem) context.addIssue({ code: "custom", message: problem });
      })
      .optional(),
  })
  .refine((value) => (value.at === undefined) !== (value.cron === undefined), {
    message: 'give exactly one of "at" (ISO date-time) or "cron" (5-field expression)',
  })
  .transform((value): CampaignSchedule =>
    value.at !== undefined ? { at: value.at } : { cron: value.cron! },
  );

const clockTime = z
  .string()
  .refine((value) => parseClockTime(value) !== undefined, "must be HH:MM (24-hour)");

/** The campaign as staff write it (JSON file, admin API body). */
export const campaignInputSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be 2-63 lowercase letters, digits or dashes"),
    name: z.string().trim().min(1, "may not be empty").max(200),
    description: z.string().max(2000).optional(),
    topics: z.array(z.enum(topics)).min(1, "choose at least one topic"),
    content: z
      .strictObject({ th: localeMessages.optional(), en: localeMessages.optional() })
      .refine(
        (content) => Boolean(content.th ?? content.en),
        "needs messages for at least one language (th, en)",
      ),
    audience: audience.optional(),
    /** The content subscribers of a language without its own content get; default th when present. */
    defaultLocale: z.enum(supportedLocales).optional(),
    schedule: schedule.optional(),
    startAt: isoInstant.optional(),
    endAt: isoInstant.optional(),
    /** `false` lets a campaign run at night (e.g. an urgent notice). */
    quietHours: z.union([z.strictObject({ start: clockTime, end: clockTime }), z.literal(false)]).optional(),
    /** Where a stated fact or figure comes from (regulation, announcement); shown to staff, not sent. */
    sources: z
      .array(
        z.strictObject({ title: z.string().min(1), url: httpsUrl.optional(), note: z.string().optional() }),
      )
      .optional(),
  })
  .superRefine((input, context) => {
    if (input.defaultLocale && !input.content[input.defaultLocale]) {
      context.addIssue({
        code: "custom",
        path: ["defaultLocale"],
        message: `has no content in "${input.defaultLocale}"`,
      });
    }
    if (input.startAt && input.endAt && new Date(input.endAt) <= new Date(input.startAt)) {
      context.addIssue({ code: "custom", path: ["endAt"], message: "must be after startAt" });
    }
  });

export type CampaignInput = z.infer<typeof campaignInputSchema>;
export type CampaignContent = Partial<Record<Locale, Message[]>>;

export interface FieldProblem {
  /** The field, written as in the file: `content.th[0].text`. */
  path: string;
  message: string;
}

/** A campaign that does not satisfy LINE's limits or our rules; each problem names its field. */
export class CampaignValidationError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(
      `invalid campaign:\n${problems.map((p) => `  - ${p.path || "(campaign)"}: ${p.message}`).join("\n")}`,
    );
    this.name = "CampaignValidationError";
  }
}

/** Validates raw input; throws CampaignValidationError naming every bad field. */
export function parseCampaignInput(raw: unknown): CampaignInput {
  const result = campaignInputSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new CampaignValidationError(result.error.issues.flatMap(toProblems));
}

/** Normalized settings derived from the input (defaults filled, messages in LINE's shape). */
export function normalizeCampaign(input: CampaignInput): {
  content: CampaignContent;
  defaultLocale: Locale;
  quietHours: QuietHours | false;
  schedule?: CampaignSchedule;
  topics: Topic[];
  provinces?: string[];
} {
  const content: CampaignContent = {};
  for (const locale of supportedLocales) {
    const messages = input.content[locale];
    if (!messages) continue;
    content[locale] = messages.map((message) =>
      message.type === "image"
        ? { ...message, previewImageUrl: message.previewImageUrl ?? message.originalContentUrl }
        : (message as Message),
    );
  }
  return {
    content,
    defaultLocale: input.defaultLocale ?? (content.th ? "th" : "en"),
    quietHours: input.quietHours === undefined ? defaultQuietHours : input.quietHours,
    schedule: input.schedule,
    topics: [...new Set(input.topics)],
    ...(input.audience?.provinces ? { provinces: [...new Set(input.audience.provinces)].sort() } : {}),
  };
}

function toProblems(issue: z.core.$ZodIssue): FieldProblem[] {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown field" }));
  }
  return [{ path, message: issue.message }];
}

/** ["content", "th", 0, "text"] → "content.th[0].text" */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === "number") return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, "");
}
