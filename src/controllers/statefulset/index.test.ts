import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import { statefulSetController as c } from "./index.js";
import { podNames, setPhase, settleKey as settle } from "../common/testing.js";
import type { Pod } from "../common/pods.js";

const RES = "statefulsets.apps";
const reconcile = (fc: FakeCluster, name = "web") => c.reconcile({ namespace: "default", name }, fc.context());

function web(extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace: "default" },
    spec: {
      serviceName: "web",
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      ...extra,
    },
  };
}

const pod = (fc: FakeCluster, name: string) => fc.get("pods", "default", name) as Pod;
const claimNames = (fc: FakeCluster) => fc.list("persistentvolumeclaims", "default").map((p) => p.metadata.name).sort();
const status = (fc: FakeCluster) => fc.get(RES, "default", "web")!.status as Record<string, unknown>;

async function update(fc: FakeCluster, change: (spec: Record<string, any>) => void) {
  const s = fc.get(RES, "default", "web")!;
  change(s.spec as Record<string, unknown>);
  await fc.update(RES, s);
}

/** Bring every pod up in ordinal order, as OrderedReady requires. */
async function bringUp(fc: FakeCluster) {
  for (let i = 0; i < 10; i++) {
    await settle(c, fc, "web");
    const pending = fc.list("pods", "default").filter((p) => (p as Pod).status?.phase === "Pending");
    if (!pending.length) return;
    for (const p of pending) await setPhase(fc, p.metadata.name!, "Running");
  }
}

test("OrderedReady: web-0, web-1, web-2 created in order, each after its predecessor is Running and Ready, each with its claim", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web());
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0"]);
  assert.deepEqual(claimNames(fc), ["data-web-0"]);
  assert.ok(fc.writes.indexOf("create persistentvolumeclaims default/data-web-0") < fc.writes.indexOf("create pods default/web-0"), "claim before pod");
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0"], "web-1 waits for web-0");
  await setPhase(fc, "web-0", "Running", false);
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0"], "running but not ready is not enough");
  await setPhase(fc, "web-0", "Running");
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1"]);
  await setPhase(fc, "web-1", "Running");
  await reconcile(fc);
  await setPhase(fc, "web-2", "Running");
  await settle(c, fc, "web");
  assert.deepEqual(podNames(fc), ["web-0", "web-1", "web-2"]);
  assert.deepEqual(claimNames(fc), ["data-web-0", "data-web-1", "data-web-2"]);
  assert.deepEqual(
    fc.writes.filter((w) => w.startsWith("create pods")),
    ["create pods default/web-0", "create pods default/web-1", "create pods default/web-2"],
  );

  const p = pod(fc, "web-1");
  const rev = (status(fc).updateRevision as string) ?? "";
  assert.match(rev, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.deepEqual(p.metadata.labels, { app: "web", "statefulset.kubernetes.io/pod-name": "web-1", "apps.kubernetes.io/pod-index": "1", "controller-revision-hash": rev });
  assert.equal(p.spec?.hostname, "web-1");
  assert.equal(p.spec?.subdomain, "web");
  assert.deepEqual(p.spec?.volumes?.filter((v) => !v.name.startsWith("kube-api-access-")), [{ name: "data", persistentVolumeClaim: { claimName: "data-web-1" } }]);
  assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [["StatefulSet", "web", true]]);
  const claim = fc.get("persistentvolumeclaims", "default", "data-web-1")!;
  assert.deepEqual(claim.metadata.labels, { app: "web" });
  assert.equal(claim.metadata.ownerReferences, undefined, "Retain: claims have no owner");

  assert.deepEqual(status(fc), {
    observedGeneration: 1,
    replicas: 3,
    readyReplicas: 3,
    currentReplicas: 3,
    updatedReplicas: 3,
    availableReplicas: 3,
    currentRevision: rev,
    updateRevision: rev,
    collisionCount: 0,
  });
  const created = fc.events.filter((e) => e.reason === "SuccessfulCreate").map((e) => e.message);
  assert.ok(created.includes("create Pod web-0 in StatefulSet web successful"));
  assert.ok(created.includes("create Claim data-web-0 Pod web-0 in StatefulSet web success"));
});

test("scale down removes the highest ordinal first, one at a time, and keeps the claims", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web());
  await bringUp(fc);
  await update(fc, (s) => (s.replicas = 1));
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1"]);
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0"]);
  assert.deepEqual(claimNames(fc), ["data-web-0", "data-web-1", "data-web-2"], "Retain keeps claims");
  assert.deepEqual(
    fc.events.filter((e) => e.reason === "SuccessfulDelete").map((e) => e.message),
    ["delete Pod web-2 in StatefulSet web successful", "delete Pod web-1 in StatefulSet web successful"],
  );
  await settle(c, fc, "web");
  assert.equal(status(fc).replicas, 1);
  // Scaling up again reuses the kept claims.
  await update(fc, (s) => (s.replicas = 2));
  await settle(c, fc, "web");
  assert.deepEqual(podNames(fc), ["web-0", "web-1"]);
  assert.equal(fc.writes.filter((w) => w === "create persistentvolumeclaims default/data-web-1").length, 1);
});

test("OrderedReady scale down waits while a predecessor is unhealthy", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web());
  await bringUp(fc);
  await setPhase(fc, "web-0", "Running", false);
  await update(fc, (s) => (s.replicas = 2));
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1", "web-2"]);
  await setPhase(fc, "web-0", "Running");
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1"]);
});

test("Parallel creates and deletes all pods at once", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web({ podManagementPolicy: "Parallel" }));
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1", "web-2"]);
  assert.deepEqual(claimNames(fc), ["data-web-0", "data-web-1", "data-web-2"]);
  await update(fc, (s) => (s.replicas = 0));
  await reconcile(fc);
  assert.deepEqual(podNames(fc), []);
});

test("a failed pod is deleted and recreated under the same name; a deleted one is recreated", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web());
  await bringUp(fc);
  const oldUid = pod(fc, "web-1").metadata.uid;
  await setPhase(fc, "web-1", "Failed");
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-2"]);
  assert.ok(fc.events.some((e) => e.reason === "RecreatingFailedPod" && e.message === "StatefulSet default/web is recreating failed Pod web-1"));
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1", "web-2"]);
  assert.notEqual(pod(fc, "web-1").metadata.uid, oldUid);
  await setPhase(fc, "web-1", "Running");
  await fc.delete("pods", "default", "web-2");
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1", "web-2"]);
});

test("RollingUpdate replaces pods from the highest ordinal down and honours the partition", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } }));
  await bringUp(fc);
  const oldRev = status(fc).updateRevision;
  await update(fc, (s) => (s.template.spec.containers[0].image = "nginx:1.26"));
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1"], "web-2 goes first");
  const st = status(fc);
  assert.notEqual(st.updateRevision, oldRev);
  assert.equal(st.currentRevision, oldRev);
  await bringUp(fc);
  const image = (n: string) => pod(fc, n).spec?.containers[0].image;
  assert.deepEqual(["web-0", "web-1", "web-2"].map(image), ["nginx:1.25", "nginx:1.25", "nginx:1.26"]);
  assert.equal(pod(fc, "web-2").metadata.labels?.["controller-revision-hash"], status(fc).updateRevision);
  assert.equal(status(fc).updatedReplicas, 1);
  assert.equal(status(fc).currentRevision, oldRev, "the rollout is not complete below the partition");

  // A pod below the partition is recreated at the current revision.
  await fc.delete("pods", "default", "web-0");
  await reconcile(fc);
  assert.equal(image("web-0"), "nginx:1.25");
  assert.equal(pod(fc, "web-0").metadata.labels?.["controller-revision-hash"], oldRev);

  const mark = fc.writes.length;
  await update(fc, (s) => (s.updateStrategy.rollingUpdate.partition = 0));
  await bringUp(fc);
  assert.deepEqual(fc.writes.slice(mark).filter((w) => w.startsWith("delete pods")), ["delete pods default/web-1", "delete pods default/web-0"]);
  assert.deepEqual(["web-0", "web-1", "web-2"].map(image), ["nginx:1.26", "nginx:1.26", "nginx:1.26"]);
  assert.equal(status(fc).currentRevision, status(fc).updateRevision);
  assert.equal(status(fc).currentReplicas, 3);
});

test("OnDelete leaves running pods alone; replacements get the new template", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web({ updateStrategy: { type: "OnDelete" } }));
  await bringUp(fc);
  await update(fc, (s) => (s.template.spec.containers[0].image = "nginx:1.26"));
  await settle(c, fc, "web");
  assert.deepEqual(podNames(fc), ["web-0", "web-1", "web-2"]);
  await fc.delete("pods", "default", "web-1");
  await reconcile(fc);
  assert.equal(pod(fc, "web-1").spec?.containers[0].image, "nginx:1.26");
  assert.equal(pod(fc, "web-0").spec?.containers[0].image, "nginx:1.25");
});

test("persistentVolumeClaimRetentionPolicy Delete: claims go with scaled-down pods and with the set", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web({ persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Delete" } }));
  await bringUp(fc);
  assert.deepEqual(fc.get("persistentvolumeclaims", "default", "data-web-0")!.metadata.ownerReferences?.map((r) => r.kind), ["StatefulSet"]);
  await update(fc, (s) => (s.replicas = 2));
  await reconcile(fc);
  assert.deepEqual(claimNames(fc), ["data-web-0", "data-web-1"]);
  await fc.delete(RES, "default", "web");
  assert.deepEqual(claimNames(fc), []);
});

test("minReadySeconds: the next pod waits until its predecessor has been ready that long", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web({ minReadySeconds: 10 }));
  await reconcile(fc);
  await setPhase(fc, "web-0", "Running");
  const r = await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0"]);
  assert.deepEqual(r, { requeueAfterMs: 10_001 });
  assert.equal(status(fc).availableReplicas, 0);
  fc.clock += 10_001;
  await reconcile(fc);
  assert.deepEqual(podNames(fc), ["web-0", "web-1"]);
  assert.equal(status(fc).availableReplicas, 1);
});

test("a claim maps to the sets whose selector it matches", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, web());
  await reconcile(fc);
  const claim = fc.get("persistentvolumeclaims", "default", "data-web-0")!;
  const map = c.watches!.find((w) => w.resource === "persistentvolumeclaims")!.map;
  assert.deepEqual(map(claim, fc), [{ namespace: "default", name: "web" }]);
  assert.deepEqual(map({ metadata: { name: "x", namespace: "default", labels: { app: "other" } } }, fc), []);
  // A deleted claim is recreated for its pod while the pod is Pending.
  await fc.delete("persistentvolumeclaims", "default", "data-web-0");
  await reconcile(fc);
  assert.deepEqual(claimNames(fc), ["data-web-0"]);
});

test("every template is a ControllerRevision; going back renumbers the old one; history is trimmed to revisionHistoryLimit", async () => {
  const fc = new FakeCluster();
  const set = web({ revisionHistoryLimit: 1 });
  set.metadata.annotations = { "kubernetes.io/change-cause": "first" };
  await fc.create(RES, set);
  await bringUp(fc);
  const revisions = () => fc.list("controllerrevisions.apps", "default").map((r) => [r.metadata.name, (r as unknown as { revision: number }).revision] as const).sort((a, b) => a[1] - b[1]);
  const first = status(fc).updateRevision as string;
  assert.deepEqual(revisions(), [[first, 1]]);
  const r1 = fc.get("controllerrevisions.apps", "default", first)!;
  assert.deepEqual(r1.metadata.labels, { app: "web" });
  assert.equal(r1.metadata.ownerReferences?.[0].kind, "StatefulSet");
  assert.equal(r1.metadata.annotations?.["kubernetes.io/change-cause"], "first");
  const data = r1.data as { spec: { template: { $patch: string; spec: { containers: { image: string }[] } } } };
  assert.equal(data.spec.template.$patch, "replace");
  assert.equal(data.spec.template.spec.containers[0].image, "nginx:1.25");

  await update(fc, (s) => (s.template.spec.containers[0].image = "nginx:1.26"));
  await bringUp(fc);
  const second = status(fc).updateRevision as string;
  assert.deepEqual(revisions(), [[first, 1], [second, 2]]);
  // Back to the first template (what kubectl rollout undo patches in): the same revision, renumbered.
  await update(fc, (s) => (s.template.spec.containers[0].image = "nginx:1.25"));
  await bringUp(fc);
  assert.equal(status(fc).updateRevision, first);
  assert.deepEqual(revisions(), [[second, 2], [first, 3]]);
  // A third template: with a limit of 1, the oldest revision no pod runs goes.
  await update(fc, (s) => (s.template.spec.containers[0].image = "nginx:1.27"));
  await bringUp(fc);
  await reconcile(fc);
  const third = status(fc).updateRevision as string;
  assert.deepEqual(revisions(), [[first, 3], [third, 4]]);
});
