/**
 * Pod priority and preemption with the real kubectl and a fake node:
 * PriorityClasses resolve into pods' spec.priority (Priority admission),
 * an unknown class is refused, and a high-priority pod that fits nowhere
 * preempts a lower-priority one, as kube-scheduler's DefaultPreemption does.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { FakeNodes } from "../../src/cli/fake-nodes.js";

let c: TestCluster;
let nodes: FakeNodes;
before(async () => {
  c = await startCluster();
  nodes = new FakeNodes({ kubeconfig: c.kubeconfig, count: 1, prefix: "prio", cpu: "2", leaseIntervalMs: 1000 });
  await nodes.start();
});
after(async () => {
  await nodes?.stop().catch(() => {});
  await c?.dispose();
});

const pod = (name: string, cls: string, cpu = "1") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  priorityClassName: ${cls}
  containers:
  - name: c
    image: busybox
    resources: {requests: {cpu: "${cpu}"}}
`;

type Pod = { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string; priority?: number; preemptionPolicy?: string }; status: { phase?: string; nominatedNodeName?: string } };
const getPod = async (name: string): Promise<Pod | undefined> => {
  const r = await c.kubectl(["get", "pod", name, "-o", "json"], { allowFail: true });
  return r.code === 0 ? (JSON.parse(r.stdout) as Pod) : undefined;
};

test("PriorityClasses: the system classes exist, pods get their class's value, an unknown class is refused", async () => {
  const pcs = (await c.kubectl(["get", "priorityclasses"])).stdout;
  assert.match(pcs, /^system-cluster-critical\s+2000000000\s+false/m);
  assert.match(pcs, /^system-node-critical\s+2000001000\s+false/m);
  await c.kubectl(["create", "priorityclass", "low", "--value=100", "--description=batch work"]);
  await c.kubectl(["create", "priorityclass", "high", "--value=1000", "--preemption-policy=PreemptLowerPriority"]);
  const refused = await c.kubectl(["apply", "-f", "-"], { input: pod("nope", "missing"), allowFail: true });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /pods "nope" is forbidden: no PriorityClass with name missing was found/);
  const spoofed = await c.kubectl(["apply", "-f", "-"], { input: pod("spoof", "low").replace("  containers:", "  priority: 5000\n  containers:"), allowFail: true });
  assert.match(spoofed.stderr, /the integer value of priority \(5000\) must not be provided in pod spec; priority admission controller computed 100/);
});

test("a high-priority pod that fits nowhere preempts a lower-priority one and runs in its place", async () => {
  await c.kubectl(["apply", "-f", "-"], { input: pod("filler-a", "low") });
  await c.kubectl(["apply", "-f", "-"], { input: pod("filler-b", "low") });
  await eventually(async () => (await getPod("filler-a"))?.status.phase === "Running" && (await getPod("filler-b"))?.status.phase === "Running", 15_000, "fillers running");
  assert.equal((await getPod("filler-a"))?.spec.priority, 100);

  // The node (2 cpu) is full: a third low pod waits, and says preemption cannot help it.
  await c.kubectl(["apply", "-f", "-"], { input: pod("waiter", "low") });
  await eventually(async () => {
    const ev = JSON.parse((await c.kubectl(["get", "events", "--field-selector", "involvedObject.name=waiter,reason=FailedScheduling", "-o", "json"])).stdout).items as { message: string }[];
    return ev.some((e) => e.message === "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
  }, 15_000, "the waiter's FailedScheduling");

  await c.kubectl(["apply", "-f", "-"], { input: pod("urgent", "high") });
  const urgent = await eventually(async () => {
    const p = await getPod("urgent");
    return p?.spec.nodeName === "prio-0" && p.status.phase === "Running" ? p : undefined;
  }, 30_000, "urgent running on the node");
  assert.equal(urgent.spec.priority, 1000);
  assert.equal(urgent.status.nominatedNodeName, "prio-0");
  // Exactly one filler made room, with the Preempted event kube-scheduler records; the waiter still waits.
  const left = (await Promise.all(["filler-a", "filler-b"].map(getPod))).filter((p) => p && !p.metadata.deletionTimestamp);
  assert.equal(left.length, 1);
  const preempted = JSON.parse((await c.kubectl(["get", "events", "--field-selector", "reason=Preempted", "-o", "json"])).stdout).items as { message: string; involvedObject: { name: string }; source: { component: string } }[];
  assert.equal(preempted.length, 1);
  assert.match(preempted[0].involvedObject.name, /^filler-[ab]$/);
  assert.match(preempted[0].message, /^Preempted by pod [0-9a-f-]+ on node prio-0$/);
  assert.equal(preempted[0].source.component, "default-scheduler");
  assert.equal((await getPod("waiter"))?.spec.nodeName, undefined);
});
