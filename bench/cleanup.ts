/**
 * Teardown that also happens on Ctrl-C or an early exit: every section
 * registers a synchronous undo for what it started (kill etcd or wrk, remove
 * a temp dir) and drops it once it has cleaned up itself. Synchronous,
 * because Miniflare's own exit hook calls process.exit on SIGINT (after
 * killing workerd), so only 'exit' listeners are sure to run.
 */
type Task = () => void;
const tasks = new Set<Task>();
let installed = false;
let interrupted = false;

/** True once a signal arrived: failures after that are the teardown's doing, not results. */
export function wasInterrupted(): boolean {
  return interrupted;
}

function runAll(): void {
  for (const t of [...tasks].reverse()) {
    tasks.delete(t);
    try {
      t();
    } catch {
      /* best effort */
    }
  }
}

export function onCleanup(t: Task): () => void {
  if (!installed) {
    installed = true;
    process.on("exit", runAll);
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      // process.on, not once: the group's Ctrl-C and tsx's relay of it can both arrive.
      process.on(sig, () => {
        if (interrupted) return;
        interrupted = true;
        process.stderr.write(`\n[bench] ${sig}: stopping what was started\n`);
        runAll();
        process.exit(130);
      });
    }
  }
  tasks.add(t);
  return () => tasks.delete(t);
}

/** Other processes using CPU skew every figure: measure how busy the machine is for a second before starting. */
export async function machineLoad(): Promise<string | undefined> {
  const { cpus } = await import("node:os");
  const total = () => cpus().reduce((a, c) => ({ idle: a.idle + c.times.idle, all: a.all + c.times.idle + c.times.user + c.times.sys + c.times.nice + c.times.irq }), { idle: 0, all: 0 });
  const a = total();
  await new Promise((r) => setTimeout(r, 1000));
  const b = total();
  const busy = 1 - (b.idle - a.idle) / Math.max(1, b.all - a.all);
  if (busy > 0.15) return `the machine was ${(busy * 100).toFixed(0)}% busy before the run (${cpus().length} cores): other processes are using CPU and the figures will be low`;
  return undefined;
}
