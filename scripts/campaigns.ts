/**
 * Campaign staff's command line. Build first (`npm run build`), then:
 *
 *   node dist/scripts/campaigns.js <command> [arguments] [--mongodb-uri URI]
 *
 *   validate <file.json|folder>...      check campaign files against LINE's limits (no database)
 *   import <file.json|folder>...        create drafts, or update campaigns with the same id
 *   list [--status S]                   campaigns with status and next run (Bangkok time)
 *   show <id>                           one campaign as JSON
 *   preview <id> --subscriber KEY | --user U...  [--locale th|en]
 *                                       push the messages to one person (your own test account)
 *   schedule <id> [--at ISO | --cron "m h dom mon dow"]
 *   pause <id> | resume <id> | cancel <id>
 *   deliver <id> [--ignore-quiet-hours] send now from this process, with progress lines on stderr
 *   stats <id> [--locale th|en]         per run and campaign: recipients, delivered, and LINE's
 *                                       opened and clicked (read by the hourly reach job)
 *
 * The database is --mongodb-uri, else MONGODB_URI, else (local mode) the embedded store of a
 * running service at EMBEDDED_DB_PORT. Keys come from the same environment as the service (in
 * local mode DATA_DIR's generated keys), so sealed user ids open the same way.
 * Exit codes: 0 done, 1 failed, 2 usage, 65 invalid campaign data.
 */
import { parseArgs } from "node:util";
import path from "node:path";
import { loadConfig, ConfigError } from "../src/config";
import { createLogger } from "../src/log";
import { isLocale } from "../src/i18n";
import type { ServiceContext } from "../src/context";
import { buildAwareness, type Awareness } from "../src/awareness";
import { openStandaloneContext, prepareIndexes } from "../src/awareness/standalone-context";
import { CampaignFileError, campaignFiles, readCampaignFile } from "../src/awareness/content-files";
import { CampaignValidationError } from "../src/awareness/campaign-schema";
import { CampaignNotFoundError, CampaignStateError, type CampaignStatus } from "../src/awareness/campaigns";
import { PreviewTargetError } from "../src/awareness/campaign-service";
import { formatBangkok } from "../src/i18n/bangkok-time";
import { inQuietHours } from "../src/awareness/quiet-hours";
import type { DeliveryProgress } from "../src/awareness/delivery";
import type { ReachView } from "../src/awareness/campaign-stats";

export interface CliIO {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
  /** How often `deliver` prints a progress line. */
  progressEveryMs?: number;
}

const exit = { ok: 0, failed: 1, usage: 2, dataError: 65 } as const;

const usage = `usage: node dist/scripts/campaigns.js <command> [arguments] [--mongodb-uri URI]
commands:
  validate <file.json|folder>...       check campaign files (no database)
  import <file.json|folder>...         create drafts or update campaigns with the same id
  list [--status draft|scheduled|paused|done|cancelled]
  show <id>
  preview <id> --subscriber KEY | --user U<32 hex> [--locale th|en]
  schedule <id> [--at ISO-date-time | --cron "m h dom mon dow"]
  pause <id> | resume <id> | cancel <id>
  deliver <id> [--ignore-quiet-hours]  send now from this process (progress on stderr)
  stats <id> [--locale th|en]          recipients, delivered, opened, clicked per run and campaign`;

class UsageError extends Error {}

export async function runCampaignsCli(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        "mongodb-uri": { type: "string" },
        status: { type: "string" },
        subscriber: { type: "string" },
        user: { type: "string" },
        locale: { type: "string" },
        at: { type: "string" },
        cron: { type: "string" },
        "ignore-quiet-hours": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return exit.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (!command || values.help || command === "help") {
    (command ? io.stdout : io.stderr)(usage);
    return command || values.help ? exit.ok : exit.usage;
  }

  try {
    // Files are checked before any connection is made: a typo is reported in a second, offline.
    if (command === "validate" || command === "import") {
      if (args.length === 0) throw new UsageError(`${command} needs at least one file or folder`);
      const files = args.flatMap((target) => campaignFiles(path.resolve(target)));
      const campaigns = files.map((file) => ({ file, ...readCampaignFile(file) }));
      if (command === "validate") {
        for (const { file, input } of campaigns)
          io.stdout(`ok  ${input.id}  ${path.relative(process.cwd(), file)}`);
        return exit.ok;
      }
      return await withAwareness(io, values["mongodb-uri"], async ({ campaigns: service }) => {
        for (const { raw, input } of campaigns) {
          const { created } = await service.save(raw);
          io.stdout(`${created ? "created" : "updated"}  ${input.id}`);
        }
        return exit.ok;
      });
    }
    const id = args[0];
    const needId = () => {
      if (!id) throw new UsageError(`${command} needs a campaign id`);
      return id;
    };
    switch (command) {
      case "list":
        return await withAwareness(io, values["mongodb-uri"], async ({ campaigns }) => {
          const status = values.status as CampaignStatus | undefined;
          for (const campaign of await campaigns.list(status)) {
            const summary = campaigns.summarize(campaign);
            const next = summary.nextRunAt ? formatBangkok(new Date(summary.nextRunAt)) : "-";
            io.stdout(
              `${summary.id.padEnd(32)} ${summary.status.padEnd(10)} next ${next.padEnd(16)} ${summary.languages.join(",").padEnd(6)} ${summary.topics.join(",")}`,
            );
          }
          return exit.ok;
        });
      case "show":
        return await withAwareness(io, values["mongodb-uri"], async ({ campaigns }) => {
          const campaign = await campaigns.get(needId());
          io.stdout(
            JSON.stringify(
              { ...campaigns.summarize(campaign), content: campaign.content, sources: campaign.sources },
              null,
              2,
            ),
          );
          return exit.ok;
        });
      case "preview":
        return await withAwareness(io, values["mongodb-uri"], async ({ campaigns }) => {
          const campaignId = needId();
          const { subscriber, user, locale } = values;
          if ((subscriber === undefined) === (user === undefined))
            throw new UsageError("preview needs exactly one of --subscriber KEY or --user U...");
          if (locale !== undefined && !isLocale(locale)) throw new UsageError("--locale must be th or en");
          const target = subscriber !== undefined ? { subscriberKey: subscriber } : { userId: user! };
          const sent = await campaigns.preview(campaignId, target, locale);
          // The user id is deliberately not echoed: terminals and CI logs are kept free of it.
          io.stdout(`preview of ${campaignId} sent (${sent.locale})`);
          return exit.ok;
        });
      case "schedule":
      case "pause":
      case "resume":
      case "cancel":
        return await withAwareness(io, values["mongodb-uri"], async ({ campaigns }) => {
          if (command !== "schedule" && (values.at || values.cron))
            throw new UsageError("--at and --cron belong to schedule");
          if (values.at && values.cron) throw new UsageError("give --at or --cron, not both");
          const schedule = values.at ? { at: values.at } : values.cron ? { cron: values.cron } : undefined;
          const campaign = await campaigns.act(needId(), command, schedule);
          const summary = campaigns.summarize(campaign);
          io.stdout(
            `${summary.id}: ${summary.status}${summary.nextRunAt ? `, next run ${formatBangkok(new Date(summary.nextRunAt))} (Bangkok)` : ""}`,
          );
          return exit.ok;
        });
      case "deliver":
        return await withAwareness(io, values["mongodb-uri"], (awareness, context) =>
          deliver(awareness, context, io, needId(), Boolean(values["ignore-quiet-hours"])),
        );
      case "stats":
        return await withAwareness(io, values["mongodb-uri"], async ({ campaigns }) => {
          const locale = values.locale ?? "th";
          if (!isLocale(locale)) throw new UsageError("--locale must be th or en");
          const stats = await campaigns.stats(needId(), locale);
          for (const run of stats.runs) {
            io.stdout(
              `${formatBangkok(new Date(run.scheduledAt))}  ${run.status.padEnd(11)} unit ${run.unit ?? "-"}  recipients ${run.recipients}  delivered ${run.delivered}  ${reachLine(run)}`,
            );
          }
          io.stdout(
            `campaign ${stats.campaignId}: ${stats.runs.length} runs, recipients ${stats.recipients}, delivered ${stats.delivered}, ${reachLine(stats)}`,
          );
          return exit.ok;
        });
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return report(error, io);
  }
}

/** LINE's figures with their period: "opened 312  clicked fewer than 20  (LINE days 20261201-20261203)". */
function reachLine(view: ReachView): string {
  const period = view.period
    ? `  (LINE days ${view.period.from}-${view.period.to ?? "…"}${view.final ? ", final" : ""})`
    : "";
  const note = view.note ? `  [${view.note}]` : "";
  return `opened ${view.shown.opened}  clicked ${view.shown.clicked}${period}${note}`;
}

async function deliver(
  awareness: Awareness,
  context: ServiceContext,
  io: CliIO,
  id: string,
  ignoreQuietHours: boolean,
): Promise<number> {
  const campaign = await awareness.campaigns.get(id);
  if (!ignoreQuietHours && campaign.quietHours && inQuietHours(context.now(), campaign.quietHours)) {
    io.stderr(
      `it is quiet hours (${campaign.quietHours.start}-${campaign.quietHours.end} Bangkok); add --ignore-quiet-hours to send anyway`,
    );
    return exit.failed;
  }
  const audience = await awareness.subscribers.model.countDocuments({
    status: "active",
    topics: { $in: campaign.topics },
    ...(campaign.audience ? { province: { $in: campaign.audience.provinces } } : {}),
  });
  const runKey = await awareness.campaigns.createManualRun(id);
  io.stderr(`delivering ${runKey} to about ${audience} subscribers`);
  let latest: DeliveryProgress | undefined;
  const print = () => {
    if (!latest) return;
    const { counts, elapsedMs } = latest;
    const done = counts.sent + counts.failed + counts.skipped;
    const percent = audience > 0 ? ` (${Math.min(100, Math.round((done / audience) * 100))}%)` : "";
    const rate = elapsedMs > 0 ? Math.round((counts.sent / elapsedMs) * 1000) : 0;
    io.stderr(
      `  ${done}/${audience}${percent}  sent ${counts.sent}  failed ${counts.failed}  skipped ${counts.skipped}  ${rate} recipients/s`,
    );
  };
  const ticker = setInterval(print, io.progressEveryMs ?? 2_000);
  try {
    const result = await awareness.scheduler.deliverNow(runKey, {
      onProgress: (progress) => (latest = progress),
    });
    print();
    if (result.outcome === "busy") {
      io.stderr(
        "another instance is delivering campaigns right now; the run stays queued and the service will send it",
      );
      return exit.ok;
    }
    const { counts } = result;
    io.stdout(
      `${runKey}: ${result.outcome}${result.reason ? ` (${result.reason})` : ""}; eligible ${counts.eligible}, sent ${counts.sent}, failed ${counts.failed}, skipped ${counts.skipped}`,
    );
    return result.outcome === "done" ? exit.ok : exit.failed;
  } finally {
    clearInterval(ticker);
  }
}

/** Opens the database and the awareness module with the service's keys; always closes. */
async function withAwareness(
  io: CliIO,
  uriOverride: string | undefined,
  work: (awareness: Awareness, context: ServiceContext) => Promise<number>,
): Promise<number> {
  const config = loadConfig(io.env);
  const uri =
    uriOverride ??
    config.mongodbUri ??
    (config.embeddedDbPort ? `mongodb://127.0.0.1:${config.embeddedDbPort}/tipline` : undefined);
  if (!uri)
    throw new UsageError(
      "no database: pass --mongodb-uri, or set MONGODB_URI (or EMBEDDED_DB_PORT for a local-mode service)",
    );
  // In local mode the LINE emulator is served by the running service itself.
  const lineBase =
    config.localLine && !io.env.LINE_API_BASE_URL ? `http://127.0.0.1:${config.port}` : undefined;
  const line = lineBase ? { ...config.line, apiBaseUrl: lineBase, dataApiBaseUrl: lineBase } : config.line;
  const logger = createLogger({ level: io.env.LOG_LEVEL ?? "warn", destination: process.stderr });
  const { context, close } = await openStandaloneContext({
    config: { ...config, line },
    mongodbUri: uri,
    logger,
    instancePrefix: "cli",
  });
  const rate = io.env.AWARENESS_MULTICAST_RATE ? Number(io.env.AWARENESS_MULTICAST_RATE) : undefined;
  const awareness = buildAwareness(context, { startJobs: false, multicastPerSecond: rate });
  try {
    await prepareIndexes(context);
    return await work(awareness, context);
  } finally {
    await awareness.stop();
    await close();
  }
}

function report(error: unknown, io: CliIO): number {
  if (error instanceof UsageError) {
    io.stderr(`${error.message}\n${usage}`);
    return exit.usage;
  }
  if (error instanceof CampaignFileError || error instanceof CampaignValidationError) {
    io.stderr(error.message);
    return exit.dataError;
  }
  if (
    error instanceof ConfigError ||
    error instanceof CampaignNotFoundError ||
    error instanceof CampaignStateError ||
    error instanceof PreviewTargetError
  ) {
    io.stderr(error.message);
    return exit.failed;
  }
  if ((error as NodeJS.ErrnoException).code === "ENOENT") {
    io.stderr(`not found: ${(error as NodeJS.ErrnoException).path ?? ""}`);
    return exit.failed;
  }
  io.stderr(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return exit.failed;
}

if (require.main === module) {
  runCampaignsCli(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
