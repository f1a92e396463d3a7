import { test } from "node:test";
import assert from "node:assert/strict";
import { compactString, ruleAllows, uncovered, type PolicyRule } from "./rules.js";
import type { RequestInfo } from "../apiserver/request-info.js";

const res = (verb: string, group: string, resource: string, o: { sub?: string; name?: string; ns?: string } = {}): RequestInfo => ({
  isResourceRequest: true, verb, group, version: "v1", resource, subresource: o.sub ?? "", name: o.name ?? "", namespace: o.ns ?? "default", allNamespaces: false,
});
const path = (verb: string, p: string): RequestInfo => ({ isResourceRequest: false, verb, path: p });

test("verbs, groups, resources and wildcards", () => {
  const r: PolicyRule = { apiGroups: ["", "apps"], resources: ["pods", "deployments"], verbs: ["get", "list"] };
  assert.ok(ruleAllows(r, res("get", "", "pods")));
  assert.ok(ruleAllows(r, res("list", "apps", "deployments")));
  assert.ok(!ruleAllows(r, res("create", "", "pods")));
  assert.ok(!ruleAllows(r, res("get", "batch", "jobs")));
  assert.ok(ruleAllows({ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, res("delete", "x.io", "widgets", { sub: "status" })));
});

test("subresources: exact res/sub, */sub, and the parent does not imply the subresource", () => {
  assert.ok(!ruleAllows({ apiGroups: [""], resources: ["pods"], verbs: ["get"] }, res("get", "", "pods", { sub: "log" })));
  assert.ok(ruleAllows({ apiGroups: [""], resources: ["pods/log"], verbs: ["get"] }, res("get", "", "pods", { sub: "log" })));
  assert.ok(ruleAllows({ apiGroups: [""], resources: ["*/status"], verbs: ["update"] }, res("update", "", "pods", { sub: "status" })));
  assert.ok(!ruleAllows({ apiGroups: [""], resources: ["*/status"], verbs: ["update"] }, res("update", "", "pods")));
});

test("resourceNames restrict to the named objects (and never match an unnamed create or list)", () => {
  const r: PolicyRule = { apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"], verbs: ["get", "create", "list"] };
  assert.ok(ruleAllows(r, res("get", "", "configmaps", { name: "a" })));
  assert.ok(!ruleAllows(r, res("get", "", "configmaps", { name: "b" })));
  assert.ok(!ruleAllows(r, res("list", "", "configmaps")));
});

test("nonResourceURLs: exact, trailing * prefix, and *", () => {
  const r: PolicyRule = { nonResourceURLs: ["/healthz", "/apis/*"], verbs: ["get"] };
  assert.ok(ruleAllows(r, path("get", "/healthz")));
  assert.ok(!ruleAllows(r, path("get", "/healthz/etcd")));
  assert.ok(ruleAllows(r, path("get", "/apis/apps/v1")));
  assert.ok(!ruleAllows(r, path("post", "/apis/x")));
  assert.ok(!ruleAllows({ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, path("get", "/healthz")), "resource rules do not grant paths");
  assert.ok(ruleAllows({ nonResourceURLs: ["*"], verbs: ["*"] }, path("put", "/anything")));
});

test("coverage for escalation: a literal * is only covered by *, names by a superset, compacted per resource", () => {
  const owner: PolicyRule[] = [{ apiGroups: [""], resources: ["pods", "configmaps"], verbs: ["get", "list"] }, { apiGroups: [""], resources: ["secrets"], resourceNames: ["s1"], verbs: ["get"] }];
  assert.deepEqual(uncovered(owner, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), []);
  assert.deepEqual(uncovered(owner, [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["s1"], verbs: ["get"] }]), []);
  assert.deepEqual(uncovered(owner, [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]), [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]);
  assert.deepEqual(uncovered(owner, [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }]), [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }]);
  const missing = uncovered(owner, [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "create", "delete"] }]);
  assert.deepEqual(missing, [{ apiGroups: [""], resources: ["pods"], verbs: ["create", "delete"] }]);
  assert.equal(compactString(missing[0]), '{APIGroups:[""], Resources:["pods"], Verbs:["create" "delete"]}');
  assert.deepEqual(uncovered([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, { nonResourceURLs: ["*"], verbs: ["*"] }], [{ apiGroups: ["x"], resources: ["*"], verbs: ["*"] }, { nonResourceURLs: ["/a/*"], verbs: ["get"] }]), []);
  assert.deepEqual(uncovered([{ apiGroups: [""], resources: ["*/status"], verbs: ["get"] }], [{ apiGroups: [""], resources: ["pods/status"], verbs: ["get"] }]), []);
  assert.deepEqual(uncovered([{ nonResourceURLs: ["/api"], verbs: ["get"] }], [{ nonResourceURLs: ["/api/*"], verbs: ["get"] }]).length, 1);
});
