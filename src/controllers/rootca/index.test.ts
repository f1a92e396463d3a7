import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { rootCaController } from "./index.js";

test("kube-root-ca.crt is published in active namespaces, recreated and corrected", async () => {
  const c = rootCaController("PEM");
  const f = new FakeCluster();
  const ns = await f.create("namespaces", { metadata: { name: "team-a" } });
  const [key] = c.watches![0].map(ns, f);
  await c.reconcile(key, f.context());
  assert.deepEqual(f.get("configmaps", "team-a", "kube-root-ca.crt")?.data, { "ca.crt": "PEM" });
  const writes = f.writes.length;
  await c.reconcile(key, f.context());
  assert.equal(f.writes.length, writes);
  await f.patch("configmaps", "team-a", "kube-root-ca.crt", { data: { "ca.crt": "tampered" } });
  await c.reconcile(key, f.context());
  assert.deepEqual(f.get("configmaps", "team-a", "kube-root-ca.crt")?.data, { "ca.crt": "PEM" });
  await c.reconcile({ namespace: "team-a", name: "other" }, f.context());
  assert.equal(f.list("configmaps").length, 1);
});
