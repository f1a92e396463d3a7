import { test } from "node:test";
import assert from "node:assert/strict";
import type { KObject } from "../registry/types.js";
import { SchedulerCache } from "./cache.js";
import { Scheduler } from "./scheduler.js";
import { makeNode, makePod, seeded } from "./test-fixtures.js";

const NODES = 5000;
const PODS = 10_000;
const DEPLOYMENTS = 10;

/** What the incremental cache holds, per node, against a cache built from scratch. */
function assertSameSums(incremental: SchedulerCache, pods: KObject[]) {
  const fresh = new SchedulerCache();
  for (const n of incremental.nodeList()) fresh.onNode("ADDED", n.node!);
  for (const p of pods) fresh.onPod("ADDED", p);
  for (const n of incremental.nodeList()) {
    const f = fresh.node(n.name)!;
    assert.deepEqual([n.requested.cpu, n.requested.memory, n.pods.size, n.nonZeroCpu], [f.requested.cpu, f.requested.memory, f.pods.size, f.nonZeroCpu], n.name);
  }
}

test(`${NODES} nodes × ${PODS} pods from ${DEPLOYMENTS} ReplicaSets: all placed, none overbooked, spread evenly`, () => {
  const cache = new SchedulerCache();
  for (let i = 0; i < NODES; i++) cache.onNode("ADDED", makeNode(`node-${i}`, { zone: `zone-${i % 3}` }));
  const sched = new Scheduler({ cache, random: seeded(11) });
  const bound: KObject[] = [];
  const perNode = new Map<string, number>();
  const perZone = new Map<string, number>();
  for (let i = 0; i < PODS; i++) {
    const d = i % DEPLOYMENTS;
    const pod = makePod(`web-${d}-${i}`, { cpu: "100m", memory: "128Mi", labels: { app: `web-${d}` }, owner: `rs-${d}` });
    const r = sched.scheduleOne(pod);
    assert.ok("node" in r, `${pod.metadata.name} did not fit`);
    cache.assume(pod, r.node);
    bound.push(makePod(pod.metadata.name!, { cpu: "100m", memory: "128Mi", labels: { app: `web-${d}` }, owner: `rs-${d}`, nodeName: r.node }));
    perNode.set(`${d}/${r.node}`, (perNode.get(`${d}/${r.node}`) ?? 0) + 1);
    const zone = cache.node(r.node)!.labels["topology.kubernetes.io/zone"];
    perZone.set(`${d}/${zone}`, (perZone.get(`${d}/${zone}`) ?? 0) + 1);
  }
  assert.equal(cache.podCount, PODS);
  for (const n of cache.nodeList()) assert.ok(n.requested.cpu <= n.allocatable.cpu && n.pods.size <= n.allocatable.pods, n.name);
  // Default spreading: a ReplicaSet's 1,000 replicas on distinct nodes (or nearly), a third per zone.
  assert.ok(Math.max(...perNode.values()) <= 2);
  for (const n of perZone.values()) assert.ok(n >= 320 && n <= 347, `zone share ${n}`);

  // The bound pods' events confirm the assumptions; deleting half of them frees their share.
  for (const p of bound) cache.onPod("MODIFIED", p);
  assertSameSums(cache, bound);
  const kept = bound.filter((_, i) => i % 2 === 0);
  bound.filter((_, i) => i % 2 === 1).forEach((p) => cache.onPod("DELETED", p));
  assert.equal(cache.podCount, PODS / 2);
  assertSameSums(cache, kept);
});
