import { test } from "node:test";
import assert from "node:assert/strict";
import { Balancer, endpointId } from "./balancer.js";
import { readyEndpoints, servicePorts } from "./model.js";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

const eps = (...ports: number[]) => ports.map((port) => ({ ip: "10.0.0.1", port }));
const first = (b: Balancer, ip = "1.1.1.1", now?: number) => endpointId(b.candidates(ip, now)[0]);

test("round-robin over the endpoints, every candidate list holding all of them", () => {
  const b = new Balancer();
  b.setEndpoints(eps(3, 1, 2));
  const seen = [first(b), first(b), first(b), first(b)];
  assert.deepEqual(seen, ["10.0.0.1:1", "10.0.0.1:2", "10.0.0.1:3", "10.0.0.1:1"]);
  assert.deepEqual(b.candidates("x").map((e) => e.port), [2, 3, 1]);
});

test("no endpoints: no candidates; a removed endpoint is never picked again", () => {
  const b = new Balancer();
  assert.deepEqual(b.candidates("x"), []);
  b.setEndpoints(eps(1, 2, 3));
  b.setEndpoints(eps(1, 3));
  const seen = new Set(Array.from({ length: 6 }, () => first(b)));
  assert.deepEqual([...seen].sort(), ["10.0.0.1:1", "10.0.0.1:3"]);
  b.setEndpoints([]);
  assert.deepEqual(b.candidates("x"), []);
});

test("ClientIP affinity pins a client until the timeout, other clients still rotate", () => {
  const b = new Balancer(true, 10_000);
  b.setEndpoints(eps(1, 2, 3));
  const a0 = b.candidates("a", 0)[0];
  b.connected("a", a0, 0);
  for (let t = 1; t < 5; t++) {
    const e = b.candidates("a", t * 1000)[0];
    assert.equal(endpointId(e), endpointId(a0));
    b.connected("a", e, t * 1000);
  }
  // Other clients are not pinned to a's endpoint.
  const others = new Set([first(b, "b", 5000), first(b, "c", 5000), first(b, "d", 5000)]);
  assert.equal(others.size, 3);
  // 10 s after the last use the pin has expired: the rotation decides again.
  const next = b.candidates("a", 4000 + 10_001)[0];
  assert.ok(next);
  assert.equal(b.pinned, 1);
  b.sweep(4000 + 10_001);
  assert.equal(b.pinned, 0);
});

test("a pin to a removed endpoint is dropped; a failover re-pins", () => {
  const b = new Balancer(true, 60_000);
  b.setEndpoints(eps(1, 2));
  b.connected("a", { ip: "10.0.0.1", port: 2 }, 0);
  assert.equal(first(b, "a", 1), "10.0.0.1:2");
  b.setEndpoints(eps(1, 3));
  assert.equal(b.pinned, 0);
  const c = b.candidates("a", 2);
  b.connected("a", c[1], 2); // first candidate failed, second reached
  assert.equal(first(b, "a", 3), endpointId(c[1]));
  b.configure(false, 0);
  assert.equal(b.pinned, 0);
});

test("servicePorts: cluster IP and node ports, affinity timeout, headless and ExternalName skipped", () => {
  const svc: Service = {
    metadata: { namespace: "ns", name: "web" },
    spec: {
      type: "NodePort",
      clusterIP: "10.96.1.2",
      sessionAffinity: "ClientIP",
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      ports: [
        { name: "http", port: 80, protocol: "TCP", nodePort: 30080 },
        { name: "dns", port: 53, protocol: "UDP", nodePort: 30053 },
        { name: "sctp", port: 9, protocol: "SCTP" },
      ],
    },
  };
  assert.deepEqual(servicePorts(svc), [
    { key: "ns/web:http", service: "ns/web", portName: "http", protocol: "TCP", clusterIP: "10.96.1.2", port: 80, nodePort: 30080, affinity: true, affinityTimeoutMs: 60_000 },
    { key: "ns/web:dns", service: "ns/web", portName: "dns", protocol: "UDP", clusterIP: "10.96.1.2", port: 53, nodePort: 30053, affinity: true, affinityTimeoutMs: 60_000 },
  ]);
  const plain = servicePorts({ metadata: { namespace: "ns", name: "a" }, spec: { clusterIP: "10.96.0.9", ports: [{ port: 80, nodePort: 31000 }] } });
  assert.deepEqual(plain.map((p) => [p.key, p.nodePort, p.affinity, p.affinityTimeoutMs]), [["ns/a", undefined, false, 10_800_000]]);
  assert.deepEqual(servicePorts({ metadata: { name: "h" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } }), []);
  assert.deepEqual(servicePorts({ metadata: { name: "x" }, spec: { type: "ExternalName", externalName: "example.com" } }), []);
});

test("readyEndpoints: matching port by name and protocol, ready unless false, first address, deduplicated", () => {
  const slices: EndpointSlice[] = [
    {
      addressType: "IPv4",
      metadata: { name: "a" },
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      endpoints: [
        { addresses: ["10.1.0.1", "10.1.0.9"], conditions: { ready: true } },
        { addresses: ["10.1.0.2"] },
        { addresses: ["10.1.0.3"], conditions: { ready: false } },
      ],
    },
    { addressType: "IPv4", metadata: { name: "b" }, ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: [{ addresses: ["10.1.0.2"] }] },
    { addressType: "IPv4", metadata: { name: "c" }, ports: [{ name: "other", port: 1, protocol: "TCP" }], endpoints: [{ addresses: ["10.1.0.4"] }] },
    { addressType: "IPv6", metadata: { name: "d" }, ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: [{ addresses: ["fd00::1"] }] },
  ];
  assert.deepEqual(readyEndpoints(slices, "http", "TCP"), [
    { ip: "10.1.0.1", port: 8080 },
    { ip: "10.1.0.2", port: 8080 },
  ]);
  assert.deepEqual(readyEndpoints(slices, "http", "UDP"), []);
});
