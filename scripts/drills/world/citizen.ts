import sharp from "sharp";
import type { PartialWebhookEvent } from "../../../src/dev/line-platform";
import { fakeUserId } from "../../../src/dev/line-platform";
import type { TextArgs } from "../../../src/i18n";
import { postbackButtons, t, textOf, trackingCodePattern } from "./texts";
import { sleep } from "./time";
import type { World } from "./world";

/** One thing a citizen does, and the prompt the bot must answer it with if the step was applied once. */
interface Step {
  label: string;
  say?: string;
  /** The locale key of the button to tap in the previous answer. */
  tap?: string;
  image?: boolean;
  expect: { key: string; args?: TextArgs };
}

const narrative = "ปลัดเรียกเงินสามพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้างให้เร็วขึ้น";

/** The report flow (flows/report.ts) as a citizen goes through it, with the prompt each answer must show. */
export function reportSteps(images: number): Step[] {
  const evidence: Step[] = Array.from({ length: images }, (_, i) => ({
    label: "image",
    image: true,
    expect: { key: "evidence-received", args: { count: i + 1, max: 10 } },
  }));
  return [
    { label: "text", say: "แจ้งเบาะแส", expect: { key: "report-consent" } },
    { label: "postback", tap: "choice-consent-yes", expect: { key: "report-category" } },
    { label: "postback", tap: "category-bribery", expect: { key: "report-agency-type" } },
    { label: "postback", tap: "agency-local-government", expect: { key: "report-agency-name" } },
    { label: "text", say: "อบต.สันทรายหลวง", expect: { key: "report-place" } },
    { label: "text", say: "สันทราย", expect: { key: "report-when" } },
    { label: "text", say: "เมื่อวาน", expect: { key: "report-narrative" } },
    { label: "text", say: narrative, expect: { key: "report-people" } },
    { label: "postback", tap: "choice-skip", expect: { key: "report-evidence", args: { count: 0 } } },
    ...evidence,
    {
      label: "postback",
      tap: images > 0 ? "choice-evidence-done" : "choice-evidence-none",
      expect: { key: "report-updates" },
    },
    { label: "postback", tap: "choice-updates-no", expect: { key: "report-review" } },
    { label: "postback", tap: "choice-submit", expect: { key: "receipt-title" } },
  ];
}

export type CitizenOutcome =
  /** Every answer was the prompt expected next, ending with a receipt. */
  | "reported"
  /** An answer showed a later step's prompt: a step was applied twice. */
  | "skipped-step"
  /** An answer was neither the expected prompt nor a later one. */
  | "unexpected-answer"
  /** No answer came for an event before the deadline. */
  | "unanswered";

export interface CitizenResult {
  userId: string;
  outcome: CitizenOutcome;
  /** Steps answered as expected. */
  steps: number;
  imagesStored: number;
  code?: string;
  /** What went wrong, for the report: the step and the start of the bot's answer (the bot's words, not the citizen's). */
  problem?: string;
  eventIds: string[];
}

let jpeg: Promise<Buffer> | undefined;
/** A real JPEG (the bot re-encodes photos with sharp; anything else would be refused as unsupported). */
function photo(): Promise<Buffer> {
  return (jpeg ??= sharp({
    create: { width: 96, height: 64, channels: 3, background: { r: 180, g: 40, b: 40 } },
  })
    .jpeg()
    .toBuffer());
}

/**
 * A citizen in a 1:1 chat who reports through the real conversation, one event at a time: each
 * event is posted as LINE would (redelivered if the bot does not take it), and the next is sent only
 * after its answer, which must be exactly the prompt of the next step. A step applied twice shows
 * up as a prompt from further ahead; an event acknowledged and never answered, as a loss.
 */
export class ScriptedCitizen {
  readonly userId = fakeUserId();
  private lastAnswer: unknown[] = [];

  constructor(
    private readonly world: World,
    private readonly options: {
      images?: number;
      stepDeadlineMs?: number;
      thinkMs?: [number, number];
      /** Called and waited for before tapping "submit": a drill times a tip (and its notifications) by it. */
      beforeSubmit?: () => Promise<void>;
    } = {},
  ) {
    world.line.platform.setProfile(this.userId, { displayName: "Drill Citizen", language: "th" });
  }

  async report(): Promise<CitizenResult> {
    const images = this.options.images ?? 0;
    const steps = reportSteps(images);
    const result: CitizenResult = {
      userId: this.userId,
      outcome: "reported",
      steps: 0,
      imagesStored: 0,
      eventIds: [],
    };
    const [thinkMin, thinkMax] = this.options.thinkMs ?? [100, 600];
    for (const [index, step] of steps.entries()) {
      await sleep(this.world.random.between(thinkMin, thinkMax));
      if (step.tap === "choice-submit") await this.options.beforeSubmit?.();
      const event = await this.eventFor(step);
      if (!event) {
        result.outcome = "unexpected-answer";
        result.problem = `step ${index + 1}: no "${t(step.tap!)}" button in the answer`;
        return result;
      }
      const id = this.world.line.send(event, step.label);
      result.eventIds.push(id);
      const answer = await this.world.ledger.firstAnswer(id, this.options.stepDeadlineMs ?? 240_000);
      if (!answer) {
        result.outcome = "unanswered";
        result.problem = `step ${index + 1} (${step.label}) got no answer`;
        return result;
      }
      const text = textOf(answer.messages);
      if (!text.includes(t(step.expect.key, step.expect.args))) {
        const later = steps
          .slice(index + 1)
          .some((next) => text.includes(t(next.expect.key, next.expect.args)));
        result.outcome = later ? "skipped-step" : "unexpected-answer";
        result.problem = `step ${index + 1} (${step.label}) expected ${step.expect.key}, got "${text.slice(0, 80)}"`;
        return result;
      }
      this.lastAnswer = answer.messages;
      result.steps++;
      if (step.image) result.imagesStored++;
    }
    result.code = textOf(this.lastAnswer).match(trackingCodePattern)?.[0];
    return result;
  }

  private async eventFor(step: Step): Promise<PartialWebhookEvent | undefined> {
    const platform = this.world.line.platform;
    if (step.say !== undefined) return platform.textFrom(this.userId, step.say);
    if (step.image) return platform.imageFrom(this.userId, await photo(), "image/jpeg");
    const button = postbackButtons(this.lastAnswer).find((candidate) => candidate.label === t(step.tap!));
    return button && platform.postbackFrom(this.userId, button.data);
  }
}

/**
 * Citizens reporting side by side, `concurrency` at a time, each a new person (the tips-per-day
 * limit is per person), while `keepGoing()` holds and until `total` have started.
 */
export async function crowd(
  world: World,
  options: {
    concurrency: number;
    total: number;
    images?: (index: number) => number;
    keepGoing?: () => boolean;
    stepDeadlineMs?: number;
  },
): Promise<CitizenResult[]> {
  const results: CitizenResult[] = [];
  let started = 0;
  const lane = async () => {
    while (started < options.total && (options.keepGoing?.() ?? true)) {
      const index = started++;
      const citizen = new ScriptedCitizen(world, {
        images: options.images?.(index) ?? 0,
        stepDeadlineMs: options.stepDeadlineMs,
      });
      results.push(await citizen.report());
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return results;
}
