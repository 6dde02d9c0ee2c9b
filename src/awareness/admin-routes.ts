import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from "express";
import { z } from "zod";
import { HttpError } from "../http/errors";
import { isLocale } from "../i18n";
import { CampaignValidationError, formatPath } from "./campaign-schema";
import {
  CampaignNotFoundError,
  CampaignStateError,
  type CampaignAction,
  type CampaignStatus,
} from "./campaigns";
import { PreviewTargetError, type CampaignService } from "./campaign-service";
import { cronProblem, type CampaignSchedule } from "./schedule";

export interface CampaignAdminDeps {
  campaigns: CampaignService;
}

/** Express middleware factory checking the caller's admin role (bearer tokens: src/admin). */
export type Authorize = (role: string) => RequestHandler;

/** Roles asked of `authorize`: reading campaigns and their statistics, and changing or sending them. */
export interface CampaignAdminRoles {
  read: string;
  write: string;
}

export const defaultCampaignAdminRoles: CampaignAdminRoles = { read: "supervisor", write: "admin" };

const base = "/admin/api/campaigns";
const statuses = ["draft", "scheduled", "paused", "done", "cancelled"] as const;

const scheduleBody = z
  .strictObject({
    schedule: z
      .strictObject({ at: z.iso.datetime({ offset: true }).optional(), cron: z.string().optional() })
      .refine(
        (value) => (value.at === undefined) !== (value.cron === undefined),
        'give exactly one of "at" or "cron"',
      )
      .refine((value) => value.cron === undefined || cronProblem(value.cron) === undefined, {
        message: "is not a valid 5-field cron expression",
        path: ["cron"],
      })
      .optional(),
  })
  .optional();

const previewBody = z.strictObject({
  subscriberKey: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  locale: z.enum(["th", "en"]).optional(),
});

/**
 * The campaign admin API, mounted by the composition root (it is mounted at "/"; paths are absolute):
 *
 *   GET    /admin/api/campaigns[?status=]      list
 *   POST   /admin/api/campaigns                create (422 names invalid fields; 409 if the id exists)
 *   GET    /admin/api/campaigns/:id            one campaign with its content
 *   PUT    /admin/api/campaigns/:id            replace its definition
 *   POST   /admin/api/campaigns/:id/schedule   (optional body { schedule }) | /pause | /resume | /cancel
 *   POST   /admin/api/campaigns/:id/preview    { subscriberKey } or { userId }, optional locale
 *   GET    /admin/api/campaigns/:id/runs       runs with counts, and totals
 *   GET    /admin/api/campaigns/:id/stats      recipients, delivered, opened, clicked per campaign and run [?locale=th|en]
 */
export function campaignAdminRouter(
  deps: CampaignAdminDeps,
  authorize: Authorize,
  roles: CampaignAdminRoles = defaultCampaignAdminRoles,
): Router {
  const { campaigns } = deps;
  const router = express.Router();
  // Flex content can be large: 5 messages x 50 KB per language.
  router.use(base, express.json({ limit: "1mb" }));
  const read = authorize(roles.read);
  const write = authorize(roles.write);

  router.get(
    base,
    read,
    handle(async (req, res) => {
      const status = typeof req.query.status === "string" ? req.query.status : undefined;
      if (status !== undefined && !statuses.includes(status as CampaignStatus)) {
        throw invalid([{ path: "status", message: `must be one of ${statuses.join(", ")}` }]);
      }
      const list = await campaigns.list(status as CampaignStatus | undefined);
      res.json({ campaigns: list.map((campaign) => campaigns.summarize(campaign)) });
    }),
  );

  router.post(
    base,
    write,
    handle(async (req, res) => {
      const id = (req.body as { id?: unknown } | undefined)?.id;
      if (typeof id === "string") {
        const exists = await campaigns.get(id).then(
          () => true,
          () => false,
        );
        if (exists) throw new HttpError(409, `campaign "${id}" already exists; use PUT ${base}/${id}`);
      }
      const { campaign } = await campaigns.save(req.body);
      res.status(201).json(view(campaigns, campaign));
    }),
  );

  router.get(
    `${base}/:id`,
    read,
    handle(async (req, res) => {
      res.json(view(campaigns, await campaigns.get(param(req))));
    }),
  );

  router.put(
    `${base}/:id`,
    write,
    handle(async (req, res) => {
      res.json(view(campaigns, await campaigns.update(param(req), req.body)));
    }),
  );

  for (const action of ["schedule", "pause", "resume", "cancel"] as const satisfies CampaignAction[]) {
    router.post(
      `${base}/:id/${action}`,
      write,
      handle(async (req, res) => {
        let schedule: CampaignSchedule | undefined;
        if (action === "schedule") {
          const body = scheduleBody.safeParse(isEmpty(req.body) ? undefined : req.body);
          if (!body.success)
            throw invalid(
              body.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
            );
          const given = body.data?.schedule;
          schedule = given && (given.at !== undefined ? { at: given.at } : { cron: given.cron! });
        }
        res.json(view(campaigns, await campaigns.act(param(req), action, schedule)));
      }),
    );
  }

  router.post(
    `${base}/:id/preview`,
    write,
    handle(async (req, res) => {
      const body = previewBody.safeParse(req.body ?? {});
      if (!body.success)
        throw invalid(
          body.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
        );
      const { subscriberKey, userId, locale } = body.data;
      if ((subscriberKey === undefined) === (userId === undefined)) {
        throw invalid([{ path: "subscriberKey", message: "give exactly one of subscriberKey or userId" }]);
      }
      const target = subscriberKey !== undefined ? { subscriberKey } : { userId: userId! };
      res.json({ sent: true, ...(await campaigns.preview(param(req), target, locale)) });
    }),
  );

  router.get(
    `${base}/:id/runs`,
    read,
    handle(async (req, res) => {
      res.json(await campaigns.runs(param(req)));
    }),
  );
  router.get(
    `${base}/:id/stats`,
    read,
    handle(async (req, res) => {
      const locale = req.query.locale ?? "th";
      if (!isLocale(locale)) throw invalid([{ path: "locale", message: "must be th or en" }]);
      res.json(await campaigns.stats(param(req), locale));
    }),
  );

  return router;
}

function view(campaigns: CampaignService, campaign: Awaited<ReturnType<CampaignService["get"]>>) {
  return {
    ...campaigns.summarize(campaign),
    description: campaign.description,
    content: campaign.content,
    sources: campaign.sources,
    defaultLocale: campaign.defaultLocale,
  };
}

function param(req: Request): string {
  return String(req.params.id);
}

function isEmpty(body: unknown): boolean {
  return body === undefined || (typeof body === "object" && body !== null && Object.keys(body).length === 0);
}

function invalid(problems: Array<{ path: string; message: string }>): HttpError {
  return new HttpError(422, "invalid request", problems);
}

/** One mapping from domain errors to HTTP answers for every route. */
function handle(route: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof CampaignValidationError)
        return next(new HttpError(422, "invalid campaign", error.problems));
      if (error instanceof CampaignNotFoundError) return next(new HttpError(404, error.message));
      if (error instanceof CampaignStateError) return next(new HttpError(409, error.message));
      if (error instanceof PreviewTargetError) return next(new HttpError(422, error.message));
      next(error);
    });
  };
}
