/**
 * How long the service's event loop made callbacks wait, and the database commands it sent, phase by
 * phase: what an acknowledgement waits behind (docs/PERFORMANCE.md). Loaded into the service by the
 * bench's `--loop-monitor` (`--require` of this file, inherited by cluster workers). Each SIGUSR2
 * closes a window: `<pid>.loop.json` in LOOP_MONITOR_DIR gets the window's figures, and a new one begins.
 * Never in production.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { counts } from "./command-counter";

/** A window's figures, as written to `<pid>.loop.json`. */
export interface LoopWindow {
  /** Which window this is (1 for the one the first signal closed). */
  seq: number;
  /** Event-loop delay (ms): how late a timer due every `resolution` ms ran. */
  delayMs: { p50: number; p99: number; max: number; mean: number };
  /** Stretches of at least 10 / 50 ms without the loop getting round, estimated from the histogram. */
  stalls: { over10ms: number; over50ms: number };
  /** Database commands sent in the window, by command (and collection). */
  commands: Record<string, number>;
}

// 2 ms: a one-event start or an ack is a millisecond or two; coarser would hide the stretches that matter.
const resolutionMs = 2;
const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
histogram.enable();
const directory = process.env.LOOP_MONITOR_DIR ?? tmpdir();
let seq = 0;
let countsAtStart: Record<string, number> = { ...counts };

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** Samples at or above `thresholdMs`: each stall of the loop delays exactly one timer run by about its length. */
function samplesOver(thresholdMs: number): number {
  let above = 0;
  let previous = 0;
  // percentiles: ascending percentile → value; the share above a value is 100 − its percentile.
  for (const [percentile, value] of histogram.percentiles) {
    if (ms(value) >= thresholdMs) {
      above = (100 - previous) / 100;
      break;
    }
    previous = percentile;
  }
  return Math.round(above * histogram.count);
}

process.on("SIGUSR2", () => {
  seq += 1;
  const commands: Record<string, number> = {};
  for (const [key, count] of Object.entries(counts)) {
    const added = count - (countsAtStart[key] ?? 0);
    if (added > 0) commands[key] = added;
  }
  const window: LoopWindow = {
    seq,
    delayMs: {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      mean: ms(histogram.mean),
    },
    stalls: { over10ms: samplesOver(10), over50ms: samplesOver(50) },
    commands,
  };
  histogram.reset();
  countsAtStart = { ...counts };
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, `${process.pid}.loop.json`), JSON.stringify(window));
});
