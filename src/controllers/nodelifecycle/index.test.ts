import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { FakeCluster } from "../fake.js";
import { rfc3339 } from "../common/time.js";
import type { KObject } from "../../registry/types.js";
import type { DeleteOpts } from "../types.js";
import { addPod } from "../common/testing.js";
import { nodeLifecycleController } from "./index.js";

const LEASES = "leases.coordination.k8s.io";

function heartbeat(f: FakeCluster, name = "n1") {
  f.seed(LEASES, { metadata: { name, namespace: "kube-node-lease" }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date(f.clock).toISOString().replace("Z", "000Z") } });
}

function readyNode(f: FakeCluster, status = "True", extra: Partial<Node["spec"]> = {}) {
  const t = rfc3339(f.clock);
  const cond = (type: string, s: string) => ({ type, status: s, reason: "KubeletReady", message: "", lastHeartbeatTime: t, lastTransitionTime: t });
  f.seed("nodes", { metadata: { name: "n1" }, spec: { ...extra }, status: { conditions: [cond("Ready", status), cond("MemoryPressure", "False")] } });
}

/** The agent comes back: lease renewed and Ready posted. */
async function agentPosts(f: FakeCluster, status: string) {
  heartbeat(f);
  const n = f.get("nodes", "", "n1")!;
  const conditions = (n.status as { conditions: { type: string; status: string; lastHeartbeatTime: string }[] }).conditions.map((c) => ({ ...c, status: c.type === "Ready" ? status : "False", lastHeartbeatTime: rfc3339(f.clock) }));
  await f.updateStatus("nodes", { ...n, status: { ...(n.status as object), conditions } });
}

function pod(name: string, tolerations?: unknown[], node = "n1"): KObject {
  return {
    metadata: { name, namespace: "default" },
    spec: { nodeName: node, containers: [{ name: "c", image: "nginx" }], tolerations },
    status: { phase: "Running", podIP: "10.0.0.1", conditions: [{ type: "Ready", status: "True" }] },
  };
}

const node = (f: FakeCluster) => f.get("nodes", "", "n1") as unknown as Node;
const taintsOf = (f: FakeCluster) => (node(f).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

test("lease expiry: Unknown conditions, unreachable taints, pods NotReady, then evicted after their tolerations; recovery removes the taints", async () => {
  const f = new FakeCluster();
  const c = nodeLifecycleController({});
  const sync = () => c.reconcile({ namespace: "", name: "n1" }, f.context());
  readyNode(f);
  heartbeat(f);
  await addPod(f, pod("default-toleration"));
  await addPod(f, pod("short", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 }]));
  await addPod(f, pod("forever", [{ operator: "Exists" }]));
  await addPod(f, pod("elsewhere", undefined, "n2"));

  assert.deepEqual(await sync(), { requeueAfterMs: 40_001 }, "look again when the lease would expire");
  assert.deepEqual(f.writes.filter((w) => !w.includes("pods")), [], "a healthy node is left alone");

  f.clock += 41_000;
  const r = await sync();
  const ready = node(f).status!.conditions!.find((x) => x.type === "Ready")!;
  assert.equal(ready.status, "Unknown");
  assert.equal(ready.reason, "NodeStatusUnknown");
  assert.equal(ready.message, "Kubelet stopped posting node status.");
  assert.equal(ready.lastTransitionTime, rfc3339(f.clock));
  for (const type of ["MemoryPressure", "DiskPressure", "PIDPressure"]) assert.equal(node(f).status!.conditions!.find((x) => x.type === type)?.status, "Unknown", type);
  assert.deepEqual(taintsOf(f), ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
  assert.ok(f.events.some((e) => e.object === "Node/n1" && e.reason === "NodeNotReady" && e.message === "Node n1 status is now: NodeNotReady"));
  const podReady = (n: string) => (f.get("pods", "default", n) as unknown as Pod | undefined)?.status?.conditions?.find((x) => x.type === "Ready")?.status;
  assert.equal(podReady("default-toleration"), "False");
  assert.equal(podReady("elsewhere"), "True");
  assert.deepEqual(r, { requeueAfterMs: 60_000 }, "the soonest toleration runs out in 60 s");

  const writes = f.writes.length;
  f.clock += 30_000;
  assert.deepEqual(await sync(), { requeueAfterMs: 30_000 });
  assert.equal(f.writes.length, writes, "nothing to write while waiting");

  f.clock += 30_000;
  assert.deepEqual(await sync(), { requeueAfterMs: 240_000 });
  assert.equal(f.get("pods", "default", "short"), undefined);
  assert.ok(f.events.some((e) => e.object === "Pod/short" && e.reason === "TaintManagerEviction" && e.message === "Marking for deletion Pod default/short"));
  assert.ok(f.get("pods", "default", "default-toleration"));

  f.clock += 240_000;
  assert.equal(await sync(), undefined, "only a pod tolerating for ever is left");
  assert.equal(f.get("pods", "default", "default-toleration"), undefined);
  assert.ok(f.get("pods", "default", "forever"));
  assert.ok(f.get("pods", "default", "elsewhere"));

  await agentPosts(f, "True");
  assert.deepEqual(await sync(), { requeueAfterMs: 40_001 });
  assert.deepEqual(taintsOf(f), []);
});

test("Ready=False, pressure and unschedulable get their taints; other taints are kept", async () => {
  const f = new FakeCluster();
  const c = nodeLifecycleController({});
  const sync = () => c.reconcile({ namespace: "", name: "n1" }, f.context());
  readyNode(f, "True", { unschedulable: true, taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] });
  heartbeat(f);
  await sync();
  assert.deepEqual(taintsOf(f), ["dedicated:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"]);

  await agentPosts(f, "False");
  const n = f.get("nodes", "", "n1")!;
  (n.status as { conditions: { type: string; status: string }[] }).conditions.find((x) => x.type === "MemoryPressure")!.status = "True";
  await f.updateStatus("nodes", n);
  await sync();
  assert.deepEqual(taintsOf(f), [
    "dedicated:NoSchedule",
    "node.kubernetes.io/memory-pressure:NoSchedule",
    "node.kubernetes.io/not-ready:NoExecute",
    "node.kubernetes.io/not-ready:NoSchedule",
    "node.kubernetes.io/unschedulable:NoSchedule",
  ]);
  assert.equal(node(f).spec!.taints!.find((t) => t.effect === "NoExecute")!.timeAdded, rfc3339(f.clock));
  assert.ok(f.events.some((e) => e.reason === "NodeNotReady"));

  await agentPosts(f, "True");
  await sync();
  assert.deepEqual(taintsOf(f), ["dedicated:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"]);
});

test("a NoExecute taint a pod does not tolerate evicts it at once; tolerating pods stay", async () => {
  const f = new FakeCluster();
  const c = nodeLifecycleController({});
  readyNode(f, "True", { taints: [{ key: "maintenance", value: "yes", effect: "NoExecute", timeAdded: rfc3339(f.clock) }] });
  heartbeat(f);
  await addPod(f, pod("plain"));
  await addPod(f, pod("tolerant", [{ key: "maintenance", operator: "Equal", value: "yes", effect: "NoExecute" }]));
  await addPod(f, pod("wrong-value", [{ key: "maintenance", operator: "Equal", value: "no" }]));
  const map = c.watches!.find((w) => w.resource === "pods")!.map;
  assert.deepEqual(map(f.get("pods", "default", "plain")!, f), [{ namespace: "", name: "n1" }], "pods on a NoExecute-tainted node concern it");
  await c.reconcile({ namespace: "", name: "n1" }, f.context());
  assert.deepEqual(f.list("pods").map((p) => p.metadata.name), ["tolerant"]);
});

test("pods stuck terminating on an unreachable node, and pods of a deleted node, are force-deleted", async () => {
  const f = new FakeCluster();
  const c = nodeLifecycleController({ gracePeriodMs: 10_000 });
  const deletes: (DeleteOpts | undefined)[] = [];
  const del = f.delete.bind(f);
  f.delete = async (r, ns, n, o) => {
    deletes.push(o);
    return del(r, ns, n, o);
  };
  readyNode(f, "Unknown");
  heartbeat(f);
  const p = await addPod(f, pod("stuck"));
  f.seed("pods", { ...p, metadata: { ...p.metadata, deletionTimestamp: rfc3339(f.clock + 30_000), deletionGracePeriodSeconds: 30 } });
  f.clock += 11_000;
  const r = await c.reconcile({ namespace: "", name: "n1" }, f.context());
  assert.deepEqual(r, { requeueAfterMs: 19_000 }, "wait for the pod's own grace period");
  f.clock += 19_000;
  await c.reconcile({ namespace: "", name: "n1" }, f.context());
  assert.equal(f.get("pods", "default", "stuck"), undefined);
  assert.deepEqual(deletes, [{ gracePeriodSeconds: 0 }]);

  await addPod(f, pod("orphan", undefined, "gone"));
  assert.deepEqual(await c.reconcile({ namespace: "", name: "gone" }, f.context()), { requeueAfterMs: 10_000 }, "quarantine first");
  f.clock += 10_000;
  await c.reconcile({ namespace: "", name: "gone" }, f.context());
  assert.equal(f.get("pods", "default", "orphan"), undefined);
});
