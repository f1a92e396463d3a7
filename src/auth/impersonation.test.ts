import { test } from "node:test";
import assert from "node:assert/strict";
import { impersonate, impersonatedUser, impersonationChecks, parseImpersonation } from "./impersonation.js";
import { forbiddenMessage } from "../apiserver/forbidden.js";
import { ApiError } from "../apimachinery/status.js";

const h = (pairs: [string, string][]) => {
  const x = new Headers();
  for (const [k, v] of pairs) x.append(k, v);
  return x;
};

test("Impersonate-* headers parse into user, groups, uid and extra", () => {
  assert.equal(parseImpersonation(new Headers()), null);
  const r = parseImpersonation(h([["Impersonate-User", "jane"], ["Impersonate-Group", "devs"], ["Impersonate-Group", "qa"], ["Impersonate-Uid", "u1"], ["Impersonate-Extra-Scopes", "view"], ["Impersonate-Extra-Scopes", "edit"], ["Impersonate-Extra-acme.com%2Fproject", "p1"]]));
  assert.deepEqual(r, { username: "jane", groups: ["devs", "qa"], uid: "u1", extra: { scopes: ["view", "edit"], "acme.com/project": ["p1"] } });
  assert.throws(() => parseImpersonation(h([["Impersonate-Group", "devs"]])), (e: ApiError) => e.code === 400);
});

test("each requested attribute is one impersonate check; service accounts are checked as serviceaccounts", () => {
  const checks = impersonationChecks({ username: "system:serviceaccount:ci:builder", groups: ["g"], uid: "u", extra: { k: ["v"] } });
  assert.deepEqual(
    checks.map((c) => [c.verb, c.group, c.resource, c.subresource, c.namespace, c.name]),
    [
      ["impersonate", "", "serviceaccounts", "", "ci", "builder"],
      ["impersonate", "", "groups", "", "", "g"],
      ["impersonate", "authentication.k8s.io", "uids", "", "", "u"],
      ["impersonate", "authentication.k8s.io", "userextras", "k", "", "v"],
    ],
  );
  assert.deepEqual(impersonatedUser({ username: "system:serviceaccount:ci:builder", groups: [], extra: {} }).groups, ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"]);
  assert.deepEqual(impersonatedUser({ username: "system:anonymous", groups: [], extra: {} }).groups, ["system:unauthenticated"]);
});

test("a denied impersonation is a 403 with Kubernetes' message", async () => {
  const real = { username: "bob", groups: ["system:authenticated"] };
  const deny = async () => ({ allowed: false });
  await assert.rejects(impersonate(real, h([["Impersonate-User", "jane"]]), deny, forbiddenMessage), (e: ApiError) => {
    assert.equal(e.code, 403);
    assert.equal(e.message, `users "jane" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope`);
    return true;
  });
  const allowUsersOnly = async (_u: unknown, info: { resource: string }) => ({ allowed: info.resource === "users" });
  await assert.rejects(impersonate(real, h([["Impersonate-User", "jane"], ["Impersonate-Group", "admins"]]), allowUsersOnly, forbiddenMessage), /groups "admins" is forbidden/);
  const u = await impersonate(real, h([["Impersonate-User", "jane"]]), async () => ({ allowed: true }), forbiddenMessage);
  assert.deepEqual(u, { username: "jane", groups: ["system:authenticated"] });
});
