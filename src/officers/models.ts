import { Schema, Types, type Connection, type Model } from "mongoose";
import type { RouteLevel } from "./routing";
import type { Locale } from "../i18n";
import { officerRoles, type OfficerRole } from "./roles";
import { scopeFields, type Scope } from "./scope";

export type EnrollmentStatus = "active" | "revoked";

/**
 * An enrolled officer. Keyed by pseudonym("officer", userId); the LINE user id is needed to push to
 * them, so it is kept sealed (context "officers.userId") and opened only to send.
 */
export interface Officer {
  _id: string;
  userId: string;
  role: OfficerRole;
  scope: Scope;
  locale: Locale;
  /** A duty label from the enrollment code ("ศูนย์ดำรงธรรมอำเภอสันทราย"), shown to colleagues, never to reporters. */
  label: string | null;
  status: EnrollmentStatus;
  enrolledAt: Date;
  revokedAt?: Date;
  /** Public id of the code used, so an operator can trace an enrollment to the code they handed out. */
  codeId: string;
}

/** An officer LINE group (or room) registered for a scope. Keyed by pseudonym("officer", "group:<id>"). */
export interface OfficerGroup {
  _id: string;
  /** The LINE group/room id, sealed (context "officer_groups.chatId"). */
  chatId: string;
  chatType: "group" | "room";
  scope: Scope;
  label: string | null;
  status: EnrollmentStatus;
  enrolledAt: Date;
  revokedAt?: Date;
  /** "left": the bot was removed from the group. */
  revokedReason?: "revoked" | "left";
  codeId: string;
}

/** A one-time enrollment code, stored as the SHA-256 of the code: a database dump enrolls nobody. */
export interface EnrollmentCode {
  _id: string;
  codeId: string;
  role: OfficerRole;
  scope: Scope;
  label: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
  /** Officer or group key that redeemed it. */
  usedBy?: string;
  usedAs?: "officer" | "group";
}

/** An officer half-way through an action that needs typed text (a question, a close reason). */
export interface OfficerSession {
  _id: string;
  action: "ask" | "close";
  tipId: Types.ObjectId;
  expiresAt: Date;
}

/** Where a tip was routed when it arrived; `fallback` grants fallback recipients access to it. */
export interface CaseRoute {
  _id: Types.ObjectId;
  recipients: string[];
  fallback: boolean;
  /** Who handles it, as the reporter was told (absent on routes recorded before levels existed). */
  level?: RouteLevel;
  routedAt: Date;
}

/** A deadline alert that fired for a tip: its existence is what makes each alert fire once. */
export interface CaseAlert {
  _id: string;
  tipId: Types.ObjectId;
  alert: DeadlineAlert;
  firedAt: Date;
}

export const deadlineAlerts = [
  "ack-reminder",
  "ack-escalation",
  "feedback-reminder",
  "feedback-escalation",
] as const;
export type DeadlineAlert = (typeof deadlineAlerts)[number];

const roles = { type: String, required: true, enum: officerRoles };

export function officerModel(connection: Connection): Model<Officer> {
  const schema = new Schema<Officer>(
    {
      _id: { type: String, required: true },
      userId: { type: String, required: true },
      role: roles,
      scope: scopeFields,
      locale: { type: String, required: true },
      label: { type: String, default: null },
      status: { type: String, required: true, enum: ["active", "revoked"] },
      enrolledAt: { type: Date, required: true },
      revokedAt: Date,
      codeId: { type: String, required: true },
    },
    { collection: "officers", versionKey: false },
  );
  schema.index({ status: 1, role: 1 });
  // Routing looks recipients up by the tip's place (multikey indexes on the scope lists).
  schema.index({ "scope.districtIds": 1 });
  schema.index({ "scope.provinceIds": 1 });
  return connection.models.Officer ?? connection.model<Officer>("Officer", schema);
}

export function officerGroupModel(connection: Connection): Model<OfficerGroup> {
  const schema = new Schema<OfficerGroup>(
    {
      _id: { type: String, required: true },
      chatId: { type: String, required: true },
      chatType: { type: String, required: true, enum: ["group", "room"] },
      scope: scopeFields,
      label: { type: String, default: null },
      status: { type: String, required: true, enum: ["active", "revoked"] },
      enrolledAt: { type: Date, required: true },
      revokedAt: Date,
      revokedReason: String,
      codeId: { type: String, required: true },
    },
    { collection: "officer_groups", versionKey: false },
  );
  schema.index({ status: 1 });
  schema.index({ "scope.districtIds": 1 });
  schema.index({ "scope.provinceIds": 1 });
  return connection.models.OfficerGroup ?? connection.model<OfficerGroup>("OfficerGroup", schema);
}

export function enrollmentCodeModel(connection: Connection): Model<EnrollmentCode> {
  const schema = new Schema<EnrollmentCode>(
    {
      _id: { type: String, required: true },
      codeId: { type: String, required: true, unique: true },
      role: roles,
      scope: scopeFields,
      label: { type: String, default: null },
      createdAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
      usedAt: Date,
      usedBy: String,
      usedAs: String,
    },
    { collection: "enrollment_codes", versionKey: false },
  );
  return connection.models.EnrollmentCode ?? connection.model<EnrollmentCode>("EnrollmentCode", schema);
}

export function officerSessionModel(connection: Connection): Model<OfficerSession> {
  const schema = new Schema<OfficerSession>(
    {
      _id: { type: String, required: true },
      action: { type: String, required: true, enum: ["ask", "close"] },
      tipId: { type: Schema.Types.ObjectId, required: true },
      expiresAt: { type: Date, required: true },
    },
    { collection: "officer_sessions", versionKey: false },
  );
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return connection.models.OfficerSession ?? connection.model<OfficerSession>("OfficerSession", schema);
}

export function caseRouteModel(connection: Connection): Model<CaseRoute> {
  const schema = new Schema<CaseRoute>(
    {
      recipients: { type: [String], default: [] },
      fallback: { type: Boolean, required: true },
      level: String,
      routedAt: { type: Date, required: true },
    },
    { collection: "case_routes", versionKey: false },
  );
  schema.index({ fallback: 1, routedAt: -1 });
  return connection.models.CaseRoute ?? connection.model<CaseRoute>("CaseRoute", schema);
}

export function caseAlertModel(connection: Connection): Model<CaseAlert> {
  const schema = new Schema<CaseAlert>(
    {
      _id: { type: String, required: true },
      tipId: { type: Schema.Types.ObjectId, required: true },
      alert: { type: String, required: true },
      firedAt: { type: Date, required: true },
    },
    { collection: "case_alerts", versionKey: false },
  );
  schema.index({ tipId: 1 });
  return connection.models.CaseAlert ?? connection.model<CaseAlert>("CaseAlert", schema);
}
