import { test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import { addPod } from "../common/testing.js";
import { endpointSliceController as c } from "./index.js";

const RES = "endpointslices.discovery.k8s.io";

function pod(name: string, ip: string, o: { ready?: boolean; deleting?: boolean } = {}): KObject {
  return {
    metadata: { name, namespace: "default", labels: { app: "web" }, ...(o.deleting ? { deletionTimestamp: "2026-01-01T00:00:30Z", deletionGracePeriodSeconds: 30 } : {}) },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "nginx", ports: [{ name: "http", containerPort: 8080 }] }] },
    status: { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }] },
  };
}

async function setup(f: FakeCluster) {
  return f.create("services", {
    metadata: { name: "web", namespace: "default", labels: { tier: "front" } },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
}

const sync = (f: FakeCluster) => c.reconcile({ namespace: "default", name: "web" }, f.context());
const slices = (f: FakeCluster) => f.list(RES, "default") as unknown as EndpointSlice[];

test("slices are labelled, owned by the Service and carry endpoint conditions", async () => {
  const f = new FakeCluster();
  const svc = await setup(f);
  await addPod(f, pod("a", "10.0.0.1"));
  await addPod(f, pod("b", "10.0.0.2", { ready: false }));
  await addPod(f, pod("c", "10.0.0.3", { deleting: true }));
  await sync(f);
  const [s, ...rest] = slices(f);
  assert.equal(rest.length, 0);
  assert.match(s.metadata!.name!, /^web-[a-z0-9]{5}$/);
  assert.deepEqual(s.metadata!.labels, {
    tier: "front",
    "kubernetes.io/service-name": "web",
    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
  });
  assert.deepEqual(s.metadata!.ownerReferences, [{ apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.equal(s.addressType, "IPv4");
  assert.deepEqual(s.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
  const byName = Object.fromEntries(s.endpoints.map((e) => [e.targetRef!.name, e]));
  assert.deepEqual(byName.a.conditions, { ready: true, serving: true, terminating: false });
  assert.deepEqual(byName.b.conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(byName.c.conditions, { ready: false, serving: true, terminating: true });
  assert.deepEqual(byName.a.addresses, ["10.0.0.1"]);
  assert.equal(byName.a.nodeName, "n1");
  assert.equal(byName.a.targetRef!.kind, "Pod");

  const writes = f.writes.length;
  await sync(f);
  assert.equal(f.writes.length, writes, "an unchanged cluster writes nothing");

  const map = c.watches!.find((w) => w.resource === RES)!.map;
  assert.deepEqual(map(s as unknown as KObject, f), [{ namespace: "default", name: "web" }]);
  assert.deepEqual(c.watches!.find((w) => w.resource === "pods")!.map(f.get("pods", "default", "a")!, f), [{ namespace: "default", name: "web" }]);
});

test("at most 100 endpoints per slice; a removed pod rewrites only its slice", async () => {
  const f = new FakeCluster();
  await setup(f);
  for (let i = 0; i < 250; i++) await addPod(f, pod(`p${String(i).padStart(3, "0")}`, `10.0.${i >> 8}.${i & 255}`));
  await sync(f);
  assert.deepEqual(slices(f).map((s) => s.endpoints.length).sort((a, b) => a - b), [50, 100, 100]);

  await f.delete("pods", "default", "p000");
  f.writes.length = 0;
  await sync(f);
  assert.equal(f.writes.length, 1);
  assert.match(f.writes[0], /^update endpointslices\.discovery\.k8s\.io /);
  assert.equal(slices(f).reduce((n, s) => n + s.endpoints.length, 0), 249);

  // A new pod fills the room left rather than creating a slice.
  await addPod(f, pod("p999", "10.0.9.9"));
  f.writes.length = 0;
  await sync(f);
  assert.equal(f.writes.length, 1);
  assert.equal(slices(f).length, 3);
});

test("a Service without endpoints keeps one placeholder slice, replaced once pods come", async () => {
  const f = new FakeCluster();
  await setup(f);
  await sync(f);
  const [placeholder] = slices(f);
  assert.deepEqual(placeholder.endpoints, []);
  assert.deepEqual(placeholder.ports, []);
  f.writes.length = 0;
  await sync(f);
  assert.equal(f.writes.length, 0);

  await addPod(f, pod("a", "10.0.0.1"));
  f.writes.length = 0;
  await sync(f);
  assert.deepEqual(f.writes.map((w) => w.split(" ")[0]), ["create", "delete"]);
  assert.equal(slices(f)[0].endpoints.length, 1);
});

test("slices of a recreated Service (another uid) are replaced", async () => {
  const f = new FakeCluster();
  await setup(f);
  await addPod(f, pod("a", "10.0.0.1"));
  await sync(f);
  const old = f.list(RES, "default")[0];
  f.seed(RES, { ...old, metadata: { ...old.metadata, ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "web", uid: "old-uid", controller: true }] } });
  await sync(f);
  const now = slices(f);
  assert.equal(now.length, 1);
  assert.notEqual(now[0].metadata!.name, old.metadata.name);
});

test("pods whose named port does not resolve get a slice of their own without ports", async () => {
  const f = new FakeCluster();
  await setup(f);
  await addPod(f, pod("a", "10.0.0.1"));
  const other = pod("b", "10.0.0.2");
  (other.spec as { containers: { ports?: unknown[] }[] }).containers[0].ports = [{ name: "web", containerPort: 80 }];
  await addPod(f, other);
  await sync(f);
  const byPorts = Object.fromEntries(slices(f).map((s) => [JSON.stringify(s.ports), s.endpoints.map((e) => e.targetRef!.name)]));
  assert.deepEqual(byPorts, { '[{"name":"http","port":8080,"protocol":"TCP"}]': ["a"], "[]": ["b"] });
});
