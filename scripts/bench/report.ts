/**
 * The benchmark's report: every run's phases as measured, their medians and ranges over runs, each
 * figure as a ratio to the echo baseline of the same run, issue 11's targets, and readable tables.
 */
import type { PhaseResult } from "./load-generator";
import { ratio, round, spread, type Spread } from "./stats";
import type { TrafficKind } from "./traffic";

export interface ProcessFigures {
  cpuMsPerEvent: number | null;
  cpuCoresInWindow: number | null;
  rssMb: number | null;
}

export interface PhaseReport extends PhaseResult {
  /** "open 300/s", "closed turns", "closed acks", "warm-up ..." */
  key: string;
  warmup: boolean;
  /** Set, and nothing else measured, when the phase was not run. */
  skipped?: string;
  keepsUp: boolean | null;
  processes: {
    service: ProcessFigures | null;
    serviceRssMbPerProcess: Array<number | null>;
    /** Each worker's CPU in cores during the window (how evenly the work split). */
    serviceCoresPerProcess: Array<number | null>;
    store: ProcessFigures | null;
    fakeLine: ProcessFigures | null;
    generator: ProcessFigures | null;
    bench: ProcessFigures | null;
  };
  machine: { loadBefore: number[]; loadAfter: number[]; busyCores: number | null; otherCores: number | null };
  /** The generator was busy enough (> 0.8 core) to be part of the result. */
  generatorSaturated: boolean;
  /** Open loop: the generator sent more than 10 ms late (p99), which a loaded machine causes. */
  generatorLate: boolean;
  /** Returning users: how often one of them writes at this pace (the bot allows 30 a minute). */
  secondsBetweenMessagesOfOneUser: number | null;
  fakeLine: Record<string, unknown>;
  /** Warnings and errors the service logged during the phase, by message. */
  serviceLog: Record<string, number>;
  /**
   * With `--loop-monitor`, from the start of the window to the end of the drain: event-loop delay of
   * the worst service process (ms), stalls summed over processes, database commands per event sent.
   */
  serviceLoop?: {
    delayP50Ms: number;
    delayP99Ms: number;
    delayMaxMs: number;
    stallsOver10Ms: number;
    stallsOver50Ms: number;
    commandsPerEvent: number | null;
    commands: Record<string, number>;
    perProcess: unknown[];
  };
}

export interface TargetReport {
  /** "echo", "bot ×1", "bot ×2", ... */
  label: string;
  name: "echo" | "bot";
  workers: number;
  supported: boolean;
  note: string;
  processes: number;
  startSeconds: number;
  phases: PhaseReport[];
}

export interface RunReport {
  run: number;
  targets: TargetReport[];
}

/** One figure of one phase of one service over the runs, and its ratio to the echo baseline. */
export interface SummaryFigure {
  value: Spread | null;
  /** Ratio to the echo baseline's same figure in the same run, then over runs. */
  toEcho: Spread | null;
}

export interface PhaseSummary {
  target: string;
  traffic: TrafficKind;
  key: string;
  acksPerSecond: SummaryFigure;
  repliesPerSecond: SummaryFigure;
  ackP50Ms: SummaryFigure;
  ackP99Ms: SummaryFigure;
  turnP50Ms: SummaryFigure;
  turnP99Ms: SummaryFigure;
  serviceCpuMsPerEvent: SummaryFigure;
  storeCpuMsPerEvent: SummaryFigure;
  fakeLineCpuMsPerEvent: SummaryFigure;
  generatorCpuMsPerEvent: SummaryFigure;
  serviceRssMb: SummaryFigure;
  storeRssMb: SummaryFigure;
  generatorCores: SummaryFigure;
  otherCores: SummaryFigure;
  loopDelayP99Ms: SummaryFigure;
  loopDelayMaxMs: SummaryFigure;
  commandsPerEvent: SummaryFigure;
  /** Runs in which this phase had errors, and why (summed over runs). */
  errors: Record<string, number>;
  unanswered: number;
  generatorSaturatedRuns: number;
  generatorLateRuns: number;
  keptUpRuns: number | null;
  runs: number;
}

export interface TargetCheck {
  target: string;
  description: string;
  /** The measured median and the bound. */
  measured: number | null;
  bound: number;
  met: boolean | null;
}

export interface Summary {
  phases: PhaseSummary[];
  /** Per service and traffic: the highest open-loop rate that kept up, over runs. */
  highestSustainedRate: Array<{
    target: string;
    traffic: TrafficKind;
    rate: Spread | null;
    /** In every run the highest rate tried kept up: the service could do more than the sweep asked. */
    atTopOfSweep: boolean;
  }>;
  unsupported: string[];
  targets: TargetCheck[];
}

export interface BenchReport {
  date: string;
  machine: string;
  command: string;
  store: string;
  loadAtStart: number[];
  loadAtEnd: number[];
  localModeIdleRssMb: number | null;
  settings: Record<string, unknown>;
  runs: RunReport[];
  summary: Summary;
}

type Pick = (phase: PhaseReport) => number | null | undefined;

const figures: Record<string, Pick> = {
  acksPerSecond: (p) => p.acksPerSecond,
  repliesPerSecond: (p) => p.repliesPerSecond,
  ackP50Ms: (p) => p.ackMs.p50,
  ackP99Ms: (p) => p.ackMs.p99,
  turnP50Ms: (p) => p.turnMs.p50,
  turnP99Ms: (p) => p.turnMs.p99,
  serviceCpuMsPerEvent: (p) => p.processes.service?.cpuMsPerEvent,
  storeCpuMsPerEvent: (p) => p.processes.store?.cpuMsPerEvent,
  fakeLineCpuMsPerEvent: (p) => p.processes.fakeLine?.cpuMsPerEvent,
  generatorCpuMsPerEvent: (p) => p.processes.generator?.cpuMsPerEvent,
  serviceRssMb: (p) => p.processes.service?.rssMb,
  storeRssMb: (p) => p.processes.store?.rssMb,
  generatorCores: (p) => p.processes.generator?.cpuCoresInWindow,
  otherCores: (p) => p.machine.otherCores,
  loopDelayP99Ms: (p) => p.serviceLoop?.delayP99Ms,
  loopDelayMaxMs: (p) => p.serviceLoop?.delayMaxMs,
  commandsPerEvent: (p) => p.serviceLoop?.commandsPerEvent,
};

function measuredPhases(target: TargetReport | undefined): PhaseReport[] {
  return (target?.phases ?? []).filter((phase) => !phase.warmup && !phase.skipped);
}

export function summarize(runs: RunReport[]): Summary {
  const labels = [
    ...new Set(runs.flatMap((run) => run.targets.filter((t) => t.supported).map((t) => t.label))),
  ];
  const unsupported = [
    ...new Set(
      runs.flatMap((run) => run.targets.filter((t) => !t.supported).map((t) => `${t.label}: ${t.note}`)),
    ),
  ];
  const phases: PhaseSummary[] = [];
  const highestSustainedRate: Summary["highestSustainedRate"] = [];
  for (const label of labels) {
    const keys = new Map<string, { traffic: TrafficKind; key: string }>();
    for (const run of runs)
      for (const phase of measuredPhases(run.targets.find((t) => t.label === label)))
        keys.set(`${phase.traffic}|${phase.key}`, { traffic: phase.traffic, key: phase.key });
    for (const { traffic, key } of keys.values()) {
      const mine = runs.map((run) =>
        measuredPhases(run.targets.find((t) => t.label === label)).find(
          (p) => p.traffic === traffic && p.key === key,
        ),
      );
      const echo = runs.map((run) =>
        measuredPhases(run.targets.find((t) => t.name === "echo")).find(
          (p) => p.traffic === traffic && p.key === key,
        ),
      );
      const figure = (pick: Pick): SummaryFigure => ({
        value: spread(mine.map((phase) => (phase ? pick(phase) : null))),
        toEcho: spread(
          mine.map((phase, i) => (phase && echo[i] ? ratio(pick(phase), pick(echo[i]!)) : null)),
        ),
      });
      const present = mine.filter((phase): phase is PhaseReport => phase !== undefined);
      const errors: Record<string, number> = {};
      for (const phase of present)
        for (const [why, count] of Object.entries(phase.ackErrors)) errors[why] = (errors[why] ?? 0) + count;
      phases.push({
        target: label,
        traffic,
        key,
        ...(Object.fromEntries(Object.entries(figures).map(([name, pick]) => [name, figure(pick)])) as Record<
          keyof typeof figures,
          SummaryFigure
        >),
        errors,
        unanswered: present.reduce((sum, phase) => sum + phase.unanswered, 0),
        generatorSaturatedRuns: present.filter((phase) => phase.generatorSaturated).length,
        generatorLateRuns: present.filter((phase) => phase.generatorLate).length,
        keptUpRuns: present[0]?.keepsUp === null ? null : present.filter((phase) => phase.keepsUp).length,
        runs: present.length,
      } as PhaseSummary);
    }
    for (const traffic of ["new", "returning"] as const) {
      const perRun = runs.map((run) => {
        const open = measuredPhases(run.targets.find((t) => t.label === label)).filter(
          (p) => p.traffic === traffic && p.mode === "open",
        );
        if (open.length === 0) return null;
        const sustained = Math.max(0, ...open.filter((p) => p.keepsUp).map((p) => p.rate!));
        return { sustained, top: sustained === Math.max(...open.map((p) => p.rate!)) };
      });
      if (perRun.some((value) => value !== null)) {
        highestSustainedRate.push({
          target: label,
          traffic,
          rate: spread(perRun.map((value) => value?.sustained)),
          atTopOfSweep: perRun.every((value) => value === null || value.top),
        });
      }
    }
  }
  return { phases, highestSustainedRate, unsupported, targets: checkTargets(phases) };
}

/** Issue 11's targets, from the medians. */
function checkTargets(phases: PhaseSummary[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (target: string, traffic: TrafficKind, key: string) =>
    phases.find((p) => p.target === target && p.traffic === traffic && p.key === key);
  const targets = [...new Set(phases.map((p) => p.target))].filter((t) => t !== "echo");
  for (const target of targets) {
    const workers = Number(/×(\d+)/.exec(target)?.[1] ?? 1);
    const bound = workers >= 2 ? 1.0 : 0.6;
    for (const traffic of ["new", "returning"] as const) {
      const closed = find(target, traffic, "closed turns");
      if (closed && (workers === 1 || workers === 2)) {
        const measured = closed.repliesPerSecond.toEcho?.median ?? null;
        checks.push({
          target,
          description: `${traffic} users: closed-loop replies/s ≥ ${bound.toFixed(1)}× the echo baseline`,
          measured: round(measured, 2),
          bound,
          met: measured === null ? null : measured >= bound,
        });
      }
      const at300 = find(target, traffic, "open 300/s");
      for (const [name, figure, limit] of [
        ["ack p99", at300?.ackP99Ms, 50],
        ["turn p99", at300?.turnP99Ms, 300],
      ] as const) {
        const measured = figure?.value?.median ?? null;
        checks.push({
          target,
          description: `${traffic} users at 300 events/s: ${name} < ${limit} ms`,
          measured,
          bound: limit,
          met: measured === null ? null : measured < limit && (at300?.unanswered ?? 0) === 0,
        });
      }
    }
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// Tables

function number(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined) return "–";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "368 (350–380)", or just "368" for one run. */
function cell(figure: SummaryFigure | undefined, digits: number, withRatio = false): string {
  const value = figure?.value;
  if (!value) return "–";
  const range =
    value.n > 1 && value.min !== value.max
      ? ` (${number(value.min, digits)}–${number(value.max, digits)})`
      : "";
  const toEcho = withRatio && figure.toEcho ? ` **${number(figure.toEcho.median, 2)}×**` : "";
  return `${number(value.median, digits)}${range}${toEcho}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function renderReport(report: BenchReport): string {
  const { summary } = report;
  const out: string[] = [];
  out.push(`# Benchmark ${report.date}`);
  out.push("");
  out.push(`- machine: ${report.machine}`);
  out.push(`- command: \`${report.command}\``);
  out.push(`- store: ${report.store}`);
  out.push(
    `- load average (1, 5, 15 min) at start ${report.loadAtStart.join(" / ")}, at end ${report.loadAtEnd.join(" / ")}`,
  );
  out.push(`- settings: ${JSON.stringify(report.settings)}`);
  if (report.localModeIdleRssMb !== null) out.push(`- local mode, idle RSS: ${report.localModeIdleRssMb} MB`);
  for (const note of summary.unsupported) out.push(`- ${note}`);
  out.push("");
  out.push(
    "Cells: median over runs (min–max); **bold** = ratio of the median to the echo baseline's, run by run.",
  );

  const targets = [...new Set(summary.phases.map((p) => p.target))];
  const monitored = summary.phases.some((p) => p.loopDelayP99Ms.value !== null);
  for (const traffic of ["new", "returning"] as const) {
    const phases = summary.phases.filter((p) => p.traffic === traffic);
    if (phases.length === 0) continue;
    const keys = [...new Set(phases.map((p) => p.key))];
    const at = (target: string, key: string) => phases.find((p) => p.target === target && p.key === key);
    out.push("");
    out.push(`## ${traffic === "new" ? "New users" : "Returning users (mid-report)"}`);
    for (const [title, render] of [
      ["replies/s", (s?: PhaseSummary) => cell(s?.repliesPerSecond, 0, true)],
      ["acknowledgements/s", (s?: PhaseSummary) => cell(s?.acksPerSecond, 0, true)],
      ["ack p50 / p99 (ms)", (s?: PhaseSummary) => `${cell(s?.ackP50Ms, 1)} / ${cell(s?.ackP99Ms, 1)}`],
      ["turn p50 / p99 (ms)", (s?: PhaseSummary) => `${cell(s?.turnP50Ms, 0)} / ${cell(s?.turnP99Ms, 0)}`],
      ["service CPU per event (ms)", (s?: PhaseSummary) => cell(s?.serviceCpuMsPerEvent, 2, true)],
      [
        "CPU per event (ms): store / fake LINE / generator",
        (s?: PhaseSummary) =>
          `${cell(s?.storeCpuMsPerEvent, 2)} / ${cell(s?.fakeLineCpuMsPerEvent, 2)} / ${cell(s?.generatorCpuMsPerEvent, 2)}`,
      ],
      [
        "event-loop delay p99 / max (ms), commands per event (--loop-monitor)",
        (s?: PhaseSummary) =>
          `${cell(s?.loopDelayP99Ms, 1)} / ${cell(s?.loopDelayMaxMs, 0)}, ${cell(s?.commandsPerEvent, 2)}`,
      ],
      [
        "RSS (MB): service / store",
        (s?: PhaseSummary) => `${cell(s?.serviceRssMb, 0)} / ${cell(s?.storeRssMb, 0)}`,
      ],
      [
        "machine: generator cores / other processes' cores",
        (s?: PhaseSummary) =>
          [
            `${cell(s?.generatorCores, 2)} / ${cell(s?.otherCores, 2)}`,
            s && s.generatorSaturatedRuns > 0
              ? `⚠ generator saturated in ${s.generatorSaturatedRuns} run(s)`
              : "",
            s && s.generatorLateRuns > 0 ? `sent > 10 ms late (p99) in ${s.generatorLateRuns} run(s)` : "",
          ]
            .filter(Boolean)
            .join("; "),
      ],
      [
        "errors",
        (s?: PhaseSummary) => {
          if (!s) return "–";
          const parts = Object.entries(s.errors).map(([why, n]) => `${n} ${why}`);
          if (s.unanswered > 0) parts.push(`${s.unanswered} unanswered`);
          if (s.keptUpRuns !== null && s.keptUpRuns < s.runs)
            parts.push(`kept up in ${s.keptUpRuns}/${s.runs}`);
          return parts.join(", ") || "none";
        },
      ],
    ] as const) {
      if (title.startsWith("event-loop") && !monitored) continue;
      out.push("");
      out.push(`### ${title}`);
      out.push("");
      out.push(
        table(
          ["phase", ...targets],
          keys.map((key) => [key, ...targets.map((target) => render(at(target, key)))]),
        ),
      );
    }
  }

  out.push("");
  out.push("## Highest open-loop rate that kept up");
  out.push("");
  out.push(
    "All acknowledged and answered, replies ≥ 95% of the rate within the phase, turn p99 ≤ 1 s (events/s; median (min–max); 0 = none of the rates tried).",
  );
  out.push("");
  out.push(
    table(
      ["service", "new users", "returning users"],
      targets.map((target) => [
        target,
        ...(["new", "returning"] as const).map((traffic) => {
          const found = summary.highestSustainedRate.find(
            (h) => h.target === target && h.traffic === traffic,
          );
          const rendered = cell(found ? { value: found.rate, toEcho: null } : undefined, 0);
          return found?.atTopOfSweep ? `≥ ${rendered} (the highest rate tried)` : rendered;
        }),
      ]),
    ),
  );

  if (summary.targets.length > 0) {
    out.push("");
    out.push("## Targets (issue 11)");
    out.push("");
    out.push(
      table(
        ["service", "target", "measured", "met"],
        summary.targets.map((check) => [
          check.target,
          check.description,
          number(check.measured, check.bound < 10 ? 2 : 1),
          check.met === null ? "not measured" : check.met ? "yes" : "**no**",
        ]),
      ),
    );
  }
  return `${out.join("\n")}\n`;
}
