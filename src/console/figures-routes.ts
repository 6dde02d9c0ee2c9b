import type { Request, Response, Router } from "express";
import type { Officers } from "../officers";
import { roleAtLeast } from "../officers/roles";
import type { Principal } from "../officers/routing";
import type { TipService } from "../tips/tip-service";
import type { Measure } from "../transparency/figures";
import { figuresFilters, figuresQuery, loadFigures, type SupervisorFigures } from "./figures";
import { figuresCsv } from "./figures-csv";
import { figuresPage } from "./figures-page";
import { messagePage, type PageContext } from "./pages";

export interface FiguresRouteDeps {
  officers: Pick<Officers, "router" | "audit">;
  tips: Pick<TipService, "tips">;
  now: () => Date;
  /** The signed-in officer of a request (the console's session check has run). */
  signedOf: (res: Response) => { principal: Principal; page: PageContext };
  satisfaction?: () => PublishedSatisfaction | undefined;
}

/**
 * Reporter satisfaction for the whole office as the transparency page publishes it: protected
 * (k = 5), by closing month. Answers are stored apart from cases, with no scope to narrow them to,
 * so supervisors see the published figures, never finer ones.
 */
export interface PublishedSatisfaction {
  months: string[];
  measure: Measure;
}

/**
 * /console/figures and /console/figures.csv: the supervisors' figures over their own scope (the
 * queue's `accessFilter`). Officers get 403: the figures compare colleagues' districts and are a
 * supervisor's tool. Every view and export is audited (counts and filters only).
 */
export function mountFigures(router: Router, deps: FiguresRouteDeps): void {
  const { officers, now } = deps;

  const figuresFor = async (
    req: Request,
    res: Response,
    action: "view-figures" | "export-figures",
  ): Promise<SupervisorFigures | undefined> => {
    const { principal, page } = deps.signedOf(res);
    if (!roleAtLeast(principal.role, "supervisor")) {
      await officers.audit.record({
        actor: principal.actor,
        action,
        channel: "console",
        outcome: "refused",
        reason: "role",
      });
      res
        .status(403)
        .type("html")
        .send(messagePage(page, "console-forbidden-title", "console-figures-forbidden"));
      return undefined;
    }
    const at = now();
    const filters = figuresFilters(figuresQuery.parse(req.query), at);
    const access = await officers.router.accessFilter(principal.role, principal.scope);
    const figures = await loadFigures({
      tips: deps.tips.tips,
      access: access ?? { _id: { $exists: false } },
      filters,
      now: at,
    });
    await officers.audit.record({
      actor: principal.actor,
      action,
      channel: "console",
      outcome: "ok",
      details: {
        from: filters.months[0]!,
        to: filters.months[filters.months.length - 1]!,
        ...(filters.district && { district: filters.district }),
        ...(filters.category && { category: filters.category }),
        cases: figures.total.cases,
      },
    });
    return figures;
  };

  router.get("/console/figures", async (req, res) => {
    const figures = await figuresFor(req, res, "view-figures");
    if (!figures) return;
    const { page, principal } = deps.signedOf(res);
    const districts = new Set([
      ...principal.scope.districtIds,
      ...figures.rows.district.map((row) => row.key).filter((key) => key !== "none"),
    ]);
    res
      .status(200)
      .type("html")
      .send(figuresPage(page, figures, { districts: [...districts], satisfaction: deps.satisfaction?.() }));
  });

  router.get("/console/figures.csv", async (req, res) => {
    const figures = await figuresFor(req, res, "export-figures");
    if (!figures) return;
    const { page } = deps.signedOf(res);
    const { months } = figures.filters;
    res
      .status(200)
      .type("text/csv; charset=utf-8")
      .set(
        "content-disposition",
        `attachment; filename="figures-${months[0]}-${months[months.length - 1]}.csv"`,
      )
      .send(figuresCsv(page, figures, deps.satisfaction?.()));
  });
}
