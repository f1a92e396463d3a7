import { test } from "node:test";
import assert from "node:assert/strict";
import { SchedulerCache } from "./cache.js";
import { podRequests } from "./resources.js";
import { makeNode, makePod } from "./test-fixtures.js";
import { selectorFromSet } from "../apimachinery/selectors/labels.js";

const GiB = 1024 ** 3;

test("pod requests: containers summed, init containers' peak, sidecars, overhead", () => {
  const r = podRequests({
    containers: [
      { name: "a", resources: { requests: { cpu: "100m", memory: "1Gi" } } },
      { name: "b", resources: { requests: { cpu: "0.2", "example.com/gpu": "1" } } },
    ],
    initContainers: [
      { name: "sidecar", restartPolicy: "Always", resources: { requests: { cpu: "50m" } } },
      { name: "init", resources: { requests: { cpu: "1", memory: "512Mi" } } },
    ],
    overhead: { cpu: "10m", memory: "1Mi" },
  });
  // containers 300m + sidecar 50m = 350m; init peak = 1000m + 50m sidecar = 1050m; + 10m overhead.
  assert.equal(r.requests.cpu, 1060);
  assert.equal(r.requests.memory, GiB + 1024 ** 2);
  assert.equal(r.requests.scalar.get("example.com/gpu"), 1);
  // Scoring counts a container without a memory request as 200Mi.
  assert.equal(r.nonZeroMemory, GiB + 200 * 1024 ** 2 * 2 + 1024 ** 2);
});

test("pod requests: quantities are summed exactly before rounding, and request-less pods score as 100m/200Mi", () => {
  const r = podRequests({ containers: [{ name: "a", resources: { requests: { memory: "0.5" } } }, { name: "b", resources: { requests: { memory: "0.5" } } }] });
  assert.equal(r.requests.memory, 1);
  const empty = podRequests({ containers: [{ name: "a" }] });
  assert.equal(empty.requests.cpu, 0);
  assert.equal(empty.nonZeroCpu, 100);
  assert.equal(empty.nonZeroMemory, 200 * 1024 ** 2);
});

test("cache: running sums follow pod and node events; terminal pods do not count", () => {
  const c = new SchedulerCache();
  c.onNode("ADDED", makeNode("n1", { cpu: "2" }));
  c.onPod("ADDED", makePod("a", { cpu: "500m", memory: "1Gi", nodeName: "n1", phase: "Running" }));
  c.onPod("ADDED", makePod("b", { cpu: "250m", nodeName: "n1", phase: "Running" }));
  c.onPod("ADDED", makePod("pending", { cpu: "1" }));
  const n1 = c.node("n1")!;
  assert.equal(n1.allocatable.cpu, 2000);
  assert.equal(n1.requested.cpu, 750);
  assert.equal(n1.requested.memory, GiB);
  assert.equal(n1.pods.size, 2);

  c.onPod("MODIFIED", makePod("b", { cpu: "250m", nodeName: "n1", phase: "Succeeded" }));
  assert.equal(n1.requested.cpu, 500);
  c.onPod("DELETED", makePod("a", { cpu: "500m", nodeName: "n1" }));
  assert.equal(n1.requested.cpu, 0);
  assert.equal(n1.requested.memory, 0);
  assert.equal(c.podCount, 0);

  c.onNode("MODIFIED", makeNode("n1", { cpu: "8" }));
  assert.equal(c.node("n1")!.allocatable.cpu, 8000);
  c.onNode("DELETED", makeNode("n1"));
  assert.equal(c.node("n1"), undefined);
  assert.equal(c.nodeList().length, 0);
});

test("cache: pods seen before their node count once it arrives; a deleted node's pods keep their place", () => {
  const c = new SchedulerCache();
  c.onPod("ADDED", makePod("early", { cpu: "1", nodeName: "n1" }));
  assert.equal(c.node("n1"), undefined);
  assert.equal(c.nodeList().length, 0);
  c.onNode("ADDED", makeNode("n1"));
  assert.equal(c.node("n1")!.requested.cpu, 1000);
  c.onNode("DELETED", makeNode("n1"));
  c.onNode("ADDED", makeNode("n1"));
  assert.equal(c.node("n1")!.requested.cpu, 1000);
});

test("cache: assume reserves, forget undoes, and the bound pod's event confirms", () => {
  const c = new SchedulerCache();
  c.onNode("ADDED", makeNode("n1"));
  const pod = makePod("p", { cpu: "1" });
  c.assume(pod, "n1");
  assert.ok(c.isAssumed(pod));
  assert.equal(c.node("n1")!.requested.cpu, 1000);
  // An update of the still-unbound pod (our binding is in flight) keeps the reservation.
  c.onPod("MODIFIED", pod);
  assert.equal(c.node("n1")!.requested.cpu, 1000);
  c.forget(pod);
  assert.ok(!c.isAssumed(pod));
  assert.equal(c.node("n1")!.requested.cpu, 0);

  c.assume(pod, "n1");
  c.onPod("MODIFIED", makePod("p", { cpu: "1", nodeName: "n1" }));
  assert.ok(!c.isAssumed(pod));
  assert.equal(c.node("n1")!.requested.cpu, 1000);
  c.forget(pod); // no longer assumed: a no-op
  assert.equal(c.node("n1")!.requested.cpu, 1000);
});

test("cache: host ports conflict by protocol and host IP", () => {
  const c = new SchedulerCache();
  c.onNode("ADDED", makeNode("n1"));
  const withPort = (name: string, hostPort: number, hostIP?: string, protocol?: string) =>
    makePod(name, { nodeName: "n1", spec: { containers: [{ name: "c", ports: [{ containerPort: 80, hostPort, hostIP, protocol }] }] } });
  c.onPod("ADDED", withPort("a", 8080, "10.0.0.1"));
  const n = c.node("n1")!;
  assert.ok(n.portConflict({ ip: "10.0.0.1", protocol: "TCP", port: 8080 }));
  assert.ok(n.portConflict({ ip: "0.0.0.0", protocol: "TCP", port: 8080 }));
  assert.ok(!n.portConflict({ ip: "10.0.0.2", protocol: "TCP", port: 8080 }));
  assert.ok(!n.portConflict({ ip: "10.0.0.1", protocol: "UDP", port: 8080 }));
  c.onPod("ADDED", withPort("b", 9090));
  assert.ok(n.portConflict({ ip: "10.0.0.7", protocol: "TCP", port: 9090 }));
  c.onPod("DELETED", withPort("b", 9090));
  assert.ok(!n.portConflict({ ip: "10.0.0.7", protocol: "TCP", port: 9090 }));
});

test("cache: the node list interleaves zones; label and owner indexes follow pods", () => {
  const c = new SchedulerCache();
  for (const [name, zone] of [["a1", "a"], ["a2", "a"], ["a3", "a"], ["b1", "b"], ["c1", "c"], ["c2", "c"]]) c.onNode("ADDED", makeNode(name, { zone }));
  assert.deepEqual(c.nodeList().map((n) => n.name), ["a1", "b1", "c1", "a2", "c2", "a3"]);
  c.onNode("MODIFIED", makeNode("a2", { zone: "b" }));
  assert.deepEqual(c.nodeList().map((n) => n.name), ["a1", "b1", "c1", "a3", "a2", "c2"]);
  assert.deepEqual([...c.nodeLabelValues("topology.kubernetes.io/zone")!], [["a", 2], ["b", 2], ["c", 2]]);

  c.onPod("ADDED", makePod("web-1", { nodeName: "a1", labels: { app: "web" }, owner: "rs-1" }));
  c.onPod("ADDED", makePod("db-1", { nodeName: "a1", labels: { app: "db" } }));
  assert.deepEqual([...c.candidates(selectorFromSet({ app: "web" }))].map((p) => p.name), ["web-1"]);
  assert.deepEqual([...c.ownerCounts("rs-1")].map(([n, count]) => [n.name, count]), [["a1", 1]]);
  c.onPod("DELETED", makePod("web-1", { nodeName: "a1", labels: { app: "web" }, owner: "rs-1" }));
  assert.deepEqual([...c.candidates(selectorFromSet({ app: "web" }))], []);
  assert.equal(c.ownerCounts("rs-1").size, 0);
});

test("cache: a controller's pods per node and per topology domain stay right as pods and node labels change", () => {
  const c = new SchedulerCache();
  c.onNode("ADDED", makeNode("a1", { zone: "a" }));
  c.onNode("ADDED", makeNode("b1", { zone: "b" }));
  const zones = () => Object.fromEntries(c.ownerDomainCounts("rs", "topology.kubernetes.io/zone"));
  const pod = (name: string, nodeName: string, extra: { deleting?: boolean } = {}) => {
    const p = makePod(name, { nodeName, owner: "rs" });
    if (extra.deleting) p.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
    return p;
  };
  c.onPod("ADDED", pod("p1", "a1"));
  assert.deepEqual(zones(), { a: 1 });
  c.onPod("ADDED", pod("p2", "b1"));
  c.onPod("ADDED", pod("p3", "b1"));
  c.onPod("ADDED", pod("early", "c1")); // its node is not known yet
  assert.deepEqual(zones(), { a: 1, b: 2 });
  c.onPod("MODIFIED", pod("p3", "b1", { deleting: true })); // terminating pods do not count
  assert.deepEqual(zones(), { a: 1, b: 1 });
  c.onNode("ADDED", makeNode("c1", { zone: "c" }));
  assert.deepEqual(zones(), { a: 1, b: 1, c: 1 });
  c.onNode("MODIFIED", makeNode("b1", { zone: "a" }));
  assert.deepEqual(zones(), { a: 2, c: 1 });
  c.onNode("DELETED", makeNode("c1"));
  assert.deepEqual(zones(), { a: 2 });
  assert.deepEqual([...c.ownerCounts("rs")].map(([n, k]) => [n.name, k]), [["a1", 1], ["b1", 1], ["c1", 1]]);
  for (const [name, node] of [["p1", "a1"], ["p2", "b1"], ["p3", "b1"], ["early", "c1"]]) c.onPod("DELETED", pod(name, node));
  assert.deepEqual(zones(), {});
  assert.equal(c.ownerCounts("rs").size, 0);
});
