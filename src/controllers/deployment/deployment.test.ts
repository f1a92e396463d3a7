import { test } from "node:test";
import assert from "node:assert/strict";
import type { DeploymentCondition } from "kubernetes-types/apps/v1";
import { FakeCluster } from "../fake.js";
import { isPodReady, type Pod } from "../common/pods.js";
import { computeHash } from "../common/hash.js";
import { semanticNormal } from "../common/semantic.js";
import { readyPods, settle } from "../common/testing.js";
import { replicaSetController } from "../replicaset/index.js";
import { REPLICASETS, type ReplicaSet } from "../replicaset/types.js";
import { deploymentController } from "./index.js";
import { DEPLOYMENTS, type Deployment, type WorkingCopy } from "./types.js";

const NS = "default";
const key = { namespace: NS, name: "web" };
const controllers = [replicaSetController, deploymentController];

async function newDeployment(fc: FakeCluster, spec: Record<string, unknown> = {}): Promise<Deployment> {
  return (await fc.create(DEPLOYMENTS, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: NS },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } },
      ...spec,
    },
  })) as Deployment;
}

const dep = (fc: FakeCluster): WorkingCopy => {
  const d = fc.get(DEPLOYMENTS, NS, "web") as Deployment;
  return { ...d, status: d.status ?? {} };
};
const replicaSets = (fc: FakeCluster) => (fc.list(REPLICASETS, NS) as ReplicaSet[]).sort((a, b) => rev(a) - rev(b));
const rev = (o: { metadata: { annotations?: Record<string, string> } }) => Number(o.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
const image = (o: { spec?: { containers: { image?: string }[] } } | undefined) => o?.spec?.containers[0].image;
const pods = (fc: FakeCluster) => fc.list("pods", NS) as Pod[];
const cond = (d: WorkingCopy, type: string) => d.status.conditions?.find((c) => c.type === type) as DeploymentCondition | undefined;
const setImage = (fc: FakeCluster, img: string) => fc.patch(DEPLOYMENTS, NS, "web", { spec: { template: { spec: { containers: [{ name: "c", image: img }] } } } });
const events = (fc: FakeCluster, reason = "ScalingReplicaSet") => fc.events.filter((e) => e.reason === reason).map((e) => e.message);

/** kubectl rollout status's DeploymentStatusViewer. */
function rolloutStatus(d: WorkingCopy): string {
  if ((d.metadata.generation ?? 0) > (d.status.observedGeneration ?? 0)) return "Waiting for deployment spec update to be observed...";
  if (cond(d, "Progressing")?.reason === "ProgressDeadlineExceeded") return `deployment "web" exceeded its progress deadline`;
  const s = d.status;
  if ((s.updatedReplicas ?? 0) < d.spec.replicas) return `${s.updatedReplicas ?? 0} out of ${d.spec.replicas} new replicas have been updated...`;
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return `${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas are pending termination...`;
  if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0)) return `${s.availableReplicas ?? 0} of ${s.updatedReplicas} updated replicas are available...`;
  return `deployment "web" successfully rolled out`;
}

/** Run the controllers, letting one more pod turn ready each time they settle, until the rollout is done. */
async function rollOut(fc: FakeCluster, check: () => void = () => {}, perStep = 1): Promise<void> {
  for (let i = 0; i < 500; i++) {
    await settle(fc, controllers, check);
    if (rolloutStatus(dep(fc)).endsWith("successfully rolled out")) return;
    if ((await readyPods(fc, NS, perStep)) === 0) assert.fail(`rollout stuck: ${rolloutStatus(dep(fc))}`);
  }
  assert.fail("rollout did not finish");
}

test("a Deployment gets a ReplicaSet named by its template hash, pods, revision 1 and a complete status", async () => {
  const fc = new FakeCluster();
  const d0 = await newDeployment(fc);
  await settle(fc, controllers);
  const [rs] = replicaSets(fc);
  const hash = computeHash(semanticNormal(d0.spec.template));
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.deepEqual(rs.metadata.labels, { app: "web", "pod-template-hash": hash });
  assert.deepEqual(rs.spec.selector, { matchLabels: { app: "web", "pod-template-hash": hash } });
  assert.deepEqual(rs.spec.template.metadata?.labels, { app: "web", "pod-template-hash": hash });
  assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d0.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(rs.metadata.annotations, { "deployment.kubernetes.io/revision": "1", "deployment.kubernetes.io/desired-replicas": "3", "deployment.kubernetes.io/max-replicas": "4" });
  assert.equal(rev(dep(fc)), 1);
  assert.deepEqual(events(fc), [`Scaled up replica set web-${hash} to 3`]);
  assert.equal(pods(fc).length, 3);
  assert.ok(pods(fc).every((p) => p.metadata.labels?.["pod-template-hash"] === hash));
  assert.equal(cond(dep(fc), "Progressing")?.reason, "ReplicaSetUpdated");
  assert.match(rolloutStatus(dep(fc)), /0 of 3 updated replicas are available/);

  await rollOut(fc);
  const d = dep(fc);
  assert.deepEqual(
    { ...d.status, conditions: undefined },
    { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined },
  );
  assert.deepEqual(
    d.status.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
    [
      ["Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."],
      ["Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "web-${hash}" has successfully progressed.`],
    ],
  );
});

/** Every reconcile of a rollout keeps pods within replicas + maxSurge and available ones at replicas - maxUnavailable or more. */
for (const [maxSurge, maxUnavailable, surge, unavailable] of [
  [3, 2, 3, 2],
  ["25%", "25%", 3, 2],
  [0, 1, 0, 1],
  [1, 0, 1, 0],
  ["0%", "5%", 0, 1],
] as const) {
  test(`an image change rolls out 10 replicas within maxSurge=${maxSurge} maxUnavailable=${maxUnavailable} at every step`, async () => {
    const fc = new FakeCluster();
    await newDeployment(fc, { replicas: 10, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } } });
    await rollOut(fc, () => {}, 10);
    await setImage(fc, "nginx:1.26");
    let steps = 0;
    const seen = { maxPods: 0, minAvailable: 10 };
    const check = () => {
      const ps = pods(fc);
      const available = ps.filter(isPodReady).length;
      const desired = replicaSets(fc).reduce((n, rs) => n + rs.spec.replicas, 0);
      assert.ok(ps.length <= 10 + surge, `${ps.length} pods > ${10 + surge}`);
      assert.ok(desired <= 10 + surge, `${desired} desired replicas > ${10 + surge}`);
      assert.ok(available >= 10 - unavailable, `${available} available < ${10 - unavailable}`);
      seen.maxPods = Math.max(seen.maxPods, ps.length);
      seen.minAvailable = Math.min(seen.minAvailable, available);
      steps++;
    };
    await rollOut(fc, check);
    assert.ok(steps > 20);
    assert.deepEqual(seen, { maxPods: 10 + surge, minAvailable: 10 - unavailable }, "the bounds are used, not just respected");
    const [old, cur] = replicaSets(fc);
    assert.deepEqual([old.spec.replicas, cur.spec.replicas], [0, 10]);
    assert.ok(pods(fc).every((p) => image(p) === "nginx:1.26"));
    assert.equal(rev(dep(fc)), 2);
    assert.ok(events(fc).some((m) => new RegExp(`^Scaled down replica set ${old.metadata.name} to \\d+ from \\d+$`).test(m)));
    assert.equal(rolloutStatus(dep(fc)), `deployment "web" successfully rolled out`);
  });
}

test("Recreate scales the old ReplicaSet to 0 and waits for its pods to be gone before creating the new one", async () => {
  const fc = new FakeCluster();
  await newDeployment(fc, { strategy: { type: "Recreate" } });
  await rollOut(fc, () => {}, 3);
  await setImage(fc, "nginx:1.26");
  await deploymentController.reconcile(key, fc.context());
  assert.deepEqual(replicaSets(fc).map((rs) => rs.spec.replicas), [0]);
  await deploymentController.reconcile(key, fc.context());
  assert.equal(replicaSets(fc).length, 1, "old pods still exist: no new ReplicaSet yet");
  // A pod of the old ReplicaSet going away wakes the Deployment.
  assert.deepEqual(deploymentController.watches![1].map(pods(fc)[0], fc), [key]);
  await rollOut(fc, () => {
    const images = new Set(pods(fc).map(image));
    assert.ok(images.size <= 1, "old and new pods never run together");
  }, 3);
  const [old, cur] = replicaSets(fc);
  assert.deepEqual([old.spec.replicas, cur.spec.replicas], [0, 3]);
  assert.deepEqual(events(fc).slice(1), [`Scaled down replica set ${old.metadata.name} to 0 from 3`, `Scaled up replica set ${cur.metadata.name} to 3`]);
});

test("scaling during a rollout scales every active ReplicaSet proportionally", async () => {
  const fc = new FakeCluster();
  await newDeployment(fc, { replicas: 10, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
  await rollOut(fc, () => {}, 10);
  await setImage(fc, "nginx:1.26");
  await settle(fc, controllers);
  assert.deepEqual(replicaSets(fc).map((rs) => rs.spec.replicas), [8, 5]);
  await fc.patch(DEPLOYMENTS, NS, "web", { spec: { replicas: 20 } });
  await deploymentController.reconcile(key, fc.context());
  const [old, cur] = replicaSets(fc);
  assert.deepEqual([old.spec.replicas, cur.spec.replicas], [14, 9]);
  for (const rs of [old, cur]) {
    assert.equal(rs.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"], "20");
    assert.equal(rs.metadata.annotations?.["deployment.kubernetes.io/max-replicas"], "23");
  }
  assert.deepEqual(events(fc).slice(-2), [`Scaled up replica set ${old.metadata.name} to 14 from 8`, `Scaled up replica set ${cur.metadata.name} to 9 from 5`]);
  await rollOut(fc, () => {}, 4);
  assert.deepEqual(replicaSets(fc).map((rs) => rs.spec.replicas), [0, 20]);
  await fc.patch(DEPLOYMENTS, NS, "web", { spec: { replicas: 0 } });
  await settle(fc, controllers);
  assert.deepEqual(replicaSets(fc).map((rs) => rs.spec.replicas), [0, 0]);
  assert.equal(pods(fc).length, 0);
});

test("rolling back to an old template (kubectl rollout undo) reuses its ReplicaSet with the next revision", async () => {
  const fc = new FakeCluster();
  await newDeployment(fc);
  await rollOut(fc, () => {}, 3);
  await setImage(fc, "nginx:1.26");
  await rollOut(fc, () => {}, 3);
  const [first] = replicaSets(fc);
  // What kubectl sends: the old ReplicaSet's template without pod-template-hash, as Go marshals it.
  const template = structuredClone(first.spec.template);
  delete template.metadata!.labels!["pod-template-hash"];
  const d = dep(fc);
  await fc.update(DEPLOYMENTS, { ...d, spec: { ...d.spec, template: { ...template, metadata: { ...template.metadata, creationTimestamp: null } } } });
  await rollOut(fc, () => {}, 3);
  const list = replicaSets(fc);
  assert.equal(list.length, 2, "no duplicate ReplicaSet");
  const [second, back] = list;
  assert.equal(back.metadata.uid, first.metadata.uid);
  assert.equal(back.metadata.annotations?.["deployment.kubernetes.io/revision"], "3");
  assert.equal(back.metadata.annotations?.["deployment.kubernetes.io/revision-history"], "1");
  assert.equal(rev(second), 2);
  assert.equal(rev(dep(fc)), 3);
  assert.deepEqual([second.spec.replicas, back.spec.replicas], [0, 3]);
  assert.ok(pods(fc).every((p) => image(p) === "nginx:1.25"));
  assert.equal(rolloutStatus(dep(fc)), `deployment "web" successfully rolled out`);
});

test("old ReplicaSets beyond revisionHistoryLimit are deleted once scaled down", async () => {
  const fc = new FakeCluster();
  await newDeployment(fc, { revisionHistoryLimit: 1 });
  for (const img of ["nginx:1.25", "nginx:1.26", "nginx:1.27", "nginx:1.28"]) {
    await setImage(fc, img);
    await rollOut(fc, () => {}, 3);
  }
  const list = replicaSets(fc);
  assert.deepEqual(list.map((rs) => [rev(rs), image(rs.spec.template), rs.spec.replicas]), [
    [3, "nginx:1.27", 0],
    [4, "nginx:1.28", 3],
  ]);
});

test("a paused Deployment is scaled but not rolled out until resumed", async () => {
  const fc = new FakeCluster();
  await newDeployment(fc);
  await rollOut(fc, () => {}, 3);
  await fc.patch(DEPLOYMENTS, NS, "web", { spec: { paused: true, replicas: 5, template: { spec: { containers: [{ name: "c", image: "nginx:1.26" }] } } } });
  await settle(fc, controllers);
  await readyPods(fc);
  await settle(fc, controllers);
  let d = dep(fc);
  assert.equal(replicaSets(fc).length, 1, "no new ReplicaSet while paused");
  assert.equal(replicaSets(fc)[0].spec.replicas, 5, "but scaled");
  assert.equal(d.status.observedGeneration, d.metadata.generation);
  assert.deepEqual([cond(d, "Progressing")?.status, cond(d, "Progressing")?.reason, cond(d, "Progressing")?.message], ["Unknown", "DeploymentPaused", "Deployment is paused"]);
  assert.equal(d.status.updatedReplicas, undefined);

  await fc.patch(DEPLOYMENTS, NS, "web", { spec: { paused: false } });
  await deploymentController.reconcile(key, fc.context());
  d = dep(fc);
  assert.equal(replicaSets(fc).length, 2);
  assert.equal(cond(d, "Progressing")?.reason, "NewReplicaSetCreated");
  await rollOut(fc, () => {}, 5);
  assert.ok(pods(fc).every((p) => image(p) === "nginx:1.26"));
  assert.equal(pods(fc).length, 5);
});

test("a rollout that makes no progress for progressDeadlineSeconds is marked ProgressDeadlineExceeded", async () => {
  const fc = new FakeCluster();
  await newDeployment(fc, { replicas: 2, progressDeadlineSeconds: 60 });
  await settle(fc, controllers);
  const r = await deploymentController.reconcile(key, fc.context());
  assert.deepEqual(r, { requeueAfterMs: 61_000 });
  fc.clock += 30_000;
  await settle(fc, controllers);
  assert.equal(cond(dep(fc), "Progressing")?.status, "True");
  fc.clock += 31_000;
  assert.equal(await deploymentController.reconcile(key, fc.context()), undefined, "no more progress checks");
  const c = cond(dep(fc), "Progressing")!;
  const [rs] = replicaSets(fc);
  assert.deepEqual([c.status, c.reason, c.message], ["False", "ProgressDeadlineExceeded", `ReplicaSet "${rs.metadata.name}" has timed out progressing.`]);
  assert.equal(rolloutStatus(dep(fc)), `deployment "web" exceeded its progress deadline`);
  assert.deepEqual([cond(dep(fc), "Available")?.status, cond(dep(fc), "Available")?.reason], ["False", "MinimumReplicasUnavailable"]);
  // Pods turning ready complete the rollout after all.
  await readyPods(fc);
  await settle(fc, controllers);
  assert.equal(cond(dep(fc), "Progressing")?.reason, "NewReplicaSetAvailable");
});

test("a ReplicaSet name taken by another template bumps collisionCount and the hash", async () => {
  const fc = new FakeCluster();
  const d0 = await newDeployment(fc);
  const taken = `web-${computeHash(semanticNormal(d0.spec.template))}`;
  await fc.create(REPLICASETS, {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: taken, namespace: NS },
    spec: { replicas: 0, selector: { matchLabels: { app: "other" } }, template: { metadata: { labels: { app: "other" } }, spec: { containers: [{ name: "c", image: "x" }] } } },
  });
  await assert.rejects(deploymentController.reconcile(key, fc.context()), /already exists/);
  assert.equal(dep(fc).status.collisionCount, 1);
  await settle(fc, controllers);
  const mine = replicaSets(fc).filter((rs) => rs.metadata.ownerReferences?.length);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].metadata.name, `web-${computeHash(semanticNormal(d0.spec.template), 1)}`);
  assert.notEqual(mine[0].metadata.name, taken);
});
