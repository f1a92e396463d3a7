import { test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { readyEndpoints } from "./model.js";
import { endpointId } from "./balancer.js";

const slice = (endpoints: NonNullable<EndpointSlice["endpoints"]>): EndpointSlice => ({
  metadata: { name: "web-abc", namespace: "shop", labels: { "kubernetes.io/service-name": "web" } },
  addressType: "IPv4",
  ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  endpoints,
});
const ep = (ip: string, node: string, pod: string, ready = true) => ({ addresses: [ip], nodeName: node, targetRef: { kind: "Pod", namespace: "shop", name: pod }, conditions: { ready } });

test("pods on other nodes are relayed, by pod; the same IP on two hosts is two endpoints; unready ones are left out", () => {
  const s = slice([ep("10.88.0.5", "a", "web-1"), ep("10.88.0.5", "b", "web-2"), ep("10.88.0.6", "b", "web-3", false)]);
  const fromA = readyEndpoints([s], "http", "TCP", "a");
  assert.deepEqual(fromA, [
    { ip: "10.88.0.5", port: 8080 },
    { ip: "10.88.0.5", port: 8080, relay: { namespace: "shop", pod: "web-2", node: "b" } },
  ]);
  assert.deepEqual(fromA.map(endpointId), ["10.88.0.5:8080", "b/10.88.0.5:8080"]);
  // Without a local node (no relay configured) every endpoint is dialled by IP, and duplicates collapse.
  assert.deepEqual(readyEndpoints([s], "http", "TCP"), [{ ip: "10.88.0.5", port: 8080 }]);
  // UDP is not relayed.
  assert.deepEqual(readyEndpoints([{ ...s, ports: [{ name: "http", port: 53, protocol: "UDP" }] }], "http", "UDP", "a"), [{ ip: "10.88.0.5", port: 53 }]);
});
