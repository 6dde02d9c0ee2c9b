import { randomBytes } from "node:crypto";
import type { Connection } from "mongoose";
import { tipModel, type TipCategory, type TipStatus } from "../../../src/tips/tip";

/** A stored tip with only the case facts figures read; the rest is filler a real tip would have. */
export interface TipSeed {
  districtId: string | null;
  provinceId?: string | null;
  category?: TipCategory;
  receivedAt: Date;
  acknowledgedAt?: Date;
  closedAt?: Date;
  closeReason?: string;
  status?: TipStatus;
}

/** Writes tips straight into the tips collection, as the tip service would have stored them. */
export async function seedTips(connection: Connection, seeds: TipSeed[]): Promise<void> {
  const day = 86_400_000;
  const docs = seeds.map((seed) => {
    const status =
      seed.status ?? (seed.closedAt ? "closed" : seed.acknowledgedAt ? "acknowledged" : "received");
    const history = [
      { status: "received", at: seed.receivedAt, actor: "reporter" },
      ...(seed.acknowledgedAt
        ? [{ status: "acknowledged", at: seed.acknowledgedAt, actor: "officer:x" }]
        : []),
      ...(seed.closedAt
        ? [{ status: "closed", at: seed.closedAt, actor: "officer:x", reason: seed.closeReason }]
        : []),
    ];
    return {
      ref: randomBytes(16).toString("hex"),
      code: `TK-${randomBytes(6).toString("hex")}`,
      submissionKey: randomBytes(12).toString("hex"),
      status,
      category: seed.category ?? "bribery",
      agencyType: "local",
      provinceId: seed.provinceId === undefined ? (seed.districtId ? "chiang-mai" : null) : seed.provinceId,
      districtId: seed.districtId,
      details: "sealed",
      evidenceCount: 0,
      wantsUpdates: false,
      reporterLocale: "th",
      receivedAt: seed.receivedAt,
      acknowledgeBy: new Date(seed.receivedAt.getTime() + 7 * day),
      ...(seed.acknowledgedAt && {
        acknowledgedAt: seed.acknowledgedAt,
        feedbackBy: new Date(seed.acknowledgedAt.getTime() + 90 * day),
      }),
      ...(seed.closedAt && { closedAt: seed.closedAt, closeReason: seed.closeReason ?? "substantiated" }),
      history,
    };
  });
  const tips = tipModel(connection);
  for (let i = 0; i < docs.length; i += 5000) await tips.collection.insertMany(docs.slice(i, i + 5000));
}
