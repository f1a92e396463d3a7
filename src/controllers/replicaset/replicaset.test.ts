import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { ApiError } from "../../apimachinery/status.js";
import { isAlreadyExists } from "../common/errors.js";
import type { Pod } from "../common/pods.js";
import { readyPods, setPodState, settle } from "../common/testing.js";
import { replicaSetController, replicationControllerController } from "./index.js";
import { BURST_REPLICAS } from "./manage.js";
import { REPLICASETS, type ReplicaSet } from "./types.js";

const key = { namespace: "default", name: "web" };

async function newRS(fc: FakeCluster, replicas: number, extra: Record<string, unknown> = {}): Promise<ReplicaSet> {
  return (await fc.create(REPLICASETS, {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } },
      ...extra,
    },
  })) as ReplicaSet;
}

const pods = (fc: FakeCluster) => fc.list("pods", "default") as Pod[];
const rsOf = (fc: FakeCluster) => fc.get(REPLICASETS, "default", "web") as ReplicaSet;
const reconcile = (fc: FakeCluster) => replicaSetController.reconcile(key, fc.context());

async function scaleTo(fc: FakeCluster, replicas: number) {
  await fc.patch(REPLICASETS, "default", "web", { spec: { replicas } });
}

test("creates the missing pods from the template, owned by the ReplicaSet, and reports status", async () => {
  const fc = new FakeCluster();
  const rs = await newRS(fc, 3);
  await settle(fc, [replicaSetController]);
  const ps = pods(fc);
  assert.equal(ps.length, 3);
  for (const p of ps) {
    assert.match(p.metadata.name!, /^web-[a-z0-9]{5}$/);
    assert.equal(p.metadata.generateName, "web-");
    assert.deepEqual(p.metadata.labels, { app: "web", tier: "fe" });
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(p.spec?.containers[0].image, "nginx:1.25");
  }
  assert.deepEqual(
    fc.events.filter((e) => e.reason === "SuccessfulCreate").map((e) => e.message).sort(),
    ps.map((p) => `Created pod: ${p.metadata.name}`).sort(),
  );
  assert.deepEqual(rsOf(fc).status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });

  await readyPods(fc);
  await settle(fc, [replicaSetController]);
  assert.deepEqual(rsOf(fc).status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
});

test("replaces deleted pods and pods that failed or succeeded", async () => {
  const fc = new FakeCluster();
  await newRS(fc, 3);
  await settle(fc, [replicaSetController]);
  const [a, b] = pods(fc);
  await fc.delete("pods", "default", a.metadata.name!);
  await setPodState(fc, b, { phase: "Failed", ready: false });
  await settle(fc, [replicaSetController]);
  const active = pods(fc).filter((p) => p.status?.phase !== "Failed");
  assert.equal(active.length, 3);
  assert.ok(!active.some((p) => p.metadata.name === a.metadata.name || p.metadata.name === b.metadata.name));
  assert.equal(pods(fc).length, 4, "the failed pod is left for pod GC");
  assert.equal(rsOf(fc).status?.replicas, 3);
});

test("scales down the least useful pods first", async () => {
  const fc = new FakeCluster();
  await newRS(fc, 7);
  await settle(fc, [replicaSetController]);
  const ps = pods(fc);
  // One pod per ranking rule, from most to least deletable.
  const [unscheduled, pending, unknown, notReady, restarted, newer, older] = ps;
  const named = new Map<string, string>();
  const place = async (p: Pod) => fc.bind("default", p.metadata.name!, "node-1");
  await place(pending);
  await place(unknown);
  await setPodState(fc, fc.get("pods", "default", unknown.metadata.name!) as Pod, { phase: "Unknown", ready: false });
  for (const [p, s] of [
    [notReady, { ready: false }],
    [restarted, { restarts: 5 }],
    [older, {}],
  ] as const) {
    await place(p);
    await setPodState(fc, fc.get("pods", "default", p.metadata.name!) as Pod, s);
  }
  fc.clock += 10_000;
  await place(newer);
  await setPodState(fc, fc.get("pods", "default", newer.metadata.name!) as Pod, { readySince: fc.clock });
  for (const [n, p] of Object.entries({ unscheduled, pending, unknown, notReady, restarted, newer, older })) named.set(p.metadata.name!, n);

  const order: string[] = [];
  for (let replicas = 6; replicas >= 1; replicas--) {
    const before = new Set(pods(fc).map((p) => p.metadata.name));
    await scaleTo(fc, replicas);
    await reconcile(fc);
    const after = new Set(pods(fc).map((p) => p.metadata.name));
    const gone = [...before].filter((n) => !after.has(n));
    assert.equal(gone.length, 1);
    order.push(named.get(gone[0]!)!);
    assert.ok(fc.events.some((e) => e.reason === "SuccessfulDelete" && e.message === `Deleted pod: ${gone[0]}`));
  }
  // newer became ready later than restarted (ready time ranks before restarts).
  assert.deepEqual(order, ["unscheduled", "pending", "unknown", "notReady", "newer", "restarted"]);
  assert.equal(named.get(pods(fc)[0].metadata.name!), "older");
});

test("adopts matching orphans and releases pods that stop matching", async () => {
  const fc = new FakeCluster();
  const orphan = await fc.create("pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "stray", namespace: "default", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "x" }] } });
  await fc.create("pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "other", namespace: "default", labels: { app: "db" } }, spec: { containers: [{ name: "c", image: "x" }] } });
  const rs = await newRS(fc, 2);
  // The pod watch maps the orphan to the ReplicaSet whose selector matches it.
  assert.deepEqual(replicaSetController.watches![0].map(orphan, fc), [key]);
  await settle(fc, [replicaSetController]);
  const adopted = fc.get("pods", "default", "stray") as Pod;
  assert.equal(adopted.metadata.ownerReferences?.[0].uid, rs.metadata.uid);
  assert.equal(pods(fc).filter((p) => p.metadata.labels?.app === "web").length, 2, "one adopted, one created");
  assert.equal(fc.get("pods", "default", "other")?.metadata.ownerReferences, undefined);

  await fc.patch("pods", "default", "stray", { metadata: { labels: { app: "debug" } } });
  await settle(fc, [replicaSetController]);
  assert.deepEqual(fc.get("pods", "default", "stray")?.metadata.ownerReferences, [], "released");
  assert.equal(pods(fc).filter((p) => p.metadata.labels?.app === "web").length, 2, "and replaced");
  assert.equal(rsOf(fc).status?.fullyLabeledReplicas, 2);
});

test("1,000 replicas are created within a few reconciles, at most a burst of 500 each", async () => {
  const fc = new FakeCluster();
  await newRS(fc, 1000);
  const counts: number[] = [];
  for (let pass = 0; pass < 4 && pods(fc).length < 1000; pass++) {
    // A generateName collision (one name in 27^5) fails a create as on a real apiserver; the next pass retries.
    const r = await reconcile(fc).catch((e) => {
      if (!isAlreadyExists(e)) throw e;
    });
    counts.push(pods(fc).length);
    if (pass === 0 && counts[0] === BURST_REPLICAS) assert.deepEqual(r, { requeueAfterMs: 0 }, "more to do: at once");
  }
  assert.ok(counts[0] <= BURST_REPLICAS);
  assert.equal(pods(fc).length, 1000);
  assert.equal(rsOf(fc).status?.replicas, 1000);
});

test("availableReplicas waits for minReadySeconds and the ReplicaSet is requeued for it", async () => {
  const fc = new FakeCluster();
  await newRS(fc, 2, { minReadySeconds: 30 });
  await settle(fc, [replicaSetController]);
  await readyPods(fc);
  fc.clock += 10_000;
  const r = await reconcile(fc);
  assert.equal(rsOf(fc).status?.readyReplicas, 2);
  assert.equal(rsOf(fc).status?.availableReplicas, undefined);
  assert.deepEqual(r, { requeueAfterMs: 20_001 });
  fc.clock += 20_001;
  assert.equal(await reconcile(fc), undefined);
  assert.equal(rsOf(fc).status?.availableReplicas, 2);
});

test("a failing create stops the batch, sets ReplicaFailure and records FailedCreate; success clears it", async () => {
  const fc = new FakeCluster();
  await newRS(fc, 5);
  let calls = 0;
  const create = fc.create.bind(fc);
  fc.create = async () => {
    calls++;
    throw new ApiError(403, "Forbidden", 'pods "web-x" is forbidden: exceeded quota: q');
  };
  await assert.rejects(reconcile(fc), /exceeded quota/);
  fc.create = create;
  assert.equal(calls, 1, "slow start: the first batch is one pod");
  const cond = rsOf(fc).status?.conditions?.[0];
  assert.equal(cond?.type, "ReplicaFailure");
  assert.equal(cond?.reason, "FailedCreate");
  assert.match(cond?.message ?? "", /exceeded quota/);
  assert.ok(fc.events.some((e) => e.type === "Warning" && e.reason === "FailedCreate" && /^Error creating: .*exceeded quota/.test(e.message)));
  await settle(fc, [replicaSetController]);
  assert.equal(rsOf(fc).status?.conditions, undefined);
  assert.equal(pods(fc).length, 5);
});

test("a ReplicationController (label-map selector) keeps its pods as a ReplicaSet does, adopting matching orphans", async () => {
  const fc = new FakeCluster();
  const RC = "replicationcontrollers";
  await fc.create("pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "orphan", namespace: "default", labels: { app: "legacy" } }, spec: { containers: [{ name: "c", image: "nginx" }] } });
  await fc.create("pods", { apiVersion: "v1", kind: "Pod", metadata: { name: "stranger", namespace: "default", labels: { app: "other" } }, spec: { containers: [{ name: "c", image: "nginx" }] } });
  const rc = await fc.create(RC, {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name: "legacy", namespace: "default" },
    spec: { replicas: 3, selector: { app: "legacy" }, template: { metadata: { labels: { app: "legacy" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
  });
  await settle(fc, [replicationControllerController]);
  const mine = pods(fc).filter((p) => p.metadata.ownerReferences?.[0]?.uid === rc.metadata.uid);
  assert.equal(mine.length, 3, "the orphan adopted, two created");
  assert.ok(mine.some((p) => p.metadata.name === "orphan"));
  assert.equal(mine[0].metadata.ownerReferences?.[0].kind, "ReplicationController");
  assert.equal(fc.get("pods", "default", "stranger")?.metadata.ownerReferences, undefined);
  assert.equal((fc.get(RC, "default", "legacy")?.status as { replicas?: number }).replicas, 3);
  await fc.patch(RC, "default", "legacy", { spec: { replicas: 1 } });
  await settle(fc, [replicationControllerController]);
  assert.equal(pods(fc).filter((p) => p.metadata.labels?.app === "legacy" && !p.metadata.deletionTimestamp).length, 1);
});
