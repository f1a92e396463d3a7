import { test } from "node:test";
import assert from "node:assert/strict";
import { EMPTY_POLICY, policyFrom, rbacAllows, rbacDecision, subjectMatches, userRules } from "./policy.js";
import { defaultClusterRoleBindings, defaultClusterRoles, reconcileDefault } from "./bootstrap-policy.js";
import type { RequestInfo } from "../apiserver/request-info.js";
import type { KObject } from "../registry/types.js";

const res = (verb: string, group: string, resource: string, ns = "", name = "", sub = ""): RequestInfo => ({ isResourceRequest: true, verb, group, version: "v1", resource, subresource: sub, name, namespace: ns, allNamespaces: false });
const user = (username: string, ...groups: string[]) => ({ username, groups: [...groups, "system:authenticated"] });
const cluster = policyFrom(defaultClusterRoles(), defaultClusterRoleBindings());
const rb = (ns: string, name: string, roleRef: { kind: string; name: string }, subjects: object[]): KObject => ({ metadata: { name, namespace: ns }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects });

test("subjects: User, Group, ServiceAccount (namespace defaults to the binding's)", () => {
  const sa = { username: "system:serviceaccount:team:builder", groups: ["system:serviceaccounts", "system:serviceaccounts:team"] };
  assert.ok(subjectMatches({ kind: "ServiceAccount", name: "builder" }, sa, "team"));
  assert.ok(!subjectMatches({ kind: "ServiceAccount", name: "builder" }, sa, "other"));
  assert.ok(subjectMatches({ kind: "ServiceAccount", name: "builder", namespace: "team" }, sa, ""));
  assert.ok(subjectMatches({ kind: "Group", name: "system:serviceaccounts:team" }, sa, ""));
  assert.ok(subjectMatches({ kind: "User", name: "alice" }, user("alice"), ""));
  assert.ok(!subjectMatches({ kind: "User", name: "alice" }, user("bob", "alice"), ""));
});

test("bootstrap policy: discovery and self reviews for everyone; view/edit/admin aggregated; controllers least-privileged", () => {
  const alice = user("alice");
  assert.ok(rbacAllows(alice, { isResourceRequest: false, verb: "get", path: "/apis/apps/v1" }, cluster, undefined));
  assert.ok(rbacAllows(alice, res("create", "authorization.k8s.io", "selfsubjectaccessreviews"), cluster, undefined));
  assert.ok(!rbacAllows(alice, res("list", "", "pods", "default"), cluster, undefined));
  const kcm = { username: "system:kube-controller-manager", groups: ["system:authenticated"] };
  assert.ok(rbacAllows(kcm, res("create", "", "pods", "default"), cluster, undefined));
  assert.ok(rbacAllows(kcm, res("update", "apps", "deployments", "default", "web", "status"), cluster, undefined));
  assert.ok(!rbacAllows(kcm, res("get", "", "secrets", "default", "s"), cluster, undefined), "no secrets for controllers");
  assert.ok(!rbacAllows(kcm, res("create", "rbac.authorization.k8s.io", "clusterrolebindings"), cluster, undefined));
  const sched = { username: "system:kube-scheduler", groups: ["system:authenticated"] };
  assert.ok(rbacAllows(sched, res("create", "", "pods", "default", "p", "binding"), cluster, undefined));
  assert.ok(!rbacAllows(sched, res("create", "", "pods", "default"), cluster, undefined));
  const boot = { username: "system:bootstrap:abc", groups: ["system:bootstrappers", "system:authenticated"] };
  assert.ok(rbacAllows(boot, { isResourceRequest: false, verb: "post", path: "/edgeplane/v1/join" }, cluster, undefined));
  assert.ok(rbacAllows(boot, res("create", "certificates.k8s.io", "certificatesigningrequests"), cluster, undefined));
  const roles = new Map(defaultClusterRoles().map((r) => [r.metadata.name, r]));
  const count = (n: string) => (roles.get(n)!.rules as unknown[]).length;
  assert.ok(count("view") > 0 && count("edit") > count("view") && count("admin") > count("edit"));
});

test("RoleBindings grant in their namespace only; a RoleBinding to a ClusterRole uses the ClusterRole's rules", () => {
  const ns = policyFrom([{ metadata: { name: "reader", namespace: "team" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] }], [
    rb("team", "a", { kind: "ClusterRole", name: "view" }, [{ kind: "User", name: "alice" }]),
    rb("team", "b", { kind: "Role", name: "reader" }, [{ kind: "Group", name: "devs" }]),
  ]);
  const alice = user("alice", "devs");
  assert.ok(rbacAllows(alice, res("list", "apps", "deployments", "team"), cluster, ns));
  assert.ok(rbacAllows(alice, res("get", "", "secrets", "team", "x"), cluster, ns));
  assert.ok(!rbacAllows(alice, res("create", "apps", "deployments", "team"), cluster, ns));
  assert.ok(!rbacAllows(alice, res("list", "apps", "deployments", ""), cluster, EMPTY_POLICY), "no cluster-wide list from a RoleBinding");
  assert.ok(!rbacAllows(user("bob"), res("get", "", "secrets", "team", "x"), cluster, ns));
  const rules = userRules(alice, cluster, ns, "team");
  assert.ok(rules.some((r) => r.resources?.includes("secrets")));
  assert.equal(userRules(alice, cluster, undefined, ""), userRules(alice, cluster, undefined, ""), "memoised per snapshot");
});

test("reconcileDefault: adds back missing default rules/subjects while autoupdate is true, keeps additions", () => {
  const wanted = defaultClusterRoleBindings()[0];
  const existing = structuredClone(wanted);
  existing.subjects = [{ kind: "User", name: "extra", apiGroup: "rbac.authorization.k8s.io" }];
  const next = reconcileDefault(existing, wanted)!;
  assert.equal((next.subjects as unknown[]).length, 2);
  assert.equal(reconcileDefault(next, wanted), undefined);
  existing.metadata.annotations = { "rbac.authorization.kubernetes.io/autoupdate": "false" };
  assert.equal(reconcileDefault(existing, wanted), undefined);
});

test("rbacDecision answers CEL authorizer checks: allow, deny, and an error where a namespace's bindings are not at hand", () => {
  const team = policyFrom(
    [{ metadata: { name: "reader", namespace: "team" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }] }],
    [rb("team", "alice-reads", { kind: "Role", name: "reader" }, [{ kind: "User", name: "alice" }])],
  );
  const here = (ns: string) => (ns === "team" ? team : undefined);
  const alice = user("alice");
  assert.equal(rbacDecision(alice, { verb: "list", group: "", resource: "secrets", namespace: "team" }, cluster, here).decision, "allow");
  assert.equal(rbacDecision(alice, { verb: "delete", group: "", resource: "secrets", namespace: "team" }, cluster, here).decision, "deny");
  const elsewhere = rbacDecision(alice, { verb: "list", group: "", resource: "secrets", namespace: "other" }, cluster, here);
  assert.deepEqual([elsewhere.decision, elsewhere.error], ["error", 'the RoleBindings of namespace "other" are not at hand for this check']);
  // Cluster-wide rules answer anywhere; masters may do anything; paths are non-resource checks.
  assert.equal(rbacDecision(alice, { verb: "create", group: "authorization.k8s.io", resource: "selfsubjectaccessreviews" }, cluster, here).decision, "allow");
  assert.equal(rbacDecision(user("root", "system:masters"), { verb: "delete", group: "", resource: "nodes" }, cluster, here).decision, "allow");
  assert.equal(rbacDecision(alice, { verb: "get", path: "/healthz" }, cluster, here).decision, "allow");
  assert.equal(rbacDecision(alice, { verb: "get", path: "/metrics" }, cluster, here).decision, "deny");
});
