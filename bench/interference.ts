/**
 * Is someone else using the CPU while we measure? On a shared 2-core box a
 * compile or a test run elsewhere halves every figure. This samples
 * /proc/stat (all CPU time) and the CPU time of this process and its
 * descendants (workerd, etcd, wrk, kubectl), and reports the difference as
 * "foreign" cores over the measured interval. Linux only; elsewhere it
 * reports nothing.
 */
import { readFileSync, readdirSync } from "node:fs";

const HZ = 100; // USER_HZ: /proc times are in 1/100 s on Linux

interface Sample {
  at: number;
  busy: number;
  ours: number;
  steal: number;
}

/** CPU not spent by this bench while it measured: other processes', and what the hypervisor stole from this VM. */
export interface Disturbance {
  /** Cores others kept busy, steal included (undefined off Linux). */
  foreignCores?: number;
  /** Of those, the cores the hypervisor took (/proc/stat's steal): a busy host, not a process here. */
  stolenCores?: number;
}

/** Busy and stolen jiffies of all CPUs. */
function cpuJiffies(): { busy: number; steal: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const idle = f[3] + (f[4] ?? 0);
  const all = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: all - idle, steal: f[7] ?? 0 };
}

function ourJiffies(): number {
  const parent = new Map<number, number>();
  const time = new Map<number, number>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, "utf8");
      const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
      // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
      parent.set(Number(e), Number(rest[1]));
      time.set(Number(e), Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]));
    } catch {
      /* exited meanwhile */
    }
  }
  let sum = 0;
  for (const [pid, t] of time) {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        sum += t;
        break;
      }
    }
  }
  return sum;
}

function sample(): Sample | undefined {
  try {
    return { at: performance.now(), ...cpuJiffies(), ours: ourJiffies() };
  } catch {
    return undefined;
  }
}

/** Run fn and report how many cores other processes kept busy meanwhile (undefined off Linux). */
export async function withForeignLoad<T>(fn: () => Promise<T>): Promise<{ value: T } & Disturbance> {
  const a = sample();
  const value = await fn();
  const b = sample();
  if (!a || !b) return { value };
  const seconds = (b.at - a.at) / 1000;
  const foreign = Math.max(0, (b.busy - a.busy - (b.ours - a.ours)) / HZ / seconds);
  return { value, foreignCores: foreign, stolenCores: Math.max(0, (b.steal - a.steal) / HZ / seconds) };
}

/** " ⚠ others used 0.4 cores" (naming the hypervisor's share) when a measurement was disturbed, else "". */
export function disturbedNote(d: Disturbance): string {
  if (d.foreignCores === undefined || d.foreignCores <= 0.2) return "";
  const stolen = d.stolenCores ?? 0;
  return ` ⚠ others used ${d.foreignCores.toFixed(1)} cores${stolen >= 0.1 ? ` (${stolen.toFixed(1)} of them stolen by the hypervisor)` : ""}`;
}

/** Wait (at most maxMs) until other processes use less than 0.15 cores over a second. Returns whether it got quiet. */
export async function waitQuiet(maxMs: number, log?: (msg: string) => void): Promise<boolean> {
  const deadline = performance.now() + maxMs;
  let told = false;
  for (;;) {
    const { foreignCores, stolenCores } = await withForeignLoad(() => new Promise<void>((r) => setTimeout(r, 1000)));
    if (foreignCores === undefined || foreignCores < 0.15) return true;
    if (performance.now() > deadline) return false;
    if (!told && log) log(`  waiting for other processes to go quiet (they use ${foreignCores.toFixed(1)} cores, ${(stolenCores ?? 0).toFixed(1)} of them stolen by the hypervisor)`);
    told = true;
  }
}

/**
 * A rate measurement that tries to be undisturbed: wait for quiet, measure,
 * and measure again (up to `attempts` times) when others used more than 0.3
 * cores meanwhile. Returns the least disturbed attempt.
 */
export async function undisturbed<T>(fn: () => Promise<T>, o: { attempts: number; quietMs: number; log?: (msg: string) => void }): Promise<{ value: T } & Disturbance> {
  let best: ({ value: T } & Disturbance) | undefined;
  for (let i = 0; i < o.attempts; i++) {
    await waitQuiet(o.quietMs, o.log);
    const r = await withForeignLoad(fn);
    if (!best || (r.foreignCores ?? 0) < (best.foreignCores ?? 0)) best = r;
    if ((r.foreignCores ?? 0) <= 0.3) break;
    if (i + 1 < o.attempts) o.log?.(`  others used ${r.foreignCores!.toFixed(1)} cores during the measurement: measuring again`);
  }
  return best!;
}
