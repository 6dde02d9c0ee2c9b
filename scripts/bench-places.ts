/**
 * How fast the place step reads what citizens type and share, over the whole country's 928 districts.
 *
 *   npm run build --silent && nice -n 10 node dist/scripts/bench-places.js
 *
 * Prints the load time of the geography and p50/p99/max per call for typed names (exact, with
 * prefixes and provinces, with typos, unknown words — the slow path scans every name) and for shared
 * locations (nearest of ~7,400 sub-district points). A benchmark, not a test: numbers depend on the machine.
 */
import { performance } from "node:perf_hooks";
import { loadGeography } from "../src/geo";

const typed = [
  "สันทราย",
  "อำเภอเมืองลำปาง",
  "Mueang Lampang",
  "อ.เมือง จ.ลำปาง",
  "ต.หนองหาร อ.สันทราย จ.เชียงใหม่",
  "๙๙/๑ หมู่ ๓ ซอยร่มเย็น ต.หนองหาร อ.สันทราย จ.เชียงใหม่ ๕๐๒๙๐",
  "จอมทอง",
  "เขตบางรัก",
  "Khet Bang Rak, Bangkok",
  "ลำปาง",
  "สันทาย",
  "Chaing Dao",
  "Pom Prab Satru Pai",
  "ป้อมปราบศัตรูพาย",
  "Lampnag",
  "hello",
  "ไม่มีชื่อนี้แน่นอน",
  "xyzzyplugh",
];

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, max ${sorted.at(-1)!.toFixed(3)} ms`;
}

function measure(rounds: number, call: (i: number) => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    call(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

const loadStart = performance.now();
const geography = loadGeography();
const loadMs = performance.now() - loadStart;
process.stdout.write(`load: ${loadMs.toFixed(1)} ms for ${geography.provinces.length} provinces\n`);

// The first calls include V8's warm-up; a running service is warm.
const cold = measure(typed.length, (i) => geography.matchPlace(typed[i]!));
process.stdout.write(`typed names, first call each (cold): ${percentiles(cold)}\n`);
const warm = measure(20_000, (i) => geography.matchPlace(typed[i % typed.length]!));
process.stdout.write(`typed names, ${warm.length} calls (warm): ${percentiles(warm)}\n`);
for (const text of ["สันทราย", "Chaing Dao", "xyzzyplugh"]) {
  process.stdout.write(
    `  ${JSON.stringify(text)}: ${percentiles(measure(2_000, () => geography.matchPlace(text)))}\n`,
  );
}

let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const points = Array.from({ length: 20_000 }, () => [5.6 + random() * 14.9, 97.3 + random() * 8.4] as const);
const located = measure(points.length, (i) => geography.locateDistrict(points[i]![0], points[i]![1]));
process.stdout.write(`shared locations, ${located.length} calls: ${percentiles(located)}\n`);
