/** The disruption controller's budget arithmetic, and evictions spending the budget it keeps. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../apimachinery/status.js";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import { evict, PDB, type BudgetStatus } from "../../registry/kinds/policy/poddisruptionbudget.js";
import { disruptionController } from "./index.js";

function pod(name: string, o: { ready?: boolean; owner?: KObject; phase?: string; labels?: Record<string, string> } = {}): KObject {
  return {
    metadata: {
      name,
      namespace: "default",
      labels: o.labels ?? { app: "web" },
      ...(o.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: o.owner.kind ?? "", name: o.owner.metadata.name ?? "", uid: o.owner.metadata.uid ?? "", controller: true }] } : {}),
    },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "nginx" }] },
    status: { phase: o.phase ?? "Running", conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }] },
  };
}

const budget = (spec: Record<string, unknown>, name = "web"): KObject => ({ metadata: { name, namespace: "default", generation: 1 }, spec: { selector: { matchLabels: { app: "web" } }, ...spec } });
const status = (f: FakeCluster, name = "web") => (f.get(PDB, "default", name)?.status ?? {}) as BudgetStatus;
const sync = (f: FakeCluster, name = "web") => disruptionController.reconcile({ namespace: "default", name }, f.context());
const ctx = (f: FakeCluster) => ({ now: f.clock, nowRfc3339: new Date(f.clock).toISOString().replace(/\.\d+Z$/, "Z"), user: { username: "t", groups: [] } });

test("an integer minAvailable counts the selected pods; healthy means Ready", async () => {
  const f = new FakeCluster();
  f.seed(PDB, budget({ minAvailable: 2 }));
  for (const n of ["a", "b", "c"]) f.seed("pods", pod(n));
  f.seed("pods", pod("d", { ready: false }));
  f.seed("pods", pod("other", { labels: { app: "db" } }));
  await sync(f);
  const s = status(f);
  assert.deepEqual([s.expectedPods, s.desiredHealthy, s.currentHealthy, s.disruptionsAllowed, s.observedGeneration], [4, 2, 3, 1, 1]);
  assert.deepEqual(s.conditions?.map((c) => [c.type, c.status, c.reason]), [["DisruptionAllowed", "True", "SufficientPods"]]);
  const writes = f.writes.length;
  await sync(f);
  assert.equal(f.writes.length, writes, "no write when nothing changed");
});

test("maxUnavailable and percentages count the replicas the controllers want (a Deployment through its ReplicaSet)", async () => {
  const f = new FakeCluster();
  const d = f.seed("deployments.apps", { metadata: { name: "web", namespace: "default" }, spec: { replicas: 4 } });
  const rs = f.seed("replicasets.apps", {
    metadata: { name: "web-1", namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid ?? "", controller: true }] },
    spec: { replicas: 4 },
  });
  for (const n of ["a", "b", "c"]) f.seed("pods", pod(n, { owner: { ...rs, kind: "ReplicaSet" } }));
  f.seed(PDB, budget({ maxUnavailable: 1 }));
  await sync(f);
  assert.deepEqual([status(f).expectedPods, status(f).desiredHealthy, status(f).currentHealthy, status(f).disruptionsAllowed], [4, 3, 3, 0]);
  assert.equal(status(f).conditions?.[0].reason, "InsufficientPods");
  f.seed(PDB, budget({ minAvailable: "50%" }));
  await sync(f);
  assert.deepEqual([status(f).desiredHealthy, status(f).disruptionsAllowed], [2, 1]);
  // A selected pod without a controller: the budget allows nothing.
  f.seed("pods", pod("stray"));
  await sync(f);
  assert.deepEqual([status(f).disruptionsAllowed, status(f).conditions?.[0].reason], [0, "SyncFailed"]);
});

test("an eviction spends the budget in the same write; the next one is refused with 429 until the pod is gone", async () => {
  const f = new FakeCluster();
  f.seed(PDB, budget({ minAvailable: 2 }));
  for (const n of ["a", "b", "c"]) f.seed("pods", pod(n));
  await sync(f);
  const pdb = f.get(PDB, "default", "web")!;
  const first = evict(f.get("pods", "default", "a")!, [structuredClone(pdb)], ctx(f));
  assert.equal(first.result, "delete");
  const marked = (first.statusBeforeDelete?.status as { conditions?: unknown[] } | undefined)?.conditions?.at(-1);
  assert.deepEqual(marked, { type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting", lastTransitionTime: ctx(f).nowRfc3339 });
  const spent = first.update[0].status as BudgetStatus;
  assert.equal(spent.disruptionsAllowed, 0);
  assert.deepEqual(Object.keys(spent.disruptedPods ?? {}), ["a"]);
  f.seed(PDB, first.update[0]);
  assert.throws(
    () => evict(f.get("pods", "default", "b")!, [structuredClone(f.get(PDB, "default", "web")!)], ctx(f)),
    (e: ApiError) => e.code === 429 && e.message === "Cannot evict pod as it would violate the pod's disruption budget." && e.details?.causes?.[0].message === "The disruption budget web needs 2 healthy pods and has 3 currently",
  );
  // The controller keeps "a" counted as disrupted while it is still there (not healthy), for two minutes.
  await sync(f);
  assert.deepEqual([status(f).currentHealthy, status(f).disruptionsAllowed], [2, 0]);
  f.clock += 3 * 60_000;
  await sync(f);
  assert.deepEqual([status(f).currentHealthy, status(f).disruptionsAllowed, status(f).disruptedPods], [3, 1, undefined]);
});

test("pods not running, unready pods while the budget holds, and pods no budget selects are evicted at once; two budgets are an error", async () => {
  const f = new FakeCluster();
  const pdb = budget({ minAvailable: 5 });
  pdb.status = { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 5 };
  const deleted = (o: ReturnType<typeof evict>) => o.result === "delete" && o.update.length === 0 && !!o.statusBeforeDelete;
  assert.ok(deleted(evict(pod("p", { phase: "Pending" }), [pdb], ctx(f))));
  assert.ok(deleted(evict(pod("q", { labels: { app: "db" } }), [pdb], ctx(f))));
  assert.throws(() => evict(pod("r", { ready: false }), [pdb], ctx(f)), /disruption budget/, "IfHealthyBudget: unready pods wait while the budget is not met");
  assert.ok(deleted(evict(pod("r", { ready: false }), [{ ...pdb, spec: { ...(pdb.spec as object), unhealthyPodEvictionPolicy: "AlwaysAllow" } }], ctx(f))));
  const unprocessed = budget({ minAvailable: 1 });
  assert.throws(() => evict(pod("s"), [unprocessed], ctx(f)), (e: ApiError) => e.code === 429 && /still being processed/.test(e.details?.causes?.[0].message ?? ""));
  assert.throws(() => evict(pod("t"), [pdb, budget({ minAvailable: 1 }, "second")], ctx(f)), /more than one PodDisruptionBudget/);
});
