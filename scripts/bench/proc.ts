/**
 * What the kernel says about processes and the machine (/proc, Linux only): CPU time, resident
 * memory, process trees and machine-wide busy time. The bench reads these from the outside so every
 * process is measured the same way, whatever runs inside it.
 */
import fs from "node:fs";
import os from "node:os";

/** USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux the project runs on. */
const TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] | undefined {
  try {
    // The command name is in parentheses and may contain spaces: fields start after the last ") ".
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  } catch {
    return undefined; // the process has exited
  }
}

/** CPU time (user + system) the process has used so far, in ms; undefined once it has exited. */
export function cpuMs(pid: number): number | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Resident memory in MB; undefined once the process has exited. */
export function rssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid` (children, grandchildren, ...), found through their parent ids. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!Number.isFinite(parent)) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Machine-wide CPU time in ms since boot, busy and in total, summed over all cores (/proc/stat). */
export function machineCpuMs(): { busy: number; total: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
  const busy = user + nice + system + irq + softirq + steal;
  const toMs = (value: number) => (value * 1000) / TICKS_PER_SECOND;
  return { busy: toMs(busy), total: toMs(busy + idle + iowait) };
}

/** The machine in one line, for reports: cores, CPU model, memory, OS, Node. */
export function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memoryGb = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus.length} × ${model}, ${memoryGb} GB, ${os.type()} ${os.release()}, Node ${process.version}`;
}
