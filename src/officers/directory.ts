import { createHash, randomInt } from "node:crypto";
import type { Connection, Model, QueryFilter } from "mongoose";
import type { Sealer } from "../crypto/sealer";
import type { Pseudonymizer } from "../crypto/pseudonym";
import type { Locale } from "../i18n";
import { isDuplicateKeyError } from "../data/database";
import { TRACKING_CODE_ALPHABET } from "../tips/tracking-code";
import {
  enrollmentCodeModel,
  officerGroupModel,
  officerModel,
  type EnrollmentCode,
  type Officer,
  type OfficerGroup,
} from "./models";
import type { OfficerRole } from "./roles";
import { noPlaces, plainScope, type RoutedFields, type Scope } from "./scope";

const officerUserIdContext = "officers.userId";
const groupChatIdContext = "officer_groups.chatId";

/** 12 symbols of a 29-symbol alphabet without look-alikes: about 58 bits, typed once by hand. */
const codeSymbols = 12;
const codePrefix = "EN";

export interface NewEnrollmentCodes {
  role: OfficerRole;
  scope: Scope;
  label: string | null;
  expiresInMs: number;
  count: number;
}

export interface IssuedCode {
  code: string;
  codeId: string;
  expiresAt: Date;
}

export type EnrollResult<T> = { ok: true; enrolled: T } | { ok: false; reason: "invalid-code" };

/** What an operator sees when listing: never a LINE id. */
export interface OfficerSummary {
  id: string;
  role: OfficerRole;
  scope: Scope;
  label: string | null;
  locale: Locale;
  status: string;
  enrolledAt: Date;
  revokedAt?: Date;
}

export interface GroupSummary {
  id: string;
  chatType: "group" | "room";
  scope: Scope;
  label: string | null;
  status: string;
  enrolledAt: Date;
  revokedAt?: Date;
  revokedReason?: string;
}

/**
 * Officers, officer groups and the one-time codes that enroll them. LINE ids are sealed at rest and
 * opened only to push; everything else addresses officers by their pseudonym.
 */
export class OfficerDirectory {
  readonly officers: Model<Officer>;
  readonly groups: Model<OfficerGroup>;
  readonly codes: Model<EnrollmentCode>;

  constructor(
    connection: Connection,
    private readonly sealer: Sealer,
    private readonly pseudonym: Pseudonymizer,
  ) {
    this.officers = officerModel(connection);
    this.groups = officerGroupModel(connection);
    this.codes = enrollmentCodeModel(connection);
  }

  officerIdFor(userId: string): string {
    return this.pseudonym("officer", userId);
  }

  groupIdFor(chatId: string): string {
    return this.pseudonym("officer", `group:${chatId}`);
  }

  async createCodes(input: NewEnrollmentCodes, now: Date): Promise<IssuedCode[]> {
    const issued: IssuedCode[] = [];
    const expiresAt = new Date(now.getTime() + input.expiresInMs);
    // Campaign staff handle no cases, so their enrollment covers no place: no tip can be routed to them.
    const scope = input.role === "campaign" ? noPlaces : input.scope;
    while (issued.length < input.count) {
      const code = formatCode(randomSymbols(codeSymbols));
      const codeId = randomSymbols(6);
      try {
        await this.codes.create({
          _id: hashCode(code),
          codeId,
          role: input.role,
          scope,
          label: input.label,
          createdAt: now,
          expiresAt,
        });
        issued.push({ code, codeId, expiresAt });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error; // a clash of random ids: draw again
      }
    }
    return issued;
  }

  /** Marks the code used, once: a second redemption, an expired or unknown code all get null. */
  private async redeem(
    code: string,
    as: "officer" | "group",
    by: string,
    now: Date,
  ): Promise<EnrollmentCode | null> {
    const normalized = normalizeEnrollmentCode(code);
    if (!normalized) return null;
    return this.codes
      .findOneAndUpdate(
        {
          _id: hashCode(normalized),
          usedAt: { $exists: false },
          expiresAt: { $gt: now },
          // A group receives cases; a campaign duty is one person's and handles none.
          ...(as === "group" ? { role: { $ne: "campaign" } } : {}),
        },
        { $set: { usedAt: now, usedBy: by, usedAs: as } },
        { returnDocument: "after" },
      )
      .lean<EnrollmentCode>()
      .exec();
  }

  async enrollOfficer(
    userId: string,
    code: string,
    locale: Locale,
    now: Date,
  ): Promise<EnrollResult<Officer>> {
    const id = this.officerIdFor(userId);
    const redeemed = await this.redeem(code, "officer", id, now);
    if (!redeemed) return { ok: false, reason: "invalid-code" };
    // A known officer enrolling again (new duty, or after a revocation) takes the new code's role and scope.
    const officer = await this.officers
      .findOneAndUpdate(
        { _id: id },
        {
          $set: {
            userId: this.sealer.seal(userId, officerUserIdContext),
            role: redeemed.role,
            scope: plainScope(redeemed.scope),
            locale,
            label: redeemed.label,
            status: "active",
            enrolledAt: now,
            codeId: redeemed.codeId,
          },
          $unset: { revokedAt: 1 },
        },
        { upsert: true, returnDocument: "after" },
      )
      .lean<Officer>()
      .exec();
    return { ok: true, enrolled: officer! };
  }

  async enrollGroup(
    chatType: "group" | "room",
    chatId: string,
    code: string,
    now: Date,
  ): Promise<EnrollResult<OfficerGroup>> {
    const id = this.groupIdFor(chatId);
    const redeemed = await this.redeem(code, "group", id, now);
    if (!redeemed) return { ok: false, reason: "invalid-code" };
    const group = await this.groups
      .findOneAndUpdate(
        { _id: id },
        {
          $set: {
            chatId: this.sealer.seal(chatId, groupChatIdContext),
            chatType,
            scope: plainScope(redeemed.scope),
            label: redeemed.label,
            status: "active",
            enrolledAt: now,
            codeId: redeemed.codeId,
          },
          $unset: { revokedAt: 1, revokedReason: 1 },
        },
        { upsert: true, returnDocument: "after" },
      )
      .lean<OfficerGroup>()
      .exec();
    return { ok: true, enrolled: group! };
  }

  async officer(id: string): Promise<Officer | null> {
    return this.officers.findById(id).lean<Officer>().exec();
  }

  async officerByUserId(userId: string): Promise<Officer | null> {
    return this.officer(this.officerIdFor(userId));
  }

  async group(id: string): Promise<OfficerGroup | null> {
    return this.groups.findById(id).lean<OfficerGroup>().exec();
  }

  async groupByChatId(chatId: string): Promise<OfficerGroup | null> {
    return this.group(this.groupIdFor(chatId));
  }

  /** The LINE id to push to: opened here, used at once, never stored or logged elsewhere. */
  openOfficerChat(officer: Pick<Officer, "userId">): string {
    return this.sealer.openText(officer.userId, officerUserIdContext);
  }

  openGroupChat(group: Pick<OfficerGroup, "chatId">): string {
    return this.sealer.openText(group.chatId, groupChatIdContext);
  }

  /** Active officers and groups whose scope may cover the tip (the caller confirms with `covers`). */
  async candidates(
    tip: RoutedFields,
    regionId?: string,
  ): Promise<{ officers: Officer[]; groups: OfficerGroup[] }> {
    const places: QueryFilter<Officer>[] = [{ "scope.everywhere": true }];
    if (tip.provinceId) places.push({ "scope.provinceIds": tip.provinceId });
    if (tip.districtId) places.push({ "scope.districtIds": tip.districtId });
    if (regionId) places.push({ "scope.regionIds": regionId });
    const filter = { status: "active" as const, role: { $ne: "campaign" as const }, $or: places };
    const [officers, groups] = await Promise.all([
      this.officers.find(filter).lean<Officer[]>().exec(),
      this.groups
        .find(filter as QueryFilter<OfficerGroup>)
        .lean<OfficerGroup[]>()
        .exec(),
    ]);
    return { officers, groups };
  }

  async fallbackRecipients(): Promise<{ officers: Officer[]; groups: OfficerGroup[] }> {
    const filter = { status: "active" as const, role: { $ne: "campaign" as const }, "scope.fallback": true };
    const [officers, groups] = await Promise.all([
      this.officers.find(filter).lean<Officer[]>().exec(),
      this.groups.find(filter).lean<OfficerGroup[]>().exec(),
    ]);
    return { officers, groups };
  }

  async activeOfficersWithRole(roles: OfficerRole[]): Promise<Officer[]> {
    return this.officers
      .find({ status: "active", role: { $in: roles } })
      .lean<Officer[]>()
      .exec();
  }

  async activeGroups(): Promise<OfficerGroup[]> {
    return this.groups.find({ status: "active" }).lean<OfficerGroup[]>().exec();
  }

  async revokeOfficer(id: string, now: Date): Promise<boolean> {
    const result = await this.officers.updateOne(
      { _id: id, status: "active" },
      { $set: { status: "revoked", revokedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  async revokeGroup(id: string, now: Date, reason: "revoked" | "left" = "revoked"): Promise<boolean> {
    const result = await this.groups.updateOne(
      { _id: id, status: "active" },
      { $set: { status: "revoked", revokedAt: now, revokedReason: reason } },
    );
    return result.modifiedCount === 1;
  }

  async listOfficers(): Promise<OfficerSummary[]> {
    const officers = await this.officers.find().sort({ enrolledAt: 1 }).lean<Officer[]>().exec();
    return officers.map((o) => ({
      id: o._id,
      role: o.role,
      scope: plainScope(o.scope),
      label: o.label,
      locale: o.locale,
      status: o.status,
      enrolledAt: o.enrolledAt,
      ...(o.revokedAt && { revokedAt: o.revokedAt }),
    }));
  }

  async listGroups(): Promise<GroupSummary[]> {
    const groups = await this.groups.find().sort({ enrolledAt: 1 }).lean<OfficerGroup[]>().exec();
    return groups.map((g) => ({
      id: g._id,
      chatType: g.chatType,
      scope: plainScope(g.scope),
      label: g.label,
      status: g.status,
      enrolledAt: g.enrolledAt,
      ...(g.revokedAt && { revokedAt: g.revokedAt }),
      ...(g.revokedReason && { revokedReason: g.revokedReason }),
    }));
  }

  async listCodes(
    now: Date,
  ): Promise<Array<Omit<EnrollmentCode, "_id"> & { state: "unused" | "used" | "expired" }>> {
    const codes = await this.codes.find().sort({ createdAt: 1 }).lean<EnrollmentCode[]>().exec();
    return codes.map(({ _id: _hash, ...code }) => ({
      ...code,
      scope: plainScope(code.scope),
      state: code.usedAt ? "used" : code.expiresAt <= now ? "expired" : "unused",
    }));
  }
}

/** Canonical form of a typed code: upper case, separators and the optional prefix removed. */
export function normalizeEnrollmentCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s\-_.]+/g, "");
  const body =
    compact.startsWith(codePrefix) && compact.length === codePrefix.length + codeSymbols
      ? compact.slice(2)
      : compact;
  if (body.length !== codeSymbols || [...body].some((symbol) => !TRACKING_CODE_ALPHABET.includes(symbol)))
    return null;
  return formatCode(body);
}

function formatCode(body: string): string {
  return `${codePrefix}-${body.slice(0, 4)}-${body.slice(4, 8)}-${body.slice(8)}`;
}

function hashCode(normalized: string): string {
  return createHash("sha256").update(normalized).digest("hex");
}

function randomSymbols(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += TRACKING_CODE_ALPHABET[randomInt(TRACKING_CODE_ALPHABET.length)];
  return out;
}
