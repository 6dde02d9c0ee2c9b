import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { Schema, type Connection, type Model } from "mongoose";
import type { Logger } from "../log";
import type { Translator } from "../i18n";
import type { Geography } from "../geo";
import { districtArgs } from "../conversation/inputs/place";
import { tipModel, type Tip } from "../tips/tip";
import {
  buildReport,
  type AreaNames,
  type SatisfactionFacts,
  type TipFacts,
  type TransparencyReport,
} from "./figures";
import { renderCsv } from "./render-csv";
import { renderPage, type RenderedPage } from "./render-page";

/**
 * The published report, computed by one instance (a leased hourly job, and at start-up) and kept in
 * MongoDB so every instance serves the same figures; each instance holds the rendered page, JSON and
 * CSV in memory and only re-reads the stored report when it changed. No request ever computes.
 */
interface StoredReport {
  _id: string;
  generatedAt: Date;
  report: string;
}

function storedReportModel(connection: Connection): Model<StoredReport> {
  const schema = new Schema<StoredReport>(
    { _id: String, generatedAt: { type: Date, required: true }, report: { type: String, required: true } },
    { collection: "transparency_reports", versionKey: false },
  );
  return connection.models.TransparencyReport ?? connection.model<StoredReport>("TransparencyReport", schema);
}

/** A body ready to send, plain and gzipped (compressed once per report, not per request). */
export interface Body {
  text: string;
  gzip: Buffer;
}

/** The forms of the current report, ready to send. */
export interface Rendered {
  report: TransparencyReport;
  json: Body;
  csv: Body;
  html: Record<"th" | "en", RenderedPage & { body: Body }>;
  etag: string;
}

function body(text: string): Body {
  return { text, gzip: gzipSync(text) };
}

export interface PageCacheDeps {
  connection: Connection;
  geography: Pick<Geography, "findDistrict" | "findProvince">;
  texts: Translator;
  now: () => Date;
  logger: Logger;
  /** Closed months shown; default 12. */
  months?: number;
  /** Reads satisfaction answers (month and rating only); absent until answers are collected. */
  satisfaction?: () => AsyncIterable<SatisfactionFacts> | Iterable<SatisfactionFacts>;
}

export const disclosureThreshold = 5;

export class TransparencyPageCache {
  private readonly stored: Model<StoredReport>;
  private readonly tips: Model<Tip>;
  private current: Rendered | undefined;

  constructor(private readonly deps: PageCacheDeps) {
    this.stored = storedReportModel(deps.connection);
    this.tips = tipModel(deps.connection);
  }

  /** The report being served, or undefined before the first one exists. */
  rendered(): Rendered | undefined {
    return this.current;
  }

  /** Computes the report from the tips, stores it for every instance and serves it here. */
  async recompute(): Promise<TransparencyReport> {
    const started = Date.now();
    const report = await buildReport(
      await this.tipFacts(),
      this.deps.satisfaction ? await collect(this.deps.satisfaction()) : undefined,
      this.areaNames(),
      { now: this.deps.now(), months: this.deps.months ?? 12, k: disclosureThreshold },
    );
    const text = JSON.stringify(report);
    await this.stored
      .updateOne(
        { _id: "current" },
        { $set: { generatedAt: new Date(report.generatedAt), report: text } },
        { upsert: true },
      )
      .exec();
    this.serve(report, text);
    this.deps.logger.info(
      { component: "transparency", ms: Date.now() - started },
      "transparency report recomputed",
    );
    return report;
  }

  /** Picks up a report another instance stored, when it is newer than the one served here. */
  async reload(): Promise<boolean> {
    const latest = await this.stored.findById("current", { generatedAt: 1 }).lean<StoredReport>().exec();
    if (!latest) return false;
    if (this.current && new Date(this.current.report.generatedAt) >= latest.generatedAt) return false;
    const stored = await this.stored.findById("current").lean<StoredReport>().exec();
    if (!stored) return false;
    this.serve(JSON.parse(stored.report) as TransparencyReport, stored.report);
    return true;
  }

  private serve(report: TransparencyReport, json: string): void {
    const page = (locale: "th" | "en") => {
      const rendered = renderPage(report, this.deps.texts, locale);
      return { ...rendered, body: body(rendered.html) };
    };
    this.current = {
      report,
      json: body(json),
      csv: body(renderCsv(report)),
      html: { th: page("th"), en: page("en") },
      etag: `"${createHash("sha256").update(json).digest("base64url").slice(0, 27)}"`,
    };
  }

  /** Only the fields figures need, streamed: no details, codes or refs leave the database. */
  private async tipFacts(): Promise<TipFacts[]> {
    const facts: TipFacts[] = [];
    const cursor = this.tips
      .find(
        {},
        {
          _id: 0,
          category: 1,
          provinceId: 1,
          districtId: 1,
          status: 1,
          receivedAt: 1,
          acknowledgedAt: 1,
          acknowledgeBy: 1,
          feedbackBy: 1,
          closedAt: 1,
          closeReason: 1,
          "history.status": 1,
          "history.at": 1,
        },
      )
      .lean<TipFacts>()
      .cursor({ batchSize: 2000 });
    for await (const tip of cursor) facts.push(tip as TipFacts);
    return facts;
  }

  private areaNames(): AreaNames {
    const { geography, texts } = this.deps;
    return {
      district: (id) => {
        const district = geography.findDistrict(id);
        if (!district) return undefined;
        const args = districtArgs(district, geography);
        return {
          provinceId: district.provinceId,
          nameTh: texts.t("th", "place-district-name", args),
          nameEn: texts.t("en", "place-district-name", args),
        };
      },
      province: (id) => {
        const province = geography.findProvince(id);
        return province && { nameTh: province.nameTh, nameEn: province.nameEn };
      },
    };
  }
}

async function collect<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
