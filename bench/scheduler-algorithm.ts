/**
 * The scheduling algorithm alone, without the API: how many pods a second
 * scheduleOne + assume places on a cluster of fake nodes (4 cpu, 16Gi, 3
 * zones), for pods with requests from 10 ReplicaSets (so default spreading
 * is at work). `npx tsx bench/scheduler-algorithm.ts [nodes] [pods]` prints
 * the figure; bench/run.ts calls benchSchedulerAlgorithm.
 */
import { pathToFileURL } from "node:url";
import { SchedulerCache } from "../src/scheduler/cache.js";
import { Scheduler } from "../src/scheduler/scheduler.js";
import { makeNode, makePod } from "../src/scheduler/test-fixtures.js";

const DEPLOYMENTS = 10;

export async function benchSchedulerAlgorithm(opts: { nodes: number; pods: number }): Promise<{ podsPerSecond: number }> {
  const cache = new SchedulerCache();
  for (let i = 0; i < opts.nodes; i++) cache.onNode("ADDED", makeNode(`node-${i}`, { zone: `zone-${i % 3}` }));
  const sched = new Scheduler({ cache });
  const perDeployment = Math.ceil(opts.pods / DEPLOYMENTS);
  const pods = Array.from({ length: opts.pods }, (_, i) => {
    const d = Math.floor(i / perDeployment);
    return makePod(`web-${d}-${i}`, { cpu: "100m", memory: "128Mi", labels: { app: `web-${d}` }, owner: `rs-web-${d}` });
  });
  const start = performance.now();
  for (const pod of pods) {
    const r = sched.scheduleOne(pod);
    if (!("node" in r)) throw new Error(`${pod.metadata.name}: ${r.failure.message}`);
    cache.assume(pod, r.node);
  }
  return { podsPerSecond: opts.pods / ((performance.now() - start) / 1000) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const nodes = Number(process.argv[2] ?? 5000);
  const pods = Number(process.argv[3] ?? 10_000);
  const { podsPerSecond } = await benchSchedulerAlgorithm({ nodes, pods });
  console.log(`scheduler algorithm: ${nodes} nodes, ${pods} pods: ${Math.round(podsPerSecond)} pods/s`);
}
