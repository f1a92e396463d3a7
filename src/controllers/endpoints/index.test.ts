import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import { endpointsController as c, MANAGED_BY_LABEL } from "./index.js";
import { repackSubsets, truncateSubsets } from "./subsets.js";
import { addPod } from "../common/testing.js";

type PodOpts = { ip?: string; ready?: boolean; labels?: Record<string, string>; ports?: { name: string; containerPort: number }[]; deleting?: boolean; node?: string };

function pod(name: string, o: PodOpts = {}): KObject {
  return {
    metadata: { name, namespace: "default", labels: o.labels ?? { app: "web" }, ...(o.deleting ? { deletionTimestamp: "2026-01-01T00:00:30Z", deletionGracePeriodSeconds: 30 } : {}) },
    spec: { nodeName: o.node ?? "n1", containers: [{ name: "c", image: "nginx", ports: o.ports }] },
    status: { phase: "Running", podIP: o.ip, podIPs: o.ip ? [{ ip: o.ip }] : undefined, conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }] },
  };
}

async function service(f: FakeCluster, spec: Record<string, unknown>, name = "web") {
  return f.create("services", { metadata: { name, namespace: "default", labels: { tier: "front" } }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }], ...spec } });
}

const sync = (f: FakeCluster, name = "web") => c.reconcile({ namespace: "default", name }, f.context());
const ep = (f: FakeCluster, name = "web") => f.get("endpoints", "default", name) as KObject & { subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports?: unknown[] }[] };
const ips = (l?: { ip: string }[]) => (l ?? []).map((a) => a.ip);

test("endpoints follow pod readiness and leave terminating pods out", async () => {
  const f = new FakeCluster();
  await service(f, {});
  await addPod(f, pod("web-1", { ip: "10.0.0.1" }));
  await addPod(f, pod("web-2", { ip: "10.0.0.2", ready: false }));
  await addPod(f, pod("web-3", { ip: "10.0.0.3", deleting: true }));
  await addPod(f, pod("web-4"));
  await addPod(f, pod("other", { ip: "10.0.0.9", labels: { app: "db" } }));
  await sync(f);
  const e = ep(f);
  assert.equal(e.metadata.labels?.[MANAGED_BY_LABEL], "endpoint-controller");
  assert.equal(e.metadata.labels?.tier, "front");
  assert.equal(e.subsets?.length, 1);
  assert.deepEqual(ips(e.subsets?.[0].addresses), ["10.0.0.1"]);
  assert.deepEqual(ips(e.subsets?.[0].notReadyAddresses), ["10.0.0.2"]);
  assert.deepEqual(e.subsets?.[0].ports, [{ port: 8080, protocol: "TCP" }]);
  const a = (e.subsets?.[0].addresses ?? [])[0] as unknown as { nodeName: string; targetRef: { kind: string; name: string; uid: string } };
  assert.equal(a.nodeName, "n1");
  assert.equal(a.targetRef.kind, "Pod");
  assert.equal(a.targetRef.name, "web-1");

  const writes = f.writes.length;
  await sync(f);
  assert.equal(f.writes.length, writes, "an unchanged cluster writes nothing");

  const p2 = f.get("pods", "default", "web-2")!;
  (p2.status as { conditions: { status: string }[] }).conditions[0].status = "True";
  await f.updateStatus("pods", p2);
  await sync(f);
  assert.deepEqual(ips(ep(f).subsets?.[0].addresses), ["10.0.0.1", "10.0.0.2"]);
  assert.equal(ep(f).subsets?.[0].notReadyAddresses, undefined);
});

test("a named targetPort resolves per pod; pods without it are left out", async () => {
  const f = new FakeCluster();
  await service(f, { ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "metrics", port: 9100, targetPort: 9100 }] });
  await addPod(f, pod("a", { ip: "10.0.0.1", ports: [{ name: "http", containerPort: 8080 }] }));
  await addPod(f, pod("b", { ip: "10.0.0.2", ports: [{ name: "http", containerPort: 9090 }] }));
  await addPod(f, pod("c", { ip: "10.0.0.3", ports: [{ name: "web", containerPort: 80 }] }));
  await sync(f);
  const subsets = ep(f).subsets ?? [];
  const portsOf = (ip: string) => subsets.filter((s) => ips(s.addresses).includes(ip)).flatMap((s) => s.ports as { name: string; port: number }[]).map((p) => `${p.name}:${p.port}`).sort();
  assert.deepEqual(portsOf("10.0.0.1"), ["http:8080", "metrics:9100"]);
  assert.deepEqual(portsOf("10.0.0.2"), ["http:9090", "metrics:9100"]);
  // c resolves only the numeric port.
  assert.deepEqual(portsOf("10.0.0.3"), ["metrics:9100"]);
  // metrics:9100 is served by all three: one subset holds it with all three addresses.
  const metrics = subsets.find((s) => (s.ports as { name: string }[]).some((p) => p.name === "metrics"));
  assert.deepEqual(ips(metrics?.addresses), ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
});

test("publishNotReadyAddresses lists unready and terminating pods as addresses", async () => {
  const f = new FakeCluster();
  await service(f, { publishNotReadyAddresses: true, clusterIP: "None" });
  await addPod(f, pod("a", { ip: "10.0.0.1", ready: false }));
  await addPod(f, pod("b", { ip: "10.0.0.2", deleting: true }));
  await sync(f);
  const e = ep(f);
  assert.deepEqual(ips(e.subsets?.[0].addresses), ["10.0.0.1", "10.0.0.2"]);
  assert.equal(e.metadata.labels?.["service.kubernetes.io/headless"], "");
});

test("a Service with no pods gets empty Endpoints; deleting the Service deletes only managed Endpoints", async () => {
  const f = new FakeCluster();
  await service(f, {});
  await service(f, { selector: undefined }, "manual");
  await f.create("endpoints", { metadata: { name: "manual", namespace: "default" }, subsets: [{ addresses: [{ ip: "192.168.0.1" }], ports: [{ port: 80 }] }] });
  await f.create("endpoints", { metadata: { name: "orphan", namespace: "default" }, subsets: [{ addresses: [{ ip: "192.168.0.2" }] }] });
  await sync(f);
  await sync(f, "manual");
  await sync(f, "orphan");
  assert.equal(ep(f).subsets, undefined);
  assert.deepEqual(ips(ep(f, "manual").subsets?.[0].addresses), ["192.168.0.1"], "no selector: hand-written Endpoints untouched");
  assert.ok(ep(f, "orphan"), "unmanaged Endpoints without a Service stay");

  await f.delete("services", "default", "web");
  await sync(f);
  assert.equal(ep(f), undefined);
});

test("a pod change maps to the Services selecting it; Endpoints map to their Service", async () => {
  const f = new FakeCluster();
  await service(f, {});
  await service(f, { selector: { app: "db" } }, "db");
  const p = await addPod(f, pod("web-1", { ip: "10.0.0.1" }));
  const map = c.watches!.find((w) => w.resource === "pods")!.map;
  assert.deepEqual(map(p, f), [{ namespace: "default", name: "web" }]);
  // Relabelled into "db": the new state maps there (the runtime maps the old state to "web").
  assert.deepEqual(map({ ...p, metadata: { ...p.metadata, labels: { app: "db" } } }, f), [{ namespace: "default", name: "db" }]);
  await sync(f);
  assert.equal(c.primary, "services");
  assert.deepEqual(c.watches!.find((w) => w.resource === "endpoints")!.map(ep(f), f), [{ namespace: "default", name: "web" }]);
});

test("repackSubsets groups each port with exactly the addresses serving it", () => {
  const addr = (ip: string) => ({ ip, targetRef: { kind: "Pod", uid: ip } });
  const p80 = { name: "a", port: 80, protocol: "TCP" };
  const p81 = { name: "b", port: 81, protocol: "TCP" };
  const subsets = repackSubsets([
    { address: addr("10.0.0.2"), ready: true, ports: [p80, p81] },
    { address: addr("10.0.0.1"), ready: true, ports: [p80] },
    { address: addr("10.0.0.3"), ready: false, ports: [p80, p81] },
  ]);
  assert.deepEqual(subsets, [
    { addresses: [addr("10.0.0.1"), addr("10.0.0.2")], notReadyAddresses: [addr("10.0.0.3")], ports: [p80] },
    { addresses: [addr("10.0.0.2")], notReadyAddresses: [addr("10.0.0.3")], ports: [p81] },
  ]);
});

test("truncateSubsets keeps 1000 addresses, ready ones first", () => {
  const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));
  const subsets = [
    { addresses: many(900, "10.0.0"), notReadyAddresses: many(300, "10.0.1"), ports: [{ port: 80 }] },
    { addresses: many(50, "10.0.2"), ports: [{ port: 81 }] },
  ];
  assert.equal(truncateSubsets(subsets), true);
  const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  assert.equal(ready, 950);
  assert.equal(notReady, 50);
  assert.equal(truncateSubsets(subsets), false);
});
