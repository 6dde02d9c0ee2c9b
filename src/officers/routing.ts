import type { Connection, Model, QueryFilter, Types } from "mongoose";
import { isDuplicateKeyError } from "../data/database";
import type { Tip } from "../tips/tip";
import type { OfficerDirectory } from "./directory";
import { caseRouteModel, type CaseRoute, type Officer, type OfficerGroup } from "./models";
import { roleAtLeast, type OfficerRole } from "./roles";
import {
  coverageFilter,
  coverageLevel,
  covers,
  noRegions,
  type CoverageLevel,
  type RegionTable,
  type RoutedFields,
  type Scope,
} from "./scope";

/**
 * Who handles a tip, as the reporter is told: the most specific office that covers it, the national
 * queue (nobody's scope covers it; fallback recipients take it), or nobody enrolled at all yet.
 */
export type RouteLevel = Exclude<CoverageLevel, "everywhere"> | "national" | "unstaffed";

/** Where a tip goes: the groups and officers to notify, and whether it went by the fallback route. */
export interface TipRoute {
  groups: OfficerGroup[];
  officers: Officer[];
  fallback: boolean;
  level: RouteLevel;
}

const levelOrder: readonly CoverageLevel[] = ["district", "province", "region", "everywhere"];

/** Anyone acting on cases: an officer in LINE or an admin API token. `actor` is what the audit log records. */
export interface Principal {
  actor: string;
  role: OfficerRole;
  scope: Scope;
  /** Set for LINE officers (assignments, questions); absent for API tokens. */
  officerId?: string;
}

export function officerPrincipal(officer: Officer): Principal {
  return {
    actor: `officer:${officer._id}`,
    role: officer.role,
    scope: officer.scope,
    officerId: officer._id,
  };
}

export type RecipientKey = `o:${string}` | `g:${string}`;

/**
 * Routing is data: the scopes of enrolled groups and officers, and the regional centres of
 * src/geo/data/offices.json. A tip reaches every office whose scope covers it — its district's, its
 * province's, its province's regional centre — and, when none does, the national queue (recipients
 * flagged `fallback`). Each tip's route is recorded when it arrives, so "went by fallback" stays true
 * for that tip even after a district office enrolls.
 */
export class CaseRouter {
  readonly routes: Model<CaseRoute>;

  constructor(
    connection: Connection,
    private readonly directory: OfficerDirectory,
    private readonly regions: RegionTable = noRegions,
  ) {
    this.routes = caseRouteModel(connection);
  }

  /** Who covers this tip now (used for new tips and reminders). */
  async routeFor(tip: RoutedFields): Promise<TipRoute> {
    const regionId = tip.provinceId ? this.regions.regionOf(tip.provinceId)?.id : undefined;
    const candidates = await this.directory.candidates(tip, regionId);
    const levels: CoverageLevel[] = [];
    const covering = <T extends { scope: Scope }>(recipient: T) => {
      const level = coverageLevel(recipient.scope, tip, this.regions);
      if (level) levels.push(level);
      return level !== undefined;
    };
    const groups = candidates.groups.filter(covering);
    const officers = candidates.officers.filter(covering);
    if (groups.length > 0 || officers.length > 0) {
      const best = levelOrder.find((level) => levels.includes(level))!;
      return { groups, officers, fallback: false, level: best === "everywhere" ? "national" : best };
    }
    const fallback = await this.directory.fallbackRecipients();
    const byCategory = (scope: Scope) =>
      scope.categories.length === 0 || scope.categories.includes(tip.category);
    const fallbackGroups = fallback.groups.filter((group) => byCategory(group.scope));
    const fallbackOfficers = fallback.officers.filter((officer) => byCategory(officer.scope));
    return {
      groups: fallbackGroups,
      officers: fallbackOfficers,
      fallback: true,
      level: fallbackGroups.length + fallbackOfficers.length > 0 ? "national" : "unstaffed",
    };
  }

  /** Records the route a new tip took; the first record wins (a retried submission keeps it). */
  async record(tipId: Types.ObjectId, route: TipRoute, now: Date): Promise<void> {
    try {
      await this.routes.create({
        _id: tipId,
        recipients: [...route.groups.map((g) => `g:${g._id}`), ...route.officers.map((o) => `o:${o._id}`)],
        fallback: route.fallback,
        level: route.level,
        routedAt: now,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async routeOf(tipId: Types.ObjectId): Promise<CaseRoute | null> {
    return this.routes.findById(tipId).lean<CaseRoute>().exec();
  }

  /** Checked at every tap and request: admins see every case; others their scope, plus fallback-routed cases if they take the fallback. */
  async canAccess(principal: Principal, tip: Pick<Tip, "_id"> & RoutedFields): Promise<boolean> {
    if (principal.role === "campaign") return false; // whatever a stored scope says
    if (roleAtLeast(principal.role, "admin")) return true;
    if (covers(principal.scope, tip, this.regions)) return true;
    if (!principal.scope.fallback) return false;
    const { categories } = principal.scope;
    if (categories.length > 0 && !categories.includes(tip.category)) return false;
    return Boolean((await this.routeOf(tip._id))?.fallback);
  }

  /**
   * Every tip a role and scope may see, as a query (lists, digests, the admin API); undefined when
   * the scope covers nothing yet. Mirrors `canAccess`.
   */
  async accessFilter(role: OfficerRole, scope: Scope): Promise<QueryFilter<Tip> | undefined> {
    if (role === "campaign") return undefined;
    if (roleAtLeast(role, "admin")) return {};
    const parts: QueryFilter<Tip>[] = [];
    const covered = coverageFilter(scope, this.regions);
    if (covered) parts.push(covered);
    if (scope.fallback) {
      const categories = scope.categories.length > 0 ? { category: { $in: scope.categories } } : {};
      parts.push({ _id: { $in: await this.fallbackTipIds() }, ...categories });
    }
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : { $or: parts };
  }

  /** Tip ids routed by fallback (for fallback recipients' lists and digests). */
  async fallbackTipIds(): Promise<Types.ObjectId[]> {
    const routes = await this.routes
      .find({ fallback: true }, { _id: 1 })
      .lean<Array<Pick<CaseRoute, "_id">>>()
      .exec();
    return routes.map((route) => route._id);
  }
}
