/**
 * The RBAC policy as an immutable, indexed snapshot of Roles, ClusterRoles
 * and their bindings, and the rules a user holds in a namespace. Snapshots
 * never change once built, so what is derived from one (a user's rules, a
 * decision) is memoised on it and dropped with it: whoever builds snapshots
 * (the Worker's per-isolate cache, the controller manager's informer)
 * decides how fresh they are; evaluation here is pure.
 */
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import type { RequestInfo } from "../apiserver/request-info.js";
import { rulesAllow, type PolicyRule } from "./rules.js";
import type { AuthzAnswer, AuthzQuery } from "../apimachinery/cel.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";
export const CLUSTER_ROLES = `clusterroles.${RBAC_GROUP}`;
export const CLUSTER_ROLE_BINDINGS = `clusterrolebindings.${RBAC_GROUP}`;
export const ROLES = `roles.${RBAC_GROUP}`;
export const ROLE_BINDINGS = `rolebindings.${RBAC_GROUP}`;
export const RBAC_RESOURCES = [CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS, ROLES, ROLE_BINDINGS];

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}
export interface RoleRef {
  apiGroup?: string;
  kind: string;
  name: string;
}
interface Binding {
  roleRef: RoleRef;
  subjects: Subject[];
}

/** Roles and bindings of one scope: the cluster (ClusterRoles, ClusterRoleBindings) or a namespace (Roles, RoleBindings). */
export interface Policy {
  roles: Map<string, PolicyRule[]>;
  bindings: Binding[];
  /** Memo: user key → rules from this scope's bindings (never invalidated: the snapshot is immutable). */
  memo: Map<string, PolicyRule[]>;
}

export const EMPTY_POLICY: Policy = { roles: new Map(), bindings: [], memo: new Map() };

export function policyFrom(roles: KObject[], bindings: KObject[]): Policy {
  return {
    roles: new Map(roles.map((r) => [r.metadata.name ?? "", ((r.rules as PolicyRule[] | undefined) ?? []).filter((x) => x && Array.isArray(x.verbs))])),
    bindings: bindings.map((b) => ({ roleRef: b.roleRef as RoleRef, subjects: (b.subjects as Subject[] | undefined) ?? [] })),
    memo: new Map(),
  };
}

export const userKey = (u: RequestUser) => `${u.username}\0${u.groups.join("\0")}`;

const SA_PREFIX = "system:serviceaccount:";

/** Does a binding's subject name this user (bindingNs: the RoleBinding's namespace, for ServiceAccounts without one)? */
export function subjectMatches(s: Subject, user: RequestUser, bindingNs: string): boolean {
  switch (s.kind) {
    case "User":
      return s.name === user.username;
    case "Group":
      return user.groups.includes(s.name);
    case "ServiceAccount":
      return user.username === `${SA_PREFIX}${s.namespace || bindingNs}:${s.name}`;
  }
  return false;
}

/** The rules a scope's bindings give this user (a RoleBinding's ClusterRole is read from `cluster`). */
function scopeRules(user: RequestUser, key: string, scope: Policy, cluster: Policy, ns: string): PolicyRule[] {
  let rules = scope.memo.get(key);
  if (rules) return rules;
  rules = [];
  for (const b of scope.bindings) {
    if (!b.subjects.some((s) => subjectMatches(s, user, ns))) continue;
    const from = b.roleRef.kind === "ClusterRole" ? cluster : ns ? scope : undefined;
    const r = from?.roles.get(b.roleRef.name);
    if (r) rules.push(...r);
  }
  if (scope.memo.size > 5000) scope.memo.clear();
  scope.memo.set(key, rules);
  return rules;
}

/** Everything the user holds in a namespace ("" for cluster scope): ClusterRoleBindings' rules plus the namespace's RoleBindings'. */
export function userRules(user: RequestUser, cluster: Policy, nsPolicy: Policy | undefined, ns: string): PolicyRule[] {
  const key = userKey(user);
  const c = scopeRules(user, key, cluster, cluster, "");
  if (!ns || !nsPolicy) return c;
  const n = scopeRules(user, key, nsPolicy, cluster, ns);
  return n.length ? [...c, ...n] : c;
}

/** The RBAC decision: allowed, or no opinion (the chain then denies). */
export function rbacAllows(user: RequestUser, a: RequestInfo, cluster: Policy, nsPolicy: Policy | undefined): boolean {
  const key = userKey(user);
  if (rulesAllow(scopeRules(user, key, cluster, cluster, ""), a)) return true;
  const ns = a.isResourceRequest ? a.namespace : "";
  return !!ns && !!nsPolicy && rulesAllow(scopeRules(user, key, nsPolicy, cluster, ns), a);
}

export const isMaster = (u: RequestUser) => u.groups.includes("system:masters");

/**
 * A CEL `authorizer` check (ValidatingAdmissionPolicy, webhook
 * matchConditions) answered synchronously by RBAC over the policies at hand:
 * system:masters may do anything; else a rule of the cluster's bindings or of
 * the namespace's, where namespacePolicy has it. A check in a namespace whose
 * bindings are not at hand, and that the cluster's do not allow, is an error.
 */
export function rbacDecision(user: RequestUser, q: AuthzQuery, cluster: Policy, namespacePolicy: (ns: string) => Policy | undefined): AuthzAnswer {
  if (isMaster(user)) return { decision: "allow" };
  const info: RequestInfo =
    q.path !== undefined
      ? { isResourceRequest: false, verb: q.verb, path: q.path }
      : { isResourceRequest: true, verb: q.verb, group: q.group ?? "", version: "", namespace: q.namespace ?? "", resource: q.resource ?? "", name: q.name ?? "", subresource: q.subresource ?? "", allNamespaces: false };
  const ns = info.isResourceRequest ? info.namespace : "";
  const own = ns ? namespacePolicy(ns) : undefined;
  if (rbacAllows(user, info, cluster, own)) return { decision: "allow" };
  if (ns && !own) return { decision: "error", error: `the RoleBindings of namespace "${ns}" are not at hand for this check` };
  return { decision: "deny" };
}
