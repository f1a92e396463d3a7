/**
 * `npm run bench`: the control plane's throughput and latency next to the
 * runtime's ceiling (bare workerd) and a naive store's (raw etcd), the watch
 * fan-out, and `kubectl get pods -A` at 10,000 pods. Prints a markdown table.
 * Sections: hello, etcd, create, watch, kubectl, scheduler, schedule, agent (`-- --only create,watch`);
 * `-- --quick` for a short smoke run. See bench/README.md.
 */
import { writeFileSync } from "node:fs";
import { parseArgs, type BenchOptions } from "./args.js";
import { buildWorker, startBenchCluster, throwawayTls, type BenchCluster } from "./cluster.js";
import { helloRate, helloRateOwnSocket } from "./hello.js";
import { etcdBinary, etcdRate } from "./etcd.js";
import { createBench, createRate } from "./create.js";
import { startBareDurableObject } from "./bare-durable-object.js";
import { watchBench } from "./watch.js";
import { kubectlBench, kubectlBinary } from "./kubectl.js";
import { benchSchedulerAlgorithm } from "./scheduler-algorithm.js";
import { benchScheduleEndToEnd, LEASE_INTERVAL_MS } from "./schedule.js";
import { agentBench } from "./agent.js";
import { markdownTable, type Row } from "./table.js";
import { machineLoad, wasInterrupted } from "./cleanup.js";
import { disturbedNote as noisy, undisturbed, waitQuiet, withForeignLoad } from "./interference.js";
import { int, median, ms, percentile, ratio } from "./stats.js";
import { pickEngine, type LoadResult } from "./loadgen.js";

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const rate = (r: LoadResult) => `${int(r.rate)} req/s (${int(r.errors)} errors)`;
const showErrors = (what: string, samples: string[]) => {
  for (const s of samples) log(`  ${what} error: ${s}`);
};

async function main(o: BenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  /** A section that fails leaves a row saying so; the others still run and print. */
  const section = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      if (wasInterrupted()) throw e;
      log(`${name} failed: ${(e as Error).stack ?? String(e)}`);
      rows.push({ benchmark: `${name} (section)`, result: `failed: ${(e as Error).message.slice(0, 200)}`, target: "—", ok: false });
    }
  };
  /** Rate runs: wait for a quiet machine, and repeat a run that others disturbed. */
  const measure = <T>(fn: () => Promise<T>) => undisturbed(fn, { attempts: o.attempts, quietMs: o.quietMs, log });
  const quiet = () => waitQuiet(o.quietMs, log);
  const busy = await machineLoad();
  if (busy) log(`warning: ${busy}`);
  const engine = pickEngine(o.loadgen);
  const c16 = `${engine}, ${o.connections} conns`;
  log(`load generator: ${engine === "wrk" ? `wrk (${process.env.WRK_THREADS ?? 2} threads)` : "node (undici Pool)"}, ${o.connections} connections`);
  let hello: LoadResult | undefined;
  let helloTls: LoadResult | undefined;
  let barePut: LoadResult | undefined;
  let etcd: LoadResult | undefined;
  let etcdMissing = false;

  if (o.only.has("hello")) {
    log(`hello-world (workerd, HTTP), ${c16}, ${o.durationMs / 1000} s`);
    const h = await measure(() => helloRate(o, engine));
    hello = h.value;
    showErrors("hello", hello.errorSamples);
    rows.push({ benchmark: `hello-world (workerd, HTTP, ${c16})`, result: rate(hello) + noisy(h), target: "—", value: hello.rate });
    log(`hello-world (workerd, HTTPS), ${c16}`);
    const tls = await throwawayTls();
    try {
      const hs = await measure(() => helloRate(o, engine, tls));
      helloTls = hs.value;
      rows.push({ benchmark: `hello-world (workerd, HTTPS, ${c16})`, result: rate(hs.value) + noisy(hs), target: "— (info)", value: hs.value.rate });
      log(`hello-world (workerd, HTTPS, the Worker on its own socket as npm start serves it), ${c16}`);
      const ho = await measure(() => helloRateOwnSocket(o, engine, tls));
      rows.push({ benchmark: `hello-world (HTTPS, the Worker on its own workerd socket, as the control plane is served, ${c16})`, result: rate(ho.value) + noisy(ho), target: "— (info)", value: ho.value.rate });
      log(`bare Durable Object put (one SQLite insert, no Kubernetes code, HTTPS), ${c16}`);
      const bare = await startBareDurableObject(tls);
      try {
        const b = await measure(() => createRate(bare, o, engine));
        barePut = b.value;
        rows.push({ benchmark: `bare Durable Object put (HTTPS, ${c16})`, result: `${rate(b.value)} (${ratio(b.value.rate, hello.rate)} of hello)${noisy(b)}`, target: "— (floor)", value: b.value.rate });
      } finally {
        await bare.stop();
      }
    } finally {
      tls.cleanup();
    }
  }

  if (o.only.has("etcd")) {
    const bin = etcdBinary();
    if (!bin) {
      etcdMissing = true;
      rows.push({ benchmark: "etcd put (JSON gateway)", result: "n/a (install etcd-server)", target: "—" });
    } else {
      log(`etcd put via JSON gateway (${bin}), ${c16}`);
      const e = await measure(() => etcdRate(o, engine, bin));
      etcd = e.value;
      showErrors("etcd", etcd.errorSamples);
      rows.push({ benchmark: `etcd put (JSON gateway, ${c16})`, result: rate(etcd) + noisy(e), target: "—", value: etcd.rate });
    }
  }

  const needCluster = o.only.has("create") || o.only.has("watch") || o.only.has("kubectl") || o.only.has("schedule") || o.only.has("agent");
  let cluster: BenchCluster | undefined;
  try {
    if (needCluster) {
      if (o.build) {
        log("building dist/worker.js");
        buildWorker();
      }
      cluster = await startBenchCluster();
      log(`control plane at ${cluster.origin}`);
    }

    if (o.only.has("create") && cluster) await section("create", async () => {
      log(`ConfigMap create, ${c16}, ${o.durationMs / 1000} s; then GET and LIST latency`);
      const { value: r, ...load } = await measure(() => createBench(cluster!, o, engine));
      showErrors("create", r.create.errorSamples);
      showErrors("get", r.get.errorSamples);
      showErrors("list", r.list.errorSamples);
      const cr = r.create.rate;
      rows.push({ benchmark: `ConfigMap create (${c16})`, result: rate(r.create) + noisy(load), target: "—", value: cr });
      // wrk's latency figures over TLS are not trustworthy here (their sum exceeds connections × duration), so only the node engine's are shown.
      if (r.create.engine === "node") rows.push({ benchmark: "ConfigMap create latency under load p50 / p99", result: `${ms(r.create.p50)} / ${ms(r.create.p99)}`, target: "—" });
      if (hello) rows.push({ benchmark: "create / hello-world", result: ratio(cr, hello.rate), target: "≥ 0.35", ok: cr / hello.rate >= 0.35, value: cr / hello.rate });
      // The control plane serves HTTPS only: the same-transport ratio, and the naive store's own ratio, put the target in context.
      if (helloTls) rows.push({ benchmark: "create / hello-world over HTTPS (same transport; info)", result: ratio(cr, helloTls.rate), target: "—", value: cr / helloTls.rate });
      if (barePut) rows.push({ benchmark: "create / bare Durable Object put (info)", result: ratio(cr, barePut.rate), target: "—", value: cr / barePut.rate });
      if (etcd) rows.push({ benchmark: "create / etcd put", result: ratio(cr, etcd.rate), target: "≥ 0.25", ok: cr / etcd.rate >= 0.25, value: cr / etcd.rate });
      else if (etcdMissing) rows.push({ benchmark: "create / etcd put", result: "n/a (install etcd-server)", target: "≥ 0.25" });
      rows.push({ benchmark: `ConfigMap GET p50 / p99 (serial, ${r.get.errors} errors)`, result: `${ms(percentile(r.get.latencies, 0.5))} / ${ms(percentile(r.get.latencies, 0.99))}`, target: "—" });
      rows.push({ benchmark: `ConfigMap LIST of ${r.list.items} p50 / p99 (serial, ${r.list.errors} errors)`, result: `${ms(percentile(r.list.latencies, 0.5))} / ${ms(percentile(r.list.latencies, 0.99))}`, target: "—" });
    });

    if (o.only.has("watch") && cluster) await section("watch", async () => {
      log(`watch: ${o.watchers} watchers, ${o.watchWrites} writes at ${o.watchRatePerSec}/s`);
      await quiet();
      const { value: w, ...load } = await withForeignLoad(() => watchBench(cluster!, o));
      showErrors("watch stream", w.streamErrorSamples);
      const p50 = percentile(w.latencies, 0.5);
      const p99 = percentile(w.latencies, 0.99);
      log(`  opened ${w.watchers} streams in ${ms(w.openMs)}; reader CPU ${w.readerCpuPercent.toFixed(0)}% of a core; max ${ms(percentile(w.latencies, 1))}; ${w.duplicates} duplicates; ${w.writeErrors} write errors`);
      rows.push({
        benchmark: `watch: ${int(w.watchers)} watchers × ${w.writes} writes at ${o.watchRatePerSec}/s, write→event p50 / p99`,
        result: `${ms(p50)} / ${ms(p99)}${noisy(load)}`,
        target: "p99 ≤ 100 ms",
        ok: p99 <= 100,
        value: p99,
      });
      rows.push({
        benchmark: "watch: lost events (stream errors, write errors)",
        result: `${int(w.lost)} of ${int(w.watchers * w.writes)} (${w.streamErrors}, ${w.writeErrors})`,
        target: "0",
        ok: w.lost === 0 && w.streamErrors === 0 && w.writeErrors === 0,
        value: w.lost,
      });
    });

    // Two floors: a line per write (what a naive store does), and the same Durable Object with the control plane's CoalescingStream.
    for (const coalesce of [false, true]) {
      if (o.only.has("watch") && cluster) await section(coalesce ? "watch floor, coalescing" : "watch floor", async () => {
        log(`watch floor: the bare Durable Object fanning one line out to ${o.watchers} HTTPS streams${coalesce ? ", coalescing" : ""}, ${o.watchWrites} writes at ${o.watchRatePerSec}/s`);
        await quiet();
        const tls = await throwawayTls();
        const bare = await startBareDurableObject(tls, { coalesce });
        try {
          const { value: w, ...load } = await withForeignLoad(() => watchBench(bare, o));
          rows.push({
            benchmark: `watch floor: bare Durable Object, ${int(w.watchers)} streams × ${w.writes} writes, ${coalesce ? "coalescing streams" : "a line per write"}, p50 / p99 (lost)`,
            result: `${ms(percentile(w.latencies, 0.5))} / ${ms(percentile(w.latencies, 0.99))} (${int(w.lost)})${noisy(load)}`,
            target: "— (floor)",
            value: percentile(w.latencies, 0.99),
          });
        } finally {
          await bare.stop();
          tls.cleanup();
        }
      });
    }

    if (o.only.has("kubectl") && cluster) await section("kubectl", async () => {
      const bin = kubectlBinary();
      if (!bin) rows.push({ benchmark: "kubectl get pods -A", result: "n/a (no kubectl; set KUBECTL)", target: "≤ 500 ms" });
      else {
        log(`kubectl: creating ${o.namespaces} namespaces × ${o.podsPerNamespace} pods`);
        const k = await kubectlBench(cluster!, o, bin, quiet);
        log(`  created ${int(k.pods)} pods in ${k.createSeconds.toFixed(1)} s (${int(k.pods / k.createSeconds)}/s, ${k.createErrors} errors); runs: ${k.runsMs.map((x) => ms(x)).join(", ")}; rows: ${k.rows.join(", ")}`);
        showErrors("pod create", k.createErrorSamples);
        if (k.stderr) log(`  kubectl stderr: ${k.stderr}`);
        const m = median(k.runsMs);
        const complete = k.rows.every((r) => r === k.pods);
        rows.push({
          benchmark: `kubectl get pods -A, ${int(k.pods)} pods in ${o.namespaces} ns (median of ${k.runsMs.length}, ${bin.split("/").pop()})`,
          result: `${ms(m)}${complete ? "" : ` (incomplete output: ${k.rows.join("/")} rows)`}${noisy(k)}`,
          target: "≤ 500 ms",
          ok: m <= 500 && complete,
          value: m,
        });
        rows.push({ benchmark: "kubectl get pods -A --chunk-size=0 (one request; info)", result: ms(median(k.unchunkedMs)), target: "—", value: median(k.unchunkedMs) });
        rows.push({
          benchmark: `kubectl alone: the same Table served from memory by a server doing nothing, one request, median (floor)`,
          result: `${ms(median(k.floorMs))}${k.floorRows.every((r) => r === k.pods) ? "" : ` (incomplete output: ${k.floorRows.join("/")} rows)`}`,
          target: "— (floor)",
          value: median(k.floorMs),
        });
        rows.push({ benchmark: `the server's part: GET /api/v1/pods as a Table, ${int(k.pods)} rows in one request, median (no kubectl)`, result: ms(median(k.serverMs)), target: "—", value: median(k.serverMs) });
        rows.push({
          benchmark: "kubectl's own rate limiter (5/s, burst 10) in one paged run (-v=6; floor)",
          result: `${k.throttle.requests} list requests, ${ms(k.throttle.waitedMs)} waited client-side`,
          target: "— (floor)",
          value: k.throttle.waitedMs,
        });
        rows.push({ benchmark: "pod create via API (32 in flight, setup for the above)", result: `${int(k.pods / k.createSeconds)} pods/s (${k.createErrors} errors)`, target: "—", value: k.pods / k.createSeconds });
      }
    });
    if (o.only.has("schedule") && cluster) await section("schedule", async () => {
      log(`scheduling end to end: ${int(o.schedNodes)} fake nodes, ${int(o.schedPods)} pods from 10 Deployments, after one Deployment of 1,000`);
      const { value: s, ...load } = await measure(() => benchScheduleEndToEnd(cluster!, { nodes: o.schedNodes, pods: o.schedPods, deployments: 10, log }));
      rows.push({ benchmark: `Deployment of 1,000 replicas, apply → all Running (${int(s.nodes)} fake nodes)`, result: `${int(s.deploy1000RunningMs)} ms${noisy(load)}`, target: "—", value: s.deploy1000RunningMs });
      rows.push({ benchmark: `scheduling through the API: ${int(s.pods)} pods on ${int(s.nodes)} fake nodes, leases renewed every ${LEASE_INTERVAL_MS / 1000} s`, result: `${int(s.bindPerSecond)} pods bound/s (all bound ${int(s.allBoundMs)} ms, Running ${int(s.allRunningMs)} ms)${noisy(load)}`, target: "≥ 1,000 pods/s", value: s.bindPerSecond, ok: s.bindPerSecond >= 1000 });
    });
    if (o.only.has("agent") && cluster) await section("agent", async () => {
      log("node agent with real containers (Podman): pod startup latency and the agent's footprint");
      await quiet();
      const pods = o.quick ? 10 : 30;
      const { value: a, ...load } = await withForeignLoad(() => agentBench(cluster!, { pods, perSecond: 5, idleMs: o.quick ? 5_000 : 20_000, log }));
      const p50 = percentile(a.startLatencies, 0.5);
      const p99 = percentile(a.startLatencies, 0.99);
      rows.push({ benchmark: `pod startup, create → Running by watch, ${a.pods} pods at 5/s (real containers) p50 / p99`, result: `${ms(p50)} / ${ms(p99)}${noisy(load)}`, target: "p99 ≤ 2 s", ok: p99 <= 2000, value: p99 });
      rows.push({ benchmark: "agent idle: RSS / cpu", result: `${a.idle.rssMiB.toFixed(1)} MiB / ${a.idle.cpuPercent.toFixed(2)} %`, target: "≤ 60 MiB / < 1 %", ok: a.idle.rssMiB <= 60 && a.idle.cpuPercent < 1, value: a.idle.rssMiB });
      rows.push({ benchmark: `agent with ${a.pods} pods: RSS / cpu`, result: `${a.loaded.rssMiB.toFixed(1)} MiB / ${a.loaded.cpuPercent.toFixed(2)} %`, target: "—", value: a.loaded.rssMiB });
    });
  } finally {
    await cluster?.stop();
  }

  if (o.only.has("scheduler")) {
    log(`scheduler algorithm alone (in this process): ${int(o.schedNodes)} nodes, ${int(o.schedPods)} pods`);
    const { value: s, ...load } = await measure(() => benchSchedulerAlgorithm({ nodes: o.schedNodes, pods: o.schedPods }));
    rows.push({ benchmark: `scheduler algorithm alone, ${int(o.schedNodes)} nodes, ${int(o.schedPods)} pods`, result: `${int(s.podsPerSecond)} pods/s${noisy(load)}`, target: "—", value: s.podsPerSecond });
  }
  return rows;
}

const opts = parseArgs(process.argv.slice(2));
let rows: Row[];
try {
  rows = await main(opts);
} catch (e) {
  // After Ctrl-C the signal handler tears down and exits; whatever failed on the way is its doing.
  if (wasInterrupted()) await new Promise(() => {});
  throw e;
}
const table = markdownTable(rows);
process.stdout.write(`\n${table}\n`);
if (opts.quick) process.stdout.write("\n(--quick: short durations and small sizes; not a measurement)\n");
if (opts.json) writeFileSync(opts.json, JSON.stringify({ options: { ...opts, only: [...opts.only] }, rows }, null, 2));
