import type { Connection } from "mongoose";
import type { Sealer } from "../../src/crypto/sealer";
import { newPublicRef } from "../../src/tips/public-ref";
import { tipCategories, tipModel, type Tip, type TipDetails, type TipStatus } from "../../src/tips/tip";
import { generateTrackingCode } from "../../src/tips/tracking-code";
import { minuteObjectId } from "../../src/tips/coarse-time";

export interface SeedOptions {
  count: number;
  districtIds: string[];
  /** Province of every seeded case (the districts' province). */
  provinceId: string;
  now: Date;
  /** Deterministic variety: the same seed gives the same cases. */
  seed?: number;
  /** Officer ids some cases are assigned to. */
  assignees?: string[];
}

const day = 86_400_000;

/**
 * Inserts ready-made cases straight into the tips collection (no reporter, no chat), for the console's
 * benchmark and queue tests: statuses, categories and deadlines spread so every filter has something
 * to find. Details are sealed as the service seals them, so a seeded case opens like a real one.
 */
export async function seedCases(
  connection: Connection,
  sealer: Sealer,
  options: SeedOptions,
): Promise<Tip[]> {
  const tips = tipModel(connection);
  let state = options.seed ?? 1;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const statuses: TipStatus[] = ["received", "acknowledged", "under-review", "referred", "closed"];
  const docs: Tip[] = [];
  for (let i = 0; i < options.count; i++) {
    const receivedAt = new Date(options.now.getTime() - Math.floor(random() * 100 * day));
    const status = pick(statuses);
    const acknowledgedAt = status === "received" ? undefined : new Date(receivedAt.getTime() + day);
    const details: TipDetails = {
      agencyName: `agency ${i}`,
      narrative: `seeded case ${i}`,
      people: null,
      incidentDate: { kind: "unknown" },
      placeDescription: null,
      contactPhone: null,
    };
    docs.push({
      _id: minuteObjectId(receivedAt),
      ref: newPublicRef(),
      code: generateTrackingCode(),
      submissionKey: `seed-${options.seed ?? 1}-${i}`,
      status,
      category: pick(tipCategories),
      agencyType: "local-government",
      provinceId: options.provinceId,
      districtId: pick(options.districtIds),
      details: sealer.seal(JSON.stringify(details), "tips.details"),
      evidenceCount: 0,
      wantsUpdates: false,
      reporterLocale: "th",
      receivedAt,
      acknowledgeBy: new Date(receivedAt.getTime() + 7 * day),
      ...(acknowledgedAt && {
        acknowledgedAt,
        feedbackBy: new Date(acknowledgedAt.getTime() + 90 * day),
      }),
      ...(status === "received" && { dueAt: new Date(receivedAt.getTime() + 7 * day) }),
      ...(acknowledgedAt && status !== "closed" && { dueAt: new Date(acknowledgedAt.getTime() + 90 * day) }),
      ...(status === "closed" && { closedAt: options.now, closeReason: "substantiated" }),
      ...(options.assignees?.length && random() < 0.3 && { assignedTo: pick(options.assignees) }),
      history: [{ status: "received", at: receivedAt, actor: "reporter" }],
    });
  }
  for (let i = 0; i < docs.length; i += 1000) await tips.insertMany(docs.slice(i, i + 1000));
  return docs;
}
