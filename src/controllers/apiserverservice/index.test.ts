import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { apiServerServiceController, parseEndpoint } from "./index.js";

test("the kubernetes Service and its endpoints follow API_ENDPOINT", async () => {
  assert.deepEqual(parseEndpoint("127.0.0.1:8787"), { ip: "127.0.0.1", port: 8787, v6: false });
  assert.deepEqual(parseEndpoint("[::1]:443"), { ip: "::1", port: 443, v6: true });
  assert.equal(parseEndpoint("localhost"), undefined);
  const f = new FakeCluster();
  await f.create("namespaces", { metadata: { name: "default" } });
  const key = { namespace: "default", name: "kubernetes" };
  await apiServerServiceController("127.0.0.1:8787").reconcile(key, f.context());
  const svc = f.get("services", "default", "kubernetes") as unknown as { spec: { clusterIP: string; ports: { port: number; targetPort: number }[] } };
  assert.equal(svc.spec.clusterIP, "10.96.0.1");
  assert.equal(svc.spec.ports[0].port, 443);
  const slice = f.get("endpointslices.discovery.k8s.io", "default", "kubernetes") as unknown as { endpoints: { addresses: string[] }[]; ports: { port: number }[] };
  assert.deepEqual(slice.endpoints[0].addresses, ["127.0.0.1"]);
  assert.equal(slice.ports[0].port, 8787);
  const writes = f.writes.length;
  await apiServerServiceController("127.0.0.1:8787").reconcile(key, f.context());
  assert.equal(f.writes.length, writes, "steady state writes nothing");
  await apiServerServiceController("127.0.0.1:9999").reconcile(key, f.context());
  assert.equal((f.get("endpoints", "default", "kubernetes") as unknown as { subsets: { ports: { port: number }[] }[] }).subsets[0].ports[0].port, 9999);
});
