import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import type { Pod } from "../common/pods.js";
import { setPhase, settleKey as settle } from "../common/testing.js";
import { daemonSetController as c } from "./index.js";
import { targetNode } from "./node-fit.js";

const RES = "daemonsets.apps";

function agent(extra: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image: "busybox:1.36" }], ...podSpec } },
      ...extra,
    },
  };
}

const node = (fc: FakeCluster, name: string, labels: Record<string, string> = {}, taints: unknown[] = []) =>
  fc.seed("nodes", { apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } }, spec: { taints } });

const pods = (fc: FakeCluster) => fc.list("pods", "default") as Pod[];
/** node → pod names */
const placement = (fc: FakeCluster) => {
  const m: Record<string, string[]> = {};
  for (const p of pods(fc)) (m[targetNode(p.spec!) ?? "?"] ??= []).push(p.metadata.name!);
  return Object.fromEntries(Object.entries(m).sort());
};
const nodesWithPods = (fc: FakeCluster) => Object.keys(placement(fc));
const status = (fc: FakeCluster) => fc.get(RES, "default", "agent")!.status as Record<string, unknown>;

/** Play scheduler and kubelet: bind every pending pod to its pinned node and run it. */
async function runAll(fc: FakeCluster) {
  for (const p of pods(fc)) {
    if (p.status?.phase !== "Pending") continue;
    await fc.bind("default", p.metadata.name!, targetNode(p.spec!)!);
    await setPhase(fc, p.metadata.name!, "Running");
  }
}

async function update(fc: FakeCluster, change: (spec: Record<string, any>) => void) {
  const ds = fc.get(RES, "default", "agent")!;
  change(ds.spec as Record<string, unknown>);
  await fc.update(RES, ds);
}

test("one pod per node, pinned by node affinity with the daemon tolerations; a new node gets one, a removed node loses it", async () => {
  const fc = new FakeCluster();
  for (const n of ["n1", "n2", "n3"]) node(fc, n);
  await fc.create(RES, agent());
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["n1", "n2", "n3"]);
  const p = pods(fc).find((x) => targetNode(x.spec!) === "n2")!;
  assert.match(p.metadata.name!, /^agent-[a-z0-9]{5}$/);
  assert.equal(p.spec?.nodeName, undefined, "the scheduler binds it");
  assert.deepEqual(p.spec?.affinity, {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }] } },
  });
  assert.deepEqual(
    p.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`),
    ["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"],
  );
  assert.match(p.metadata.labels?.["controller-revision-hash"] ?? "", /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [["DaemonSet", "agent", true]]);
  assert.equal(fc.events.filter((e) => e.reason === "SuccessfulCreate").length, 3);
  assert.deepEqual(status(fc), { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 0, observedGeneration: 1, updatedNumberScheduled: 3, numberUnavailable: 3 });

  await runAll(fc);
  await settle(c, fc, "agent");
  assert.deepEqual(status(fc), {
    currentNumberScheduled: 3,
    numberMisscheduled: 0,
    desiredNumberScheduled: 3,
    numberReady: 3,
    observedGeneration: 1,
    updatedNumberScheduled: 3,
    numberAvailable: 3,
  });

  node(fc, "n4");
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["n1", "n2", "n3", "n4"]);

  await fc.delete("nodes", "", "n2");
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["n1", "n3", "n4"]);
  assert.equal(status(fc).desiredNumberScheduled, 3);
});

test("tainted nodes are skipped unless tolerated; unschedulable and pressure taints are tolerated by default", async () => {
  const fc = new FakeCluster();
  node(fc, "plain");
  node(fc, "infra", {}, [{ key: "dedicated", value: "infra", effect: "NoSchedule" }]);
  node(fc, "cordoned", {}, [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }, { key: "node.kubernetes.io/memory-pressure", effect: "NoSchedule" }]);
  node(fc, "soft", {}, [{ key: "dedicated", value: "x", effect: "PreferNoSchedule" }]);
  await fc.create(RES, agent());
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["cordoned", "plain", "soft"]);

  await update(fc, (s) => (s.template.spec.tolerations = [{ key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" }]));
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["cordoned", "infra", "plain", "soft"]);
});

test("a NoSchedule taint added later keeps the pod; a NoExecute taint evicts it", async () => {
  const fc = new FakeCluster();
  node(fc, "n1");
  await fc.create(RES, agent());
  await settle(c, fc, "agent");
  const n1 = fc.get("nodes", "", "n1")!;
  (n1.spec as Record<string, unknown>).taints = [{ key: "k", effect: "NoSchedule" }];
  await fc.update("nodes", n1);
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["n1"]);
  assert.equal(status(fc).desiredNumberScheduled, 0);
  assert.equal(status(fc).numberMisscheduled, 1);
  const again = fc.get("nodes", "", "n1")!;
  (again.spec as Record<string, unknown>).taints = [{ key: "k", effect: "NoExecute" }];
  await fc.update("nodes", again);
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), []);
});

test("nodeSelector: pods follow node labels", async () => {
  const fc = new FakeCluster();
  node(fc, "a", { type: "fake" });
  node(fc, "b");
  await fc.create(RES, agent({}, { nodeSelector: { type: "fake" } }));
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["a"]);
  const b = fc.get("nodes", "", "b")!;
  b.metadata.labels = { ...b.metadata.labels, type: "fake" };
  await fc.update("nodes", b);
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["a", "b"]);
  const a = fc.get("nodes", "", "a")!;
  delete a.metadata.labels!.type;
  await fc.update("nodes", a);
  await settle(c, fc, "agent");
  assert.deepEqual(nodesWithPods(fc), ["b"]);
});

test("a failed daemon pod is replaced", async () => {
  const fc = new FakeCluster();
  node(fc, "n1");
  await fc.create(RES, agent());
  await settle(c, fc, "agent");
  const [first] = pods(fc);
  await setPhase(fc, first.metadata.name!, "Failed");
  await settle(c, fc, "agent");
  const [second, ...rest] = pods(fc);
  assert.equal(rest.length, 0);
  assert.notEqual(second.metadata.name, first.metadata.name);
  assert.ok(fc.events.some((e) => e.reason === "FailedDaemonPod"));
});

test("RollingUpdate replaces pods at most maxUnavailable at a time", async () => {
  const fc = new FakeCluster();
  for (const n of ["n1", "n2", "n3", "n4"]) node(fc, n);
  await fc.create(RES, agent({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "50%" } } }));
  await settle(c, fc, "agent");
  await runAll(fc);
  await settle(c, fc, "agent");
  await update(fc, (s) => (s.template.spec.containers[0].image = "busybox:1.37"));
  const image = (p: Pod) => p.spec?.containers[0].image;
  let rounds = 0;
  while (pods(fc).some((p) => image(p) !== "busybox:1.37") && rounds++ < 10) {
    await settle(c, fc, "agent");
    const down = 4 - pods(fc).filter((p) => p.status?.phase === "Running").length;
    assert.ok(down <= 2, `at most 2 unavailable, saw ${down}`);
    await runAll(fc);
  }
  await settle(c, fc, "agent");
  assert.equal(rounds, 2, "two rounds of two");
  assert.deepEqual(nodesWithPods(fc), ["n1", "n2", "n3", "n4"]);
  assert.equal(status(fc).updatedNumberScheduled, 4);
  assert.equal(status(fc).observedGeneration, 2);
});

test("RollingUpdate with maxSurge starts each new pod beside the old one, at most maxSurge nodes at a time, and removes the old one once the new one is available", async () => {
  const fc = new FakeCluster();
  for (const n of ["n1", "n2", "n3", "n4"]) node(fc, n);
  await fc.create(RES, agent({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
  await settle(c, fc, "agent");
  await runAll(fc);
  await settle(c, fc, "agent");
  await update(fc, (s) => (s.template.spec.containers[0].image = "busybox:1.37"));
  const image = (p: Pod) => p.spec?.containers[0].image;
  const live = () => pods(fc).filter((p) => !p.metadata.deletionTimestamp);
  let rounds = 0;
  while (live().some((p) => image(p) !== "busybox:1.37") && rounds++ < 10) {
    await settle(c, fc, "agent");
    assert.equal(live().filter((p) => p.status?.phase === "Running").length, 4, "no node is ever without a running pod");
    assert.ok(live().length <= 5, `at most one node surging, saw ${live().length} pods`);
    const doubled = Object.entries(placement(fc)).filter(([, names]) => names.length > 1);
    assert.ok(doubled.length <= 1, JSON.stringify(doubled));
    await runAll(fc);
  }
  await settle(c, fc, "agent");
  assert.equal(rounds, 5, "one node at a time: four surges, then the last old pod goes");
  assert.deepEqual(Object.values(placement(fc)).map((names) => names.length), [1, 1, 1, 1]);
  assert.ok(live().every((p) => image(p) === "busybox:1.37"));
  assert.equal(status(fc).updatedNumberScheduled, 4);
});

test("OnDelete keeps old pods until they are deleted", async () => {
  const fc = new FakeCluster();
  node(fc, "n1");
  await fc.create(RES, agent({ updateStrategy: { type: "OnDelete" } }));
  await settle(c, fc, "agent");
  await runAll(fc);
  await update(fc, (s) => (s.template.spec.containers[0].image = "busybox:1.37"));
  await settle(c, fc, "agent");
  assert.equal(pods(fc)[0].spec?.containers[0].image, "busybox:1.36");
  assert.equal(status(fc).updatedNumberScheduled, undefined);
  await fc.delete("pods", "default", pods(fc)[0].metadata.name!);
  await settle(c, fc, "agent");
  assert.equal(pods(fc)[0].spec?.containers[0].image, "busybox:1.37");
});

test("a node change maps to every DaemonSet", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, agent());
  await fc.create(RES, { ...agent(), metadata: { name: "other", namespace: "kube-system" } });
  const map = c.watches!.find((w) => w.resource === "nodes")!.map;
  const keys = map(node(fc, "n1"), fc).map((k) => `${k.namespace}/${k.name}`).sort();
  assert.deepEqual(keys, ["default/agent", "kube-system/other"]);
});
