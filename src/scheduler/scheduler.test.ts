import { test } from "node:test";
import assert from "node:assert/strict";
import type { Affinity, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import type { KObject } from "../registry/types.js";
import { SchedulerCache } from "./cache.js";
import type { ObjectLookup } from "./framework.js";
import { Scheduler, type ScheduleResult, type SchedulerOptions } from "./scheduler.js";
import { makeNode, makePod, seeded } from "./test-fixtures.js";

function scheduler(nodes: KObject[], pods: KObject[] = [], o: SchedulerOptions = {}): Scheduler {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.onNode("ADDED", n);
  for (const p of pods) cache.onPod("ADDED", p);
  return new Scheduler({ cache, random: seeded(7), ...o });
}

/** scheduleOne and, on success, assume (as the loop does). */
function place(s: Scheduler, pod: KObject): ScheduleResult {
  const r = s.scheduleOne(pod);
  if ("node" in r) s.cache.assume(pod, r.node);
  return r;
}

const nodeOf = (r: ScheduleResult) => ("node" in r ? r.node : `failed: ${r.failure.message}`);
const messageOf = (r: ScheduleResult) => ("failure" in r ? r.failure.message : `placed on ${r.node}`);

test("resources: the message counts reasons per node, sorted, as kubectl shows it", () => {
  const s = scheduler([
    makeNode("cp", { cpu: "8", taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
    makeNode("w1", { cpu: "1" }),
    makeNode("w2", { cpu: "1" }),
  ]);
  const r = s.scheduleOne(makePod("big", { cpu: "2" }));
  assert.equal(messageOf(r), "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.");
  assert.deepEqual("failure" in r && [...r.failure.plugins].sort(), ["NodeResourcesFit", "TaintToleration"]);
});

test("resources: every insufficient resource of a node is a reason; pods, extended resources", () => {
  const s = scheduler(
    [makeNode("a", { cpu: "1", memory: "1Gi" }), makeNode("b", { cpu: "4", memory: "8Gi", pods: 1 }), makeNode("gpu", { cpu: "4", memory: "8Gi", extra: { "example.com/gpu": "1" } })],
    [makePod("on-b", { nodeName: "b" })],
  );
  assert.equal(
    messageOf(s.scheduleOne(makePod("p", { cpu: "2", memory: "2Gi", spec: { containers: [{ name: "c", resources: { requests: { cpu: "2", memory: "2Gi", "example.com/gpu": "2" } } }] } }))),
    "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods, 3 Insufficient example.com/gpu.",
  );
  assert.equal(nodeOf(s.scheduleOne(makePod("fits", { cpu: "3", spec: { containers: [{ name: "c", resources: { requests: { cpu: "3", "example.com/gpu": "1" } } }] } }))), "gpu");
});

test("no nodes at all", () => {
  assert.equal(messageOf(scheduler([]).scheduleOne(makePod("p"))), "no nodes available to schedule pods");
});

test("nodeSelector", () => {
  const s = scheduler([makeNode("hdd", { labels: { disk: "hdd" } }), makeNode("ssd", { labels: { disk: "ssd" } })]);
  assert.equal(nodeOf(s.scheduleOne(makePod("p", { spec: { nodeSelector: { disk: "ssd" } } }))), "ssd");
  assert.equal(messageOf(s.scheduleOne(makePod("q", { spec: { nodeSelector: { disk: "nvme" } } }))), "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
});

test("required node affinity: operators, ORed terms, matchFields", () => {
  const s = scheduler([
    makeNode("n1", { labels: { gen: "3", region: "eu" } }),
    makeNode("n2", { labels: { gen: "5", region: "us" } }),
    makeNode("n3", { labels: { gen: "7" } }),
  ]);
  const req = (...nodeSelectorTerms: object[]): KObject =>
    makePod("p", { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } as Affinity } });
  const where = (...terms: object[]) => nodeOf(s.scheduleOne(req(...terms)));
  assert.equal(where({ matchExpressions: [{ key: "gen", operator: "Gt", values: ["4"] }, { key: "region", operator: "Exists" }] }), "n2");
  assert.equal(where({ matchExpressions: [{ key: "region", operator: "DoesNotExist" }] }), "n3");
  assert.equal(where({ matchExpressions: [{ key: "gen", operator: "Lt", values: ["4"] }, { key: "region", operator: "NotIn", values: ["us"] }] }), "n1");
  assert.equal(where({ matchExpressions: [{ key: "region", operator: "In", values: ["mars"] }] }, { matchExpressions: [{ key: "gen", operator: "In", values: ["7"] }] }), "n3");
  assert.equal(where({ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }), "n2");
  assert.equal(
    messageOf(s.scheduleOne(makePod("big", { cpu: "64", spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }] } } } } }))),
    "0/3 nodes are available: 1 Insufficient cpu, 2 node is filtered out by the prefilter result.",
  );
  assert.equal(messageOf(s.scheduleOne(req({ matchExpressions: [{ key: "gen", operator: "Gt", values: ["9"] }] }))), "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
});

test("preferred node affinity: the highest sum of matching weights wins", () => {
  const s = scheduler([makeNode("a", { labels: { fast: "yes" } }), makeNode("b", { labels: { fast: "yes", big: "yes" } }), makeNode("c", { labels: { big: "yes" } })]);
  const pod = makePod("p", {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: "fast", operator: "Exists" }] } },
            { weight: 50, preference: { matchExpressions: [{ key: "big", operator: "Exists" }] } },
          ],
        },
      },
    },
  });
  for (let i = 0; i < 5; i++) assert.equal(nodeOf(s.scheduleOne(pod)), "b");
});

test("taints: NoSchedule and NoExecute must be tolerated; toleration matching rules", () => {
  const s = scheduler([
    makeNode("gpu", { taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }] }),
    makeNode("evict", { taints: [{ key: "maint", effect: "NoExecute" }] }),
  ]);
  const tol = (...tolerations: object[]) => makePod("p", { spec: { tolerations } });
  assert.equal(messageOf(s.scheduleOne(tol())), "0/2 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 1 node(s) had untolerated taint {maint: }.");
  assert.equal(nodeOf(s.scheduleOne(tol({ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }))), "gpu");
  assert.equal(nodeOf(s.scheduleOne(tol({ key: "gpu", value: "true" }))), "gpu"); // empty effect: all effects
  assert.equal(nodeOf(s.scheduleOne(tol({ key: "maint", operator: "Exists", effect: "NoExecute" }))), "evict");
  assert.equal(
    messageOf(s.scheduleOne(tol({ key: "gpu", operator: "Equal", value: "false" }, { key: "maint", operator: "Exists", effect: "NoSchedule" }))),
    "0/2 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 1 node(s) had untolerated taint {maint: }.",
  );
  const all = tol({ operator: "Exists" }); // empty key with Exists tolerates everything
  const placed = new Set(Array.from({ length: 20 }, () => nodeOf(s.scheduleOne(all))));
  assert.deepEqual([...placed].sort(), ["evict", "gpu"]);
});

test("taints: PreferNoSchedule steers pods away unless tolerated", () => {
  const s = scheduler([makeNode("soft", { taints: [{ key: "spot", value: "yes", effect: "PreferNoSchedule" }] }), makeNode("plain")]);
  for (let i = 0; i < 5; i++) assert.equal(nodeOf(s.scheduleOne(makePod(`p${i}`))), "plain");
  // A pod tolerating the taint sees both nodes as equal.
  const tolerant = makePod("t", { spec: { tolerations: [{ key: "spot", operator: "Exists", effect: "PreferNoSchedule" }] } });
  const placed = new Set(Array.from({ length: 20 }, () => nodeOf(s.scheduleOne(tolerant))));
  assert.deepEqual([...placed].sort(), ["plain", "soft"]);
});

test("NotReady nodes take only pods tolerating node.kubernetes.io/not-ready", () => {
  const s = scheduler([makeNode("down", { ready: "False" }), makeNode("lost", { ready: "Unknown" })]);
  assert.equal(
    messageOf(s.scheduleOne(makePod("p"))),
    "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.",
  );
  const daemon = makePod("ds", { spec: { tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists" }] } });
  assert.equal(nodeOf(s.scheduleOne(daemon)), "down");
});

test("cordoned nodes: unschedulable unless the pod tolerates node.kubernetes.io/unschedulable", () => {
  const s = scheduler([makeNode("c", { unschedulable: true })]);
  assert.equal(messageOf(s.scheduleOne(makePod("p"))), "0/1 nodes are available: 1 node(s) were unschedulable.");
  const tolerant = makePod("ds", { spec: { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }] } });
  assert.equal(nodeOf(s.scheduleOne(tolerant)), "c");
});

test("host ports: a second pod wanting the same port goes elsewhere, then fits nowhere", () => {
  const s = scheduler([makeNode("a"), makeNode("b")]);
  const withPort = (name: string) => makePod(name, { spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80, hostPort: 8080 }] }] } });
  const first = nodeOf(place(s, withPort("p1")));
  const second = nodeOf(place(s, withPort("p2")));
  assert.deepEqual([first, second].sort(), ["a", "b"]);
  assert.equal(messageOf(s.scheduleOne(withPort("p3"))), "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.");
});

const onePerNode: Affinity = {
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "one" } }, topologyKey: "kubernetes.io/hostname" }] },
};

test("required anti-affinity, one per node: 3 nodes, 4 replicas, the 4th fits nowhere", () => {
  const s = scheduler([makeNode("n1"), makeNode("n2"), makeNode("n3")]);
  const replica = (i: number) => makePod(`one-${i}`, { labels: { app: "one" }, owner: "rs-one", spec: { affinity: onePerNode } });
  const placed = [1, 2, 3].map((i) => nodeOf(place(s, replica(i))));
  assert.deepEqual(placed.sort(), ["n1", "n2", "n3"]);
  assert.equal(messageOf(s.scheduleOne(replica(4))), "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.");
  // Existing pods' anti-affinity keeps a plain pod carrying the label away too.
  assert.equal(messageOf(s.scheduleOne(makePod("intruder", { labels: { app: "one" } }))), "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules.");
  // Another namespace is not affected.
  assert.ok("node" in s.scheduleOne(makePod("other", { namespace: "other", labels: { app: "one" }, spec: { affinity: onePerNode } })));
});

test("required pod affinity: next to the matching pods' zone; the first of a group may go anywhere", () => {
  const nodes = [makeNode("a1", { zone: "a" }), makeNode("a2", { zone: "a" }), makeNode("b1", { zone: "b" })];
  const withCache = (name: string) =>
    makePod(name, {
      labels: { app: "cache" },
      spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "cache" } }, topologyKey: "topology.kubernetes.io/zone" }] } } },
    });
  const s = scheduler(nodes);
  const first = nodeOf(place(s, withCache("c1")));
  const zone = first.startsWith("a") ? "a" : "b";
  for (let i = 2; i < 6; i++) assert.equal(nodeOf(place(s, withCache(`c${i}`)))[0], zone);
  const stranger = makePod("x", { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "nope" } }, topologyKey: "topology.kubernetes.io/zone" }] } } } });
  assert.equal(messageOf(s.scheduleOne(stranger)), "0/3 nodes are available: 3 node(s) didn't match pod affinity rules.");
});

test("preferred pod affinity and anti-affinity score topology domains", () => {
  const s = scheduler([makeNode("n1"), makeNode("n2"), makeNode("n3")], [makePod("cache", { nodeName: "n2", labels: { app: "cache" } }), makePod("noisy", { nodeName: "n1", labels: { app: "noisy" } })]);
  const term = (app: string, weight: number) => ({ weight, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: "kubernetes.io/hostname" } });
  const near = makePod("near", { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term("cache", 100)] } } } });
  for (let i = 0; i < 5; i++) assert.equal(nodeOf(s.scheduleOne(near)), "n2");
  const away = makePod("away", { spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term("noisy", 100), term("cache", 100)] } } } });
  for (let i = 0; i < 5; i++) assert.equal(nodeOf(s.scheduleOne(away)), "n3");
});

const zoneSpread = (maxSkew: number, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint[] => [
  { maxSkew, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "spread" } }, ...extra },
];

test("topology spread DoNotSchedule, maxSkew 1 across zones", () => {
  const nodes = ["a", "b", "c"].flatMap((z) => [makeNode(`${z}1`, { zone: z }), makeNode(`${z}2`, { zone: z })]);
  // Zone a already has two matching pods: the next two must go to b and c.
  const s = scheduler(nodes, [makePod("old1", { nodeName: "a1", labels: { app: "spread" } }), makePod("old2", { nodeName: "a2", labels: { app: "spread" } })]);
  const pod = (i: number) => makePod(`s${i}`, { labels: { app: "spread" }, spec: { topologySpreadConstraints: zoneSpread(1) } });
  const zones = [1, 2, 3, 4, 5, 6, 7].map((i) => nodeOf(place(s, pod(i)))[0]);
  const count = (z: string) => zones.filter((x) => x === z).length + (z === "a" ? 2 : 0);
  assert.deepEqual(zones.slice(0, 2).sort(), ["b", "c"]);
  assert.deepEqual([count("a"), count("b"), count("c")], [3, 3, 3]);
});

test("topology spread: reasons, nodes without the key, and minDomains", () => {
  const nodes = [makeNode("a1", { zone: "a", cpu: "1" }), makeNode("b1", { zone: "b" }), makeNode("nozone")];
  const pod = (extra: Partial<TopologySpreadConstraint> = {}, cpu?: string) =>
    makePod("s", { cpu, labels: { app: "spread" }, spec: { topologySpreadConstraints: zoneSpread(1, extra) } });
  const s = scheduler(nodes, [makePod("x", { nodeName: "b1", labels: { app: "spread" } })]);
  assert.equal(nodeOf(s.scheduleOne(pod())), "a1");
  assert.equal(
    messageOf(s.scheduleOne(pod({}, "2"))),
    "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't match pod topology spread constraints (missing required label).",
  );
  // One pod in each of the 2 zones: with maxSkew 1 either zone may take another, unless 3 domains are
  // required, which makes the global minimum 0.
  const even = scheduler(nodes, [makePod("x", { nodeName: "b1", labels: { app: "spread" } }), makePod("y", { nodeName: "a1", labels: { app: "spread" } })]);
  assert.ok("node" in even.scheduleOne(pod()));
  assert.equal(
    messageOf(even.scheduleOne(pod({ minDomains: 3 }))),
    "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label), 2 node(s) didn't match pod topology spread constraints.",
  );
});

test("topology spread: matchLabelKeys narrow the count to the pod's revision; ScheduleAnyway only prefers", () => {
  const nodes = [makeNode("a1", { zone: "a" }), makeNode("b1", { zone: "b", cpu: "1" })];
  const old = [1, 2].map((i) => makePod(`old-${i}`, { nodeName: "a1", labels: { app: "spread", rev: "1" } }));
  const pod = (extra: Partial<TopologySpreadConstraint>) =>
    makePod("new", { cpu: "2", labels: { app: "spread", rev: "2" }, spec: { topologySpreadConstraints: zoneSpread(1, extra) } });
  // b1 is too small: zone a may take the pod only when the old revision's pods do not count.
  const s = scheduler(nodes, old);
  assert.equal(messageOf(s.scheduleOne(pod({}))), "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints.");
  assert.equal(nodeOf(s.scheduleOne(pod({ matchLabelKeys: ["rev"] }))), "a1");
  // ScheduleAnyway does not filter; it prefers the emptier zone when both fit.
  assert.equal(nodeOf(s.scheduleOne(pod({ whenUnsatisfiable: "ScheduleAnyway" }))), "a1");
  const roomy = scheduler([makeNode("a1", { zone: "a" }), makeNode("b1", { zone: "b" })], [...old, makePod("filler", { nodeName: "b1", cpu: "1" })]);
  const small = makePod("small", { labels: { app: "spread" }, spec: { topologySpreadConstraints: zoneSpread(1, { whenUnsatisfiable: "ScheduleAnyway" }) } });
  for (let i = 0; i < 5; i++) assert.equal(nodeOf(roomy.scheduleOne(small)), "b1");
});

test("default spreading: 5 replicas of a ReplicaSet land on 5 nodes, then spread across zones", () => {
  const nodes = [makeNode("a1", { zone: "a" }), makeNode("a2", { zone: "a" }), makeNode("a3", { zone: "a" }), makeNode("b1", { zone: "b" }), makeNode("b2", { zone: "b" })];
  const s = scheduler(nodes);
  const replica = (i: number) => makePod(`web-${i}`, { cpu: "100m", memory: "128Mi", labels: { app: "web" }, owner: "rs-web" });
  const placed = [1, 2, 3, 4, 5].map((i) => nodeOf(place(s, replica(i))));
  assert.deepEqual([...placed].sort(), ["a1", "a2", "a3", "b1", "b2"]);
  // The 6th and 7th replicas prefer zone b (2 pods) over a (3 pods).
  assert.equal(nodeOf(place(s, replica(6)))[0], "b");
});

test("spreading works without owners too: least-allocated scoring alone spreads equal pods", () => {
  const s = scheduler([makeNode("n1"), makeNode("n2"), makeNode("n3")]);
  const placed = [1, 2, 3].map((i) => nodeOf(place(s, makePod(`p${i}`, { cpu: "500m" }))));
  assert.deepEqual(placed.sort(), ["n1", "n2", "n3"]);
});

test("volumes: a claim bound to a PV with node affinity pins the pod to matching nodes", () => {
  const objects: Record<string, KObject> = {
    "pvc/default/data": { metadata: { name: "data", namespace: "default" }, spec: { volumeName: "pv-local" } },
    "pvc/default/pending": { metadata: { name: "pending", namespace: "default" }, spec: {} },
    "pv/pv-local": {
      metadata: { name: "pv-local" },
      spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["n2"] }] }] } } },
    },
  };
  const lookup: ObjectLookup = {
    persistentVolumeClaim: (ns, name) => objects[`pvc/${ns}/${name}`],
    persistentVolume: (name) => objects[`pv/${name}`],
    namespace: () => undefined,
  };
  const s = scheduler([makeNode("n1"), makeNode("n2", { cpu: "2" }), makeNode("n3")], [], { lookup });
  const withClaim = (claimName: string, cpu?: string) => makePod("p", { cpu, spec: { volumes: [{ name: "v", persistentVolumeClaim: { claimName } }] } });
  for (let i = 0; i < 3; i++) assert.equal(nodeOf(s.scheduleOne(withClaim("data"))), "n2");
  assert.equal(messageOf(s.scheduleOne(withClaim("data", "3"))), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had volume node affinity conflict.");
  assert.equal(messageOf(s.scheduleOne(withClaim("missing"))), '0/3 nodes are available: persistentvolumeclaim "missing" not found.');
  assert.equal(messageOf(s.scheduleOne(withClaim("pending"))), "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
});

test("sampling: with 200 nodes a cycle looks at 100 of them, and the next cycle starts where it stopped", () => {
  const nodes = Array.from({ length: 200 }, (_, i) => makeNode(`n${String(i).padStart(3, "0")}`));
  // Every node is half full except the last one.
  const pods = nodes.slice(0, 199).map((n, i) => makePod(`busy-${i}`, { cpu: "2", memory: "8Gi", nodeName: n.metadata.name }));
  const s = scheduler(nodes, pods);
  const first = nodeOf(place(s, makePod("p1", { cpu: "100m" })));
  assert.ok(first < "n100", first);
  assert.equal(nodeOf(place(s, makePod("p2", { cpu: "100m" }))), "n199");
});
