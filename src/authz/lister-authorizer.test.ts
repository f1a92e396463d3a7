import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../controllers/fake.js";
import { ListerAuthorizer } from "./lister-authorizer.js";
import { defaultClusterRoleBindings, defaultClusterRoles } from "./bootstrap-policy.js";
import { CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES } from "./policy.js";
import type { RequestInfo } from "../apiserver/request-info.js";

const kcm = { username: "system:kube-controller-manager", groups: ["system:authenticated"] };
const res = (verb: string, resource: string, ns = "default", name = ""): RequestInfo => ({ isResourceRequest: true, verb, group: "", version: "v1", resource, subresource: "", name, namespace: ns, allNamespaces: false });

test("controllers are authorized from the informer's RBAC objects; decisions follow RBAC changes", async () => {
  const f = new FakeCluster();
  for (const r of defaultClusterRoles()) f.seed(CLUSTER_ROLES, r);
  for (const b of defaultClusterRoleBindings()) f.seed(CLUSTER_ROLE_BINDINGS, b);
  const a = new ListerAuthorizer(f);
  assert.ok(a.allows(kcm, res("create", "pods")));
  assert.ok(!a.allows(kcm, res("get", "secrets", "default", "s")));
  await f.create(CLUSTER_ROLE_BINDINGS, { metadata: { name: "kcm-admin" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "User", name: kcm.username, apiGroup: "rbac.authorization.k8s.io" }] });
  assert.ok(!a.allows(kcm, res("get", "secrets", "default", "s")), "cached until told of the change");
  a.changed(CLUSTER_ROLE_BINDINGS);
  assert.ok(a.allows(kcm, res("get", "secrets", "default", "s")));
});
