import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { serviceAccountController as c } from "./index.js";

test("every active namespace gets a default ServiceAccount, recreated when deleted", async () => {
  const f = new FakeCluster();
  const ns = await f.create("namespaces", { metadata: { name: "team-a" } });
  const [key] = c.watches![0].map(ns, f);
  assert.deepEqual(key, { namespace: "team-a", name: "default" });

  await c.reconcile(key, f.context());
  assert.ok(f.get("serviceaccounts", "team-a", "default"));
  const writes = f.writes.length;
  await c.reconcile(key, f.context());
  assert.equal(f.writes.length, writes, "nothing to do once it exists");

  await f.delete("serviceaccounts", "team-a", "default");
  await c.reconcile(key, f.context());
  assert.ok(f.get("serviceaccounts", "team-a", "default"), "recreated");
});

test("no ServiceAccount in a terminating or missing namespace, and other names are left alone", async () => {
  const f = new FakeCluster();
  f.seed("namespaces", { metadata: { name: "going", deletionTimestamp: "2026-01-01T00:00:00Z" }, status: { phase: "Terminating" } });
  await c.reconcile({ namespace: "going", name: "default" }, f.context());
  await c.reconcile({ namespace: "absent", name: "default" }, f.context());
  await f.create("namespaces", { metadata: { name: "team-b" } });
  await c.reconcile({ namespace: "team-b", name: "builder" }, f.context());
  assert.deepEqual(f.list("serviceaccounts"), []);
});
