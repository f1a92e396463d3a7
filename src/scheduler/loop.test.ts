import { test } from "node:test";
import assert from "node:assert/strict";
import type { PodStatus } from "kubernetes-types/core/v1";
import { FakeCluster } from "../controllers/fake.js";
import type { ReconcileContext } from "../controllers/types.js";
import { ApiError } from "../apimachinery/status.js";
import type { KObject } from "../registry/types.js";
import { SchedulerCache } from "./cache.js";
import { lookupFromLister } from "./framework.js";
import { podBackoffMs, scheduleBatch } from "./loop.js";
import { mayBecomeSchedulable } from "./queueing-hints.js";
import { Scheduler } from "./scheduler.js";
import { makeNode, makePod, seeded, type PodOpts } from "./test-fixtures.js";

function setup(nodes: KObject[]) {
  const fc = new FakeCluster();
  const cache = new SchedulerCache();
  for (const n of nodes) cache.onNode("ADDED", fc.seed("nodes", n));
  const sched = new Scheduler({ cache, random: seeded(3), lookup: lookupFromLister(fc) });
  const create = async (name: string, o: PodOpts = {}) => {
    fc.clock += 1000;
    const pod = makePod(name, o);
    delete pod.metadata.uid;
    delete pod.metadata.creationTimestamp;
    delete pod.status;
    return fc.create("pods", pod);
  };
  /** The informer: deliver every pod's current state to the cache. */
  const sync = () => {
    for (const p of fc.list("pods")) cache.onPod("MODIFIED", p);
  };
  return { fc, cache, sched, create, sync, ctx: fc.context() };
}

const nodeNameOf = (fc: FakeCluster, name: string) => (fc.get("pods", "default", name)?.spec as { nodeName?: string }).nodeName;
const condition = (fc: FakeCluster, name: string) => ((fc.get("pods", "default", name)?.status as PodStatus).conditions ?? []).find((c) => c.type === "PodScheduled");

test("binds pending pods and records Scheduled; leaves other schedulers', bound and deleting pods alone", async () => {
  const { fc, sched, create, ctx } = setup([makeNode("n1")]);
  await create("web", { cpu: "100m" });
  await create("other", { spec: { schedulerName: "my-scheduler" } });
  const deleting = { ...makePod("going"), metadata: { ...makePod("going").metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
  const r = await scheduleBatch([...fc.list("pods"), deleting], ctx, sched);
  assert.equal(r.bound, 1);
  assert.deepEqual(r.failed, []);
  assert.equal(nodeNameOf(fc, "web"), "n1");
  assert.equal(nodeNameOf(fc, "other"), undefined);
  assert.deepEqual(fc.events, [{ object: "Pod/web", type: "Normal", reason: "Scheduled", message: "Successfully assigned default/web to n1" }]);
  // Bound now: a second pass does nothing.
  const again = await scheduleBatch(fc.list("pods"), ctx, sched);
  assert.deepEqual([again.bound, again.failed.length], [0, 0]);
});

test("a pod that fits nowhere gets PodScheduled=False and FailedScheduling, the condition only when it changes", async () => {
  const { fc, sched, create, ctx } = setup([makeNode("n1", { cpu: "1" }), makeNode("n2", { cpu: "1" })]);
  await create("big", { cpu: "2" });
  const r = await scheduleBatch(fc.list("pods"), ctx, sched);
  assert.deepEqual(r.failed.map((p) => p.metadata.name), ["big"]);
  assert.equal(r.failures.get("default/big")?.message, "0/2 nodes are available: 2 Insufficient cpu.");
  // As kube-scheduler 1.30 words it, DefaultPreemption's PostFilter included.
  const message = "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.";
  assert.deepEqual(fc.events, [{ object: "Pod/big", type: "Warning", reason: "FailedScheduling", message }]);
  const cond = condition(fc, "big");
  assert.deepEqual({ ...cond }, { type: "PodScheduled", status: "False", reason: "Unschedulable", message, lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:01Z" });

  const writes = fc.writes.length;
  fc.clock += 5000;
  await scheduleBatch(fc.list("pods"), ctx, sched);
  assert.equal(fc.writes.length, writes, "unchanged condition: no status write");
  assert.equal(fc.events.length, 2);
});

test("with no nodes at all the message is kube-scheduler's, with no preemption part", async () => {
  const { fc, sched, create, ctx } = setup([]);
  await create("lonely");
  await scheduleBatch(fc.list("pods"), ctx, sched);
  assert.deepEqual(fc.events, [{ object: "Pod/lonely", type: "Warning", reason: "FailedScheduling", message: "no nodes available to schedule pods" }]);
});

test("a big pod becomes schedulable after a bigger node is added", async () => {
  const { fc, cache, sched, create, ctx } = setup([makeNode("small", { cpu: "1" })]);
  await create("big", { cpu: "6" });
  const first = await scheduleBatch(fc.list("pods"), ctx, sched);
  const failure = first.failures.get("default/big");
  assert.equal(failure?.message, "0/1 nodes are available: 1 Insufficient cpu.");

  const bigNode = fc.seed("nodes", makeNode("big-node", { cpu: "8" }));
  cache.onNode("ADDED", bigNode);
  assert.ok(mayBecomeSchedulable({ resource: "nodes", type: "ADDED", obj: bigNode }, failure));
  const second = await scheduleBatch(first.failed, ctx, sched);
  assert.equal(second.bound, 1);
  assert.equal(nodeNameOf(fc, "big"), "big-node");
});

test("assume keeps a batch from overbooking a node", async () => {
  const { fc, sched, create, ctx } = setup([makeNode("n1", { cpu: "2" })]);
  for (const name of ["a", "b", "c"]) await create(name, { cpu: "1" });
  const r = await scheduleBatch(fc.list("pods"), ctx, sched);
  assert.equal(r.bound, 2);
  assert.deepEqual(r.failed.map((p) => p.metadata.name), ["c"]);
  assert.equal(r.failures.get("default/c")?.message, "0/1 nodes are available: 1 Insufficient cpu.");
});

test("queue order: higher priority first, then older first", async () => {
  const { fc, sched, create, ctx } = setup([makeNode("n1", { cpu: "1" })]);
  await create("old-low", { cpu: "1" });
  await create("new-high", { cpu: "1", spec: { priority: 1000 } });
  await create("newer-low", { cpu: "1" });
  const r = await scheduleBatch(fc.list("pods").reverse(), ctx, sched);
  assert.equal(r.bound, 1);
  assert.equal(nodeNameOf(fc, "new-high"), "n1");
  assert.deepEqual(r.failed.map((p) => p.metadata.name), ["old-low", "newer-low"]);
});

test("a failed binding is forgotten, reported and returned for retry; the informer confirms the others", async () => {
  const { fc, cache, sched, create, sync } = setup([makeNode("n1", { cpu: "2" })]);
  await create("ok", { cpu: "1" });
  await create("flaky", { cpu: "1" });
  const ctx: ReconcileContext = {
    ...fc.context(),
    client: Object.assign(Object.create(fc) as FakeCluster, {
      bind: async (ns: string, name: string, node: string) => {
        if (name === "flaky") throw new ApiError(500, "InternalError", "etcd is sad");
        return fc.bind(ns, name, node);
      },
    }),
  };
  const r = await scheduleBatch(fc.list("pods"), ctx, sched);
  assert.equal(r.bound, 1);
  assert.deepEqual(r.failed.map((p) => p.metadata.name), ["flaky"]);
  assert.equal(r.failures.size, 0);
  assert.equal(condition(fc, "flaky")?.reason, "SchedulerError");
  assert.ok(fc.events.some((e) => e.object === "Pod/flaky" && e.reason === "FailedScheduling" && e.message === "etcd is sad"));
  sync();
  assert.equal(cache.node("n1")!.requested.cpu, 1000);
  assert.ok(!cache.isAssumed(fc.get("pods", "default", "ok")!));
});

test("claims and volumes are read through the lister", async () => {
  const { fc, sched, create, ctx } = setup([makeNode("n1"), makeNode("n2")]);
  fc.seed("persistentvolumes", {
    metadata: { name: "pv-n2" },
    spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["n2"] }] }] } } },
  });
  fc.seed("persistentvolumeclaims", { metadata: { name: "data", namespace: "default" }, spec: { volumeName: "pv-n2", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
  const volume = (claimName: string) => ({ volumes: [{ name: "v", persistentVolumeClaim: { claimName } }] });
  await create("db", { spec: volume("data") });
  await create("lost", { spec: volume("nope") });
  const r = await scheduleBatch(fc.list("pods"), ctx, sched);
  assert.equal(nodeNameOf(fc, "db"), "n2");
  assert.equal(r.failures.get("default/lost")?.message, '0/2 nodes are available: persistentvolumeclaim "nope" not found.');
});

test("queueing hints: which events may help which failures", () => {
  const node = makeNode("n1");
  const heartbeat = makeNode("n1");
  const cpuFailure = { message: "", plugins: new Set(["NodeResourcesFit"]) };
  const affinityFailure = { message: "", plugins: new Set(["NodeAffinity"]) };
  assert.ok(mayBecomeSchedulable({ resource: "nodes", type: "ADDED", obj: node }, cpuFailure));
  assert.ok(!mayBecomeSchedulable({ resource: "nodes", type: "MODIFIED", obj: heartbeat, old: node }, cpuFailure));
  assert.ok(mayBecomeSchedulable({ resource: "nodes", type: "MODIFIED", obj: makeNode("n1", { cpu: "8" }), old: node }, cpuFailure));
  assert.ok(!mayBecomeSchedulable({ resource: "nodes", type: "MODIFIED", obj: makeNode("n1", { labels: { disk: "ssd" } }), old: node }, cpuFailure));
  assert.ok(mayBecomeSchedulable({ resource: "nodes", type: "MODIFIED", obj: makeNode("n1", { labels: { disk: "ssd" } }), old: node }, affinityFailure));
  const bound = makePod("p", { nodeName: "n1", phase: "Running" });
  assert.ok(mayBecomeSchedulable({ resource: "pods", type: "DELETED", obj: bound }, cpuFailure));
  assert.ok(mayBecomeSchedulable({ resource: "pods", type: "MODIFIED", obj: makePod("p", { nodeName: "n1", phase: "Succeeded" }), old: bound }, cpuFailure));
  assert.ok(!mayBecomeSchedulable({ resource: "pods", type: "ADDED", obj: makePod("pending") }, cpuFailure));
  assert.ok(!mayBecomeSchedulable({ resource: "pods", type: "ADDED", obj: bound }, cpuFailure));
  assert.ok(mayBecomeSchedulable({ resource: "pods", type: "ADDED", obj: bound }, { message: "", plugins: new Set(["InterPodAffinity"]) }));
  assert.ok(mayBecomeSchedulable({ resource: "nodes", type: "ADDED", obj: node }));
});

test("backoff: 1 s doubling to 10 s", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map(podBackoffMs), [1000, 2000, 4000, 8000, 10000, 10000]);
});
