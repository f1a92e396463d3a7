import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { clusterRoleAggregationController as c } from "./index.js";
import { CLUSTER_ROLES } from "../../authz/policy.js";

const sel = (label: string) => ({ clusterRoleSelectors: [{ matchLabels: { [label]: "true" } }] });

test("an aggregating ClusterRole gets the union of the matching roles' rules, and follows their changes", async () => {
  const f = new FakeCluster();
  await f.create(CLUSTER_ROLES, { metadata: { name: "monitoring" }, aggregationRule: sel("x/agg"), rules: [] });
  await f.create(CLUSTER_ROLES, { metadata: { name: "a", labels: { "x/agg": "true" } }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] });
  await f.create(CLUSTER_ROLES, { metadata: { name: "b", labels: { "x/agg": "true" } }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }, { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"] }] });
  await f.create(CLUSTER_ROLES, { metadata: { name: "other" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] });

  const keys = c.watches![0].map(f.get(CLUSTER_ROLES, "", "a")!, f);
  assert.deepEqual(keys, [{ namespace: "", name: "monitoring" }], "a change to any ClusterRole requeues the aggregating ones");
  await c.reconcile(keys[0], f.context());
  assert.deepEqual(f.get(CLUSTER_ROLES, "", "monitoring")!.rules, [
    { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"] },
  ]);
  const writes = f.writes.length;
  await c.reconcile(keys[0], f.context());
  assert.equal(f.writes.length, writes, "nothing to do when up to date");

  await f.delete(CLUSTER_ROLES, "", "b");
  await c.reconcile(keys[0], f.context());
  assert.deepEqual(f.get(CLUSTER_ROLES, "", "monitoring")!.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
});

test("roles without an aggregationRule are left alone", async () => {
  const f = new FakeCluster();
  await f.create(CLUSTER_ROLES, { metadata: { name: "plain" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] });
  const writes = f.writes.length;
  await c.reconcile({ namespace: "", name: "plain" }, f.context());
  await c.reconcile({ namespace: "", name: "missing" }, f.context());
  assert.equal(f.writes.length, writes);
});
