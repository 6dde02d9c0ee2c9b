import { renderReport, summarize, type PhaseReport, type RunReport } from "../../../scripts/bench/report";
import { percentile, spread } from "../../../scripts/bench/stats";

/** A measured phase with the figures the summary reads; everything else neutral. */
function phase(
  key: string,
  figures: { replies: number; ackP99?: number; turnP99?: number; rate?: number },
): PhaseReport {
  const process = { cpuMsPerEvent: 1, cpuCoresInWindow: 0.1, rssMb: 100 };
  return {
    key,
    warmup: false,
    mode: key.startsWith("open") ? "open" : "closed-turn",
    traffic: "new",
    rate: figures.rate ?? null,
    vus: null,
    windowSeconds: 10,
    sent: 100,
    acked: 100,
    ackErrors: {},
    acksPerSecond: figures.replies,
    repliesPerSecond: figures.replies,
    replies: 100,
    ackMs: { p50: 1, p99: figures.ackP99 ?? 10, max: 20 },
    turnMs: { p50: 5, p99: figures.turnP99 ?? 50, max: 60 },
    sendLagP99Ms: 1,
    unanswered: 0,
    duplicateReplies: 0,
    strayReplies: 0,
    drainSeconds: 0,
    drained: true,
    signedOnTheFly: 0,
    mostMessagesFromOneUser: 0,
    keepsUp: key.startsWith("open") ? figures.replies >= 0.95 * (figures.rate ?? 0) : null,
    processes: {
      service: process,
      serviceRssMbPerProcess: [100],
      serviceCoresPerProcess: [0.9],
      store: process,
      fakeLine: process,
      generator: process,
      bench: process,
    },
    machine: { loadBefore: [1, 1, 1], loadAfter: [1, 1, 1], busyCores: 1, otherCores: 0 },
    generatorSaturated: false,
    generatorLate: false,
    secondsBetweenMessagesOfOneUser: null,
    fakeLine: {},
    serviceLog: {},
  };
}

function run(
  n: number,
  echoClosed: number,
  botClosed: number,
  botAt300: Partial<{ ackP99: number; turnP99: number; replies: number }>,
): RunReport {
  const target = (label: string, name: "echo" | "bot", phases: PhaseReport[]) => ({
    label,
    name,
    workers: 1,
    supported: true,
    note: "1 process",
    processes: 1,
    startSeconds: 1,
    phases,
  });
  return {
    run: n,
    targets: [
      target("echo", "echo", [
        phase("open 300/s", { replies: 300, rate: 300 }),
        phase("closed turns", { replies: echoClosed }),
      ]),
      target("bot ×1", "bot", [
        phase("open 300/s", { replies: botAt300.replies ?? 300, rate: 300, ...botAt300 }),
        phase("closed turns", { replies: botClosed }),
      ]),
    ],
  };
}

test("when runs are summarized, then each ratio to the echo baseline is taken run by run before the median", () => {
  const summary = summarize([run(1, 1000, 400, {}), run(2, 500, 300, {}), run(3, 800, 400, {})]);

  const closed = summary.phases.find((p) => p.target === "bot ×1" && p.key === "closed turns")!;
  expect(closed.repliesPerSecond.value).toEqual({ median: 400, min: 300, max: 400, n: 3 });
  // 0.4, 0.6, 0.5: the median of the ratios, not 400 / 800.
  expect(closed.repliesPerSecond.toEcho?.median).toBeCloseTo(0.5, 6);
});

test("when the bot misses a target, then the check says so with the measured median, and meets the ones it makes", () => {
  const summary = summarize([run(1, 1000, 700, { ackP99: 60, turnP99: 100 })]);

  const byDescription = Object.fromEntries(summary.targets.map((check) => [check.description, check]));
  expect(byDescription["new users: closed-loop replies/s ≥ 0.6× the echo baseline"]).toMatchObject({
    measured: 0.7,
    met: true,
  });
  expect(byDescription["new users at 300 events/s: ack p99 < 50 ms"]).toMatchObject({
    measured: 60,
    met: false,
  });
  expect(byDescription["new users at 300 events/s: turn p99 < 300 ms"]).toMatchObject({
    measured: 100,
    met: true,
  });
  expect(byDescription["returning users at 300 events/s: ack p99 < 50 ms"]).toMatchObject({
    measured: null,
    met: null,
  });
});

test("when the highest rate of the sweep kept up, then the report says the service could do at least that", () => {
  const summary = summarize([run(1, 1000, 700, {})]);
  const report = renderReport({
    date: "2026-01-01T00:00:00.000Z",
    machine: "test",
    command: "npm run bench",
    store: "embedded",
    loadAtStart: [1, 1, 1],
    loadAtEnd: [1, 1, 1],
    localModeIdleRssMb: null,
    settings: {},
    runs: [],
    summary,
  });

  expect(summary.highestSustainedRate).toContainEqual(
    expect.objectContaining({ target: "bot ×1", traffic: "new", atTopOfSweep: true }),
  );
  expect(report).toContain("| bot ×1 | ≥ 300 (the highest rate tried) |");
  expect(report).toContain("| closed turns | 1,000 **1.00×** | 700 **0.70×** |");
});

test("when percentiles and spreads are taken, then they use nearest rank and ignore missing values", () => {
  expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
  expect(
    percentile(
      Array.from({ length: 100 }, (_, i) => i + 1),
      99,
    ),
  ).toBe(99);
  expect(percentile([], 99)).toBeNull();
  expect(spread([3, null, 1, undefined, 2, 10])).toEqual({ median: 2.5, min: 1, max: 10, n: 4 });
  expect(spread([null])).toBeNull();
});
