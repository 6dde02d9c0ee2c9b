import { randomBytes } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import { isLocale, supportedLocales, type Locale, type Translator } from "../i18n";
import type { Message } from "../line/gateway";
import {
  CampaignValidationError,
  normalizeCampaign,
  parseCampaignInput,
  type FieldProblem,
} from "../awareness/campaign-schema";
import type { CampaignService } from "../awareness/campaign-service";
import {
  CampaignNotFoundError,
  CampaignStateError,
  type CampaignAction,
  type CampaignDocument,
} from "../awareness/campaigns";
import { campaignMessages } from "../awareness/run-plan";
import type { AuditLog } from "../officers/audit";
import type { OfficerDirectory } from "../officers/directory";
import type { Officer } from "../officers/models";
import { mayRunCampaigns } from "../officers/roles";
import {
  blankForm,
  fieldOf,
  formFromCampaign,
  inputFromForm,
  messageField,
  slotsOf,
  value,
  type CampaignForm,
} from "./campaign-form";
import {
  campaignListPage,
  campaignPage,
  composerPage,
  problemsByField,
  type CampaignRow,
} from "./campaign-pages";
import { messagePage, type PageContext } from "./pages";

export interface CampaignConsoleDeps {
  campaigns: Pick<
    CampaignService,
    "save" | "update" | "get" | "list" | "act" | "previewDraft" | "runsWithProgress" | "summarize" | "stats"
  >;
  audit: Pick<AuditLog, "record">;
  /** Opens the signed-in staff member's own LINE id for a test send; never shown or logged. */
  directory: Pick<OfficerDirectory, "openOfficerChat">;
  texts: Translator;
  /** The provinces a campaign's audience may be limited to (src/geo). */
  provinces: ReadonlyArray<{ id: string; nameTh: string; nameEn: string }>;
}

/** What the console's session check leaves in `res.locals.signed` (src/console/router.ts). */
interface SignedStaff {
  officer: Officer;
  page: PageContext;
}

type Intent = "preview" | "test" | "save" | "schedule";
const intents: readonly Intent[] = ["preview", "test", "save", "schedule"];
const actions: readonly CampaignAction[] = ["schedule", "pause", "resume", "cancel"];
/** The notice after each action (`console-campaign-notice-*`). */
const done: Record<CampaignAction, string> = {
  schedule: "scheduled",
  pause: "paused",
  resume: "resumed",
  cancel: "cancelled",
};

/**
 * Campaign staff's pages under /console/campaigns, over CampaignService — the same use cases as the
 * admin API and the CLI, so a campaign saved or scheduled here is validated, stored and swept exactly
 * as theirs. Mounted after the console's session check; only campaign staff and admins get in.
 * "Live" preview without script: the Preview button posts the draft and the page comes back with
 * it drawn as LINE draws it.
 */
export function campaignConsoleRouter(deps: CampaignConsoleDeps): Router {
  const { campaigns, audit } = deps;
  const router = express.Router();
  const base = "/console/campaigns";
  const send = (res: Response, status: number, body: string) => res.status(status).type("html").send(body);
  const signedOf = (res: Response) => res.locals.signed as SignedStaff;
  const actor = (officer: Officer) => `officer:${officer._id}`;
  const t = (page: PageContext, key: string, args?: Record<string, string | number>) =>
    page.f.t(page.locale, key, args);

  router.use(base, async (req, res, next) => {
    const { officer, page } = signedOf(res);
    if (mayRunCampaigns(officer.role)) {
      // Staff's own images (https) are drawn in the preview; everything else stays as strict.
      res.set(
        "content-security-policy",
        String(res.get("content-security-policy")).replace("img-src 'self'", "img-src 'self' https:"),
      );
      return next();
    }
    await audit.record({
      actor: actor(officer),
      action: "console-campaigns",
      channel: "console",
      outcome: "refused",
      reason: "role",
    });
    send(res, 403, messagePage(page, "console-forbidden-title", "console-forbidden-campaigns"));
  });

  const provinceName = (locale: Locale, id: string) => {
    const province = deps.provinces.find((candidate) => candidate.id === id);
    return province ? (locale === "th" ? province.nameTh : province.nameEn) : id;
  };
  /** Provinces in the staff's alphabet order, for the audience's choice. */
  const provinceChoices = (locale: Locale) =>
    deps.provinces
      .map((province) => ({ id: province.id, name: provinceName(locale, province.id) }))
      .sort((a, b) => a.name.localeCompare(b.name, locale));

  /** A notice from the `n` query parameter (after a redirect), when it names a known text. */
  const noticeOf = (req: Request, page: PageContext): string | undefined => {
    const key = `console-campaign-notice-${String(req.query.n ?? "")}`;
    return typeof req.query.n === "string" && page.f.has(page.locale, key) ? t(page, key) : undefined;
  };

  router.get(base, async (req, res) => {
    const { page, officer } = signedOf(res);
    const list = await campaigns.list();
    const rows: CampaignRow[] = await Promise.all(
      list.map(async (campaign) => ({
        summary: campaigns.summarize(campaign),
        lastRun: (await campaigns.runsWithProgress(campaign._id, 1))[0],
      })),
    );
    await audit.record({
      actor: actor(officer),
      action: "list-campaigns",
      channel: "console",
      outcome: "ok",
      details: { count: rows.length },
    });
    send(res, 200, campaignListPage(page, rows, noticeOf(req, page)));
  });

  router.get(`${base}/new`, (_req, res) => {
    const { page } = signedOf(res);
    send(
      res,
      200,
      composerPage(page, {
        action: `${base}/new`,
        isNew: true,
        form: blankForm(),
        problems: new Map(),
        provinces: provinceChoices(page.locale),
      }),
    );
  });

  /** The campaign behind a URL, or a 404 page. */
  const campaignOr404 = async (req: Request, res: Response): Promise<CampaignDocument | undefined> => {
    const id = String(req.params.id);
    const found = /^[a-z0-9][a-z0-9-]{1,62}$/.test(id)
      ? await campaigns.get(id).catch((error: unknown) => {
          if (error instanceof CampaignNotFoundError) return undefined;
          throw error;
        })
      : undefined;
    if (!found)
      send(
        res,
        404,
        messagePage(signedOf(res).page, "console-campaign-not-found-title", "console-campaign-not-found"),
      );
    return found;
  };

  router.get(`${base}/:id`, async (req, res) => {
    const { page, officer } = signedOf(res);
    const campaign = await campaignOr404(req, res);
    if (!campaign) return;
    const [runs, stats] = await Promise.all([
      campaigns.runsWithProgress(campaign._id),
      campaigns.stats(campaign._id, page.locale),
    ]);
    await audit.record({
      actor: actor(officer),
      action: "view-campaign",
      channel: "console",
      outcome: "ok",
      details: { campaignId: campaign._id },
    });
    send(
      res,
      200,
      campaignPage(page, {
        campaign,
        summary: campaigns.summarize(campaign),
        runs,
        reach: {
          campaign: stats.shown,
          runs: new Map(stats.runs.map((run) => [run.runKey, run.shown])),
        },
        provinceName: (id) => provinceName(page.locale, id),
        preview: previewOf(campaign.content, campaign.defaultLocale),
        message: noticeOf(req, page),
      }),
    );
  });

  router.get(`${base}/:id/edit`, async (req, res) => {
    const { page } = signedOf(res);
    const campaign = await campaignOr404(req, res);
    if (!campaign) return;
    send(
      res,
      200,
      composerPage(page, {
        action: `${base}/${campaign._id}/edit`,
        isNew: false,
        form: formFromCampaign(campaign),
        problems: new Map(),
        provinces: provinceChoices(page.locale),
        status: campaign.status,
      }),
    );
  });

  /** The messages each language's subscribers get, as the run will send them (with its quick replies). */
  const previewOf = (
    content: Partial<Record<Locale, unknown[]>>,
    defaultLocale: Locale,
  ): Partial<Record<Locale, Message[]>> => {
    const shown: Partial<Record<Locale, Message[]>> = {};
    for (const locale of supportedLocales)
      if (content[locale]?.length)
        shown[locale] = campaignMessages(
          { content: content as Partial<Record<Locale, Message[]>>, defaultLocale },
          locale,
          deps.texts,
        );
    return shown;
  };

  /** One post of the composer: preview, test send, save, or save and schedule. */
  const compose = async (req: Request, res: Response, stored?: CampaignDocument) => {
    const { page, officer } = signedOf(res);
    const form = (req.body ?? {}) as CampaignForm;
    const intent = intents.find((candidate) => candidate === value(form, "intent")) ?? "preview";
    const isNew = !stored;
    const action = isNew ? `${base}/new` : `${base}/${stored._id}/edit`;
    if (isNew && !value(form, "id").trim()) form.id = generatedId();
    if (stored) form.id = stored._id;
    const { input, problems: formProblems, formPath } = inputFromForm(form, stored);
    const fields = formFields(form);
    const again = (status: number, problems: FieldProblem[], message?: string, withPreview = false) => {
      const shown = problems.map((problem) => {
        const path = formPath(problem.path);
        return { ...problem, path, field: fieldOf(path, fields) };
      });
      const content = (input.content ?? {}) as Partial<Record<Locale, unknown[]>>;
      const defaultLocale = isLocale(input.defaultLocale) ? input.defaultLocale : "th";
      send(
        res,
        status,
        composerPage(page, {
          action,
          isNew,
          form,
          problems: problemsByField(page, shown),
          provinces: provinceChoices(page.locale),
          ...(withPreview && { preview: previewOf(content, defaultLocale) }),
          ...(message && { message }),
          ...(stored && { status: stored.status }),
        }),
      );
    };
    // The schema decides what is valid; the form only adds what it alone can get wrong.
    // A field the form could not read (Flex JSON that does not parse) gets that one problem, not
    // also the schema's complaints about the placeholder put in its place.
    const unreadable = formProblems.map((problem) => problem.path);
    const checked = validate(input).filter(
      ({ path }) => !unreadable.some((field) => path === field || path.startsWith(`${field}.`)),
    );
    const problems = [...formProblems, ...checked];
    const audited = async (what: string, outcome: "ok" | "refused" | "failed", reason?: string) =>
      audit.record({
        actor: actor(officer),
        action: what,
        channel: "console",
        outcome,
        ...(reason && { reason }),
        details: { campaignId: String(input.id), ...(problems.length > 0 && { problems: problems.length }) },
      });

    if (intent === "preview") return again(problems.length > 0 ? 422 : 200, problems, undefined, true);
    if (problems.length > 0) {
      await audited(intent === "test" ? "campaign-test-send" : "save-campaign", "refused", "invalid");
      return again(422, problems, undefined, true);
    }
    if (intent === "test") {
      const locale = isLocale(value(form, "testLocale"))
        ? (value(form, "testLocale") as Locale)
        : page.locale;
      try {
        await campaigns.previewDraft(input, { userId: deps.directory.openOfficerChat(officer) }, locale);
      } catch (error) {
        await audited("campaign-test-send", "failed", (error as Error).name);
        return again(502, [], t(page, "console-campaign-notice-test-failed"), true);
      }
      await audited("campaign-test-send", "ok");
      return again(200, [], t(page, "console-campaign-notice-test-sent"), true);
    }
    try {
      if (isNew) {
        const exists = await campaigns.get(String(input.id)).then(
          () => true,
          () => false,
        );
        if (exists) return again(422, [{ path: "id", message: "already used" }]);
        await campaigns.save(input);
      } else await campaigns.update(stored._id, input);
      await audited(isNew ? "create-campaign" : "update-campaign", "ok");
      if (intent === "schedule") {
        await campaigns.act(String(input.id), "schedule");
        await audited("schedule-campaign", "ok");
      }
    } catch (error) {
      if (error instanceof CampaignValidationError) {
        await audited(intent === "schedule" ? "schedule-campaign" : "save-campaign", "refused", "invalid");
        // Saved as a draft, but it cannot be scheduled yet: the problem says why, next to its field.
        return again(
          422,
          error.problems,
          intent === "schedule" ? t(page, "console-campaign-notice-saved-not-scheduled") : undefined,
        );
      }
      if (error instanceof CampaignStateError) {
        await audited("save-campaign", "refused", "state");
        return again(409, [], t(page, "console-campaign-notice-state"));
      }
      throw error;
    }
    res.redirect(303, `${base}/${String(input.id)}?n=${intent === "schedule" ? "scheduled" : "saved"}`);
  };

  router.post(`${base}/new`, (req, res, next) => compose(req, res).catch(next));

  router.post(`${base}/:id/edit`, async (req, res, next) => {
    try {
      const campaign = await campaignOr404(req, res);
      if (campaign) await compose(req, res, campaign);
    } catch (error) {
      next(error);
    }
  });

  for (const campaignAction of actions) {
    router.post(`${base}/:id/${campaignAction}`, async (req, res) => {
      const { officer } = signedOf(res);
      const campaign = await campaignOr404(req, res);
      if (!campaign) return;
      let outcome = "done";
      try {
        await campaigns.act(campaign._id, campaignAction);
      } catch (error) {
        if (error instanceof CampaignValidationError) outcome = "cannot-schedule";
        else if (error instanceof CampaignStateError) outcome = "state";
        else throw error;
      }
      await audit.record({
        actor: actor(officer),
        action: `${campaignAction}-campaign`,
        channel: "console",
        outcome: outcome === "done" ? "ok" : "refused",
        ...(outcome !== "done" && { reason: outcome }),
        details: { campaignId: campaign._id },
      });
      res.redirect(303, `${base}/${campaign._id}?n=${outcome === "done" ? done[campaignAction] : outcome}`);
    });
  }

  return router;
}

/** The schema's problems for the input, or none. */
function validate(input: Record<string, unknown>): FieldProblem[] {
  try {
    normalizeCampaign(parseCampaignInput(input));
    return [];
  } catch (error) {
    if (error instanceof CampaignValidationError) return error.problems;
    throw error;
  }
}

/** Every field name the composer shows, for placing a problem next to the right one. */
function formFields(form: CampaignForm): string[] {
  const fields = [
    "id",
    "name",
    "description",
    "topics",
    "audience",
    "audience.provinces",
    "defaultLocale",
    "content",
    "schedule",
    "schedule.at",
    "schedule.cron",
    "startAt",
    "endAt",
    "quietHours",
    "quietHours.start",
    "quietHours.end",
  ];
  for (const locale of supportedLocales) {
    fields.push(`content.${locale}`);
    for (let i = 0; i < slotsOf(form, locale); i++) {
      fields.push(messageField(locale, i, "").slice(0, -1));
      for (const name of ["type", "text", "originalContentUrl", "previewImageUrl", "altText", "contents"])
        fields.push(messageField(locale, i, name));
    }
  }
  return fields;
}

/** An id for a campaign whose staff left the id empty (names are Thai; ids are ASCII slugs). */
function generatedId(): string {
  return `campaign-${randomBytes(4).toString("hex")}`;
}
