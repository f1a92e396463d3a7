import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../controllers/fake.js";
import type { KObject } from "../registry/types.js";
import { SchedulerCache } from "./cache.js";
import { lookupFromLister } from "./framework.js";
import { scheduleBatch } from "./loop.js";
import { Scheduler, type PreemptionResult } from "./scheduler.js";
import { makeNode, makePod, seeded, type PodOpts } from "./test-fixtures.js";

function cluster(nodes: KObject[], pods: KObject[]) {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.onNode("ADDED", n);
  for (const p of pods) cache.onPod("ADDED", p);
  return new Scheduler({ cache, random: seeded(1) });
}
const at = (name: string, node: string, priority: number, o: PodOpts = {}) => makePod(name, { cpu: "1", nodeName: node, phase: "Running", ...o, spec: { priority, ...o.spec } });
const victimsOf = (r: PreemptionResult) => ("node" in r ? r.victims.map((v) => v.metadata.name).sort() : r.message);

test("evicts the fewest, least important lower-priority pods; reprieves what it can", () => {
  // n1: two low pods (priority 1, 5); n2: one middle pod (priority 50). The 2-cpu preemptor needs one cpu freed.
  const s = cluster(
    [makeNode("n1", { cpu: "2" }), makeNode("n2", { cpu: "2" })],
    [at("low1", "n1", 1), at("low5", "n1", 5), at("mid", "n2", 50), at("n2-other", "n2", 1)],
  );
  const pod = makePod("urgent", { cpu: "1", spec: { priority: 100 } });
  assert.ok("failure" in s.scheduleOne(pod));
  const r = s.preempt(pod);
  assert.ok("node" in r);
  // n1 costs one pod of priority 1 (low5 is reprieved), n2 one of priority 1 too: ties go to fewer and lower, then the first.
  assert.equal(r.victims.length, 1);
  assert.equal(priorityOfVictim(r), 1);
  // The cache is untouched: the pod still fits nowhere until victims go.
  assert.ok("failure" in s.scheduleOne(pod));
});

const priorityOfVictim = (r: PreemptionResult) => ("node" in r ? (r.victims[0].spec as { priority: number }).priority : -1);

test("prefers the node whose victims are least important", () => {
  const s = cluster([makeNode("a", { cpu: "1" }), makeNode("b", { cpu: "1" })], [at("imp", "a", 90), at("cheap", "b", 10)]);
  const r = s.preempt(makePod("p", { cpu: "1", spec: { priority: 100 } }));
  assert.deepEqual(["node" in r && r.node, victimsOf(r)], ["b", ["cheap"]]);
});

test("needs several victims when one is not enough", () => {
  const s = cluster([makeNode("a", { cpu: "3" })], [at("x", "a", 1), at("y", "a", 2), at("z", "a", 3)]);
  const r = s.preempt(makePod("p", { cpu: "2", spec: { priority: 10 } }));
  // Reprieve the most important first: z stays, x and y go.
  assert.deepEqual(victimsOf(r), ["x", "y"]);
});

test("why preemption cannot help, as kube-scheduler words it", () => {
  const s = cluster(
    [makeNode("same", { cpu: "1" }), makeNode("tainted", { cpu: "1", taints: [{ key: "gpu", effect: "NoSchedule" }] }), makeNode("higher", { cpu: "1" })],
    [at("peer", "same", 100), at("boss", "higher", 1000)],
  );
  const r = s.preempt(makePod("p", { cpu: "1", spec: { priority: 100 } }));
  assert.equal(victimsOf(r), "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.");
  assert.equal(victimsOf(s.preempt(makePod("q", { cpu: "1", spec: { priority: 5000, preemptionPolicy: "Never" } }))), "preemption: not eligible due to preemptionPolicy=Never.");
  // No nodes at all: "no nodes available to schedule pods" alone, no preemption part.
  assert.equal(victimsOf(cluster([], []).preempt(makePod("r", { cpu: "1", spec: { priority: 100 } }))), "");
});

test("a nominated pod waits while its victims terminate", () => {
  const terminating = at("going", "n", 1);
  terminating.metadata.deletionTimestamp = "2026-01-01T00:00:05Z";
  const s = cluster([makeNode("n", { cpu: "1" })], [terminating]);
  const pod = { ...makePod("p", { cpu: "1", spec: { priority: 10 } }), status: { phase: "Pending", nominatedNodeName: "n" } };
  assert.equal(victimsOf(s.preempt(pod)), "preemption: not eligible due to a terminating pod on the nominated node.");
});

test("scheduleBatch preempts: victims get DisruptionTarget, a Preempted event and are deleted; the preemptor is nominated, then bound", async () => {
  const fc = new FakeCluster();
  const cache = new SchedulerCache();
  cache.onNode("ADDED", fc.seed("nodes", makeNode("n1", { cpu: "1" })));
  // Created as the API would store them (defaults applied), so the scheduler's status patches validate.
  const create = (pod: KObject) => {
    delete pod.metadata.uid;
    delete pod.metadata.creationTimestamp;
    delete pod.status;
    return fc.create("pods", pod);
  };
  const victim = await create(at("batch", "n1", 0));
  cache.onPod("ADDED", victim);
  const sched = new Scheduler({ cache, random: seeded(2), lookup: lookupFromLister(fc) });
  const urgent = await create(makePod("urgent", { cpu: "1", spec: { priority: 1000 } }));
  const ctx = fc.context();
  const r = await scheduleBatch([urgent], ctx, sched);
  assert.equal(r.bound, 0);
  assert.equal(fc.get("pods", "default", "batch"), undefined, "victim deleted");
  // The DisruptionTarget status write comes before the delete.
  assert.ok(fc.writes.indexOf("status pods default/batch") >= 0 && fc.writes.indexOf("status pods default/batch") < fc.writes.indexOf("delete pods default/batch"), fc.writes.join("\n"));
  assert.deepEqual(
    fc.events.filter((e) => e.reason === "Preempted"),
    [{ object: "Pod/batch", type: "Normal", reason: "Preempted", message: `Preempted by pod ${urgent.metadata.uid} on node n1` }],
  );
  const nominated = fc.get("pods", "default", "urgent")!;
  assert.equal((nominated.status as { nominatedNodeName?: string }).nominatedNodeName, "n1");
  // The victim's deletion reaches the cache; the next cycle binds the preemptor.
  cache.onPod("DELETED", victim);
  const again = await scheduleBatch([nominated], ctx, sched);
  assert.equal(again.bound, 1);
  assert.equal((fc.get("pods", "default", "urgent")!.spec as { nodeName?: string }).nodeName, "n1");
});

test("a nominated pod's room is held against lower-priority pods, not against higher ones", () => {
  const s = cluster([makeNode("n", { cpu: "1" })], []);
  const preemptor = makePod("p", { cpu: "1", spec: { priority: 100 } });
  s.cache.nominate(preemptor, "n");
  assert.ok("failure" in s.scheduleOne(makePod("low", { cpu: "1", spec: { priority: 10 } })), "lower priority: the room is taken");
  assert.deepEqual(s.scheduleOne(makePod("higher", { cpu: "1", spec: { priority: 500 } })), { node: "n" });
  assert.deepEqual(s.scheduleOne(preemptor), { node: "n" }, "the nominee itself fits");
  // The nomination follows the pod's status, and ends when it is bound.
  s.cache.onPod("MODIFIED", { ...preemptor, spec: { ...(preemptor.spec as object), nodeName: "n" } });
  assert.equal(s.cache.nominatedOn("n").size, 0);
  s.cache.onPod("DELETED", preemptor);
  s.cache.onPod("ADDED", { ...makePod("q", { cpu: "1", spec: { priority: 100 } }), status: { phase: "Pending", nominatedNodeName: "n" } });
  assert.equal(s.cache.nominatedOn("n").size, 1);
});

test("prefers victims no PodDisruptionBudget protects, even of higher priority", () => {
  const cache = new SchedulerCache();
  for (const n of [makeNode("a", { cpu: "1" }), makeNode("b", { cpu: "1" })]) cache.onNode("ADDED", n);
  cache.onPod("ADDED", at("guarded", "a", 1, { labels: { app: "db" } }));
  cache.onPod("ADDED", at("free", "b", 50, { labels: { app: "web" } }));
  const budget = (allowed: number): KObject => ({ metadata: { name: "db", namespace: "default" }, spec: { selector: { matchLabels: { app: "db" } } }, status: { disruptionsAllowed: allowed } });
  let budgets = [budget(0)];
  const s = new Scheduler({ cache, random: seeded(1), lookup: { persistentVolumeClaim: () => undefined, persistentVolume: () => undefined, namespace: () => undefined, disruptionBudgets: () => budgets } });
  const pod = makePod("p", { cpu: "1", spec: { priority: 100 } });
  assert.deepEqual(victimsOf(s.preempt(pod)), ["free"]);
  // With a disruption allowed, the least important victim wins again.
  budgets = [budget(1)];
  assert.deepEqual(victimsOf(s.preempt(pod)), ["guarded"]);
});
