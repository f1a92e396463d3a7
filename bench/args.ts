/**
 * Command-line options of `npm run bench`:
 *   --only create,watch   run only these sections (hello, etcd, create, watch, kubectl, scheduler, schedule, agent)
 *   --quick               shorter durations and smaller sizes (a smoke run, not a measurement)
 *   --connections N       load-generator concurrency (default 16)
 *   --duration S          measured seconds per rate benchmark (default 10; 3 with --quick)
 *   --watchers N          watch streams (default 1000)
 *   --loadgen wrk|node    load generator engine (default: wrk when installed, else node)
 *   --json FILE           also write the results as JSON
 *   --no-build            use dist/worker.js as it is (default: rebuild it first)
 *   --attempts N          repeat a rate run disturbed by other processes up to N times (default 3)
 *   --quiet-wait S        wait up to S seconds for other processes to go quiet before a run (default 60)
 */
export const SECTIONS = ["hello", "etcd", "create", "watch", "kubectl", "scheduler", "schedule", "agent"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  only: Set<Section>;
  quick: boolean;
  connections: number;
  warmupMs: number;
  durationMs: number;
  watchers: number;
  watchWrites: number;
  watchRatePerSec: number;
  namespaces: number;
  podsPerNamespace: number;
  kubectlRuns: number;
  schedNodes: number;
  schedPods: number;
  json?: string;
  loadgen?: string;
  build: boolean;
  attempts: number;
  quietMs: number;
}

export function parseArgs(argv: string[]): BenchOptions {
  const get = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const a = argv[i];
    return a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1];
  };
  const num = (name: string, dflt: number): number => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} wants a positive number, got ${JSON.stringify(v)}`);
    return n;
  };
  const quick = argv.includes("--quick");
  const onlyRaw = get("only");
  const only = new Set<Section>();
  for (const s of (onlyRaw ?? SECTIONS.join(",")).split(",").map((x) => x.trim()).filter(Boolean)) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`unknown section ${JSON.stringify(s)}; known: ${SECTIONS.join(", ")}`);
    only.add(s as Section);
  }
  return {
    only,
    quick,
    connections: num("connections", 16),
    warmupMs: num("warmup", quick ? 1 : 2) * 1000,
    durationMs: num("duration", quick ? 3 : 10) * 1000,
    watchers: num("watchers", quick ? 200 : 1000),
    watchWrites: num("writes", quick ? 50 : 200),
    watchRatePerSec: num("write-rate", 20),
    namespaces: num("namespaces", quick ? 10 : 100),
    podsPerNamespace: num("pods", quick ? 20 : 100),
    kubectlRuns: num("runs", quick ? 3 : 5),
    schedNodes: num("sched-nodes", quick ? 500 : 5000),
    schedPods: num("sched-pods", quick ? 1000 : 10_000),
    json: get("json"),
    loadgen: get("loadgen"),
    build: !argv.includes("--no-build"),
    attempts: num("attempts", quick ? 1 : 3),
    quietMs: num("quiet-wait", quick ? 5 : 60) * 1000,
  };
}
