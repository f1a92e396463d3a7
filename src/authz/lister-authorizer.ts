/**
 * RBAC for the controller manager's own clients. Controllers and the
 * scheduler write straight into the stores (no HTTP hop), so their requests
 * are authorized here against the same bootstrap roles, from the manager's
 * informer cache of Roles/ClusterRoles/bindings (pushed by the stores, so
 * always current). Controllers write thousands of objects: decisions are
 * memoised per (user, verb, resource, namespace) — plus name only when the
 * user's rules name resources — and dropped whenever an RBAC object changes.
 */
import type { Lister } from "../controllers/types.js";
import type { RequestUser } from "../store/protocol.js";
import type { RequestInfo } from "../apiserver/request-info.js";
import { CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, RBAC_RESOURCES, ROLE_BINDINGS, ROLES, isMaster, policyFrom, rbacAllows, userKey, userRules, type Policy } from "./policy.js";

export class ListerAuthorizer {
  private cluster?: Policy;
  private namespaces = new Map<string, Policy>();
  private decisions = new Map<string, boolean>();

  constructor(private lister: Lister) {}

  /** The informer saw a change: RBAC changes invalidate every snapshot and decision. */
  changed(resource: string): void {
    if (!RBAC_RESOURCES.includes(resource)) return;
    this.cluster = undefined;
    this.namespaces.clear();
    this.decisions.clear();
  }

  private policies(ns: string): [Policy, Policy | undefined] {
    this.cluster ??= policyFrom(this.lister.list(CLUSTER_ROLES), this.lister.list(CLUSTER_ROLE_BINDINGS));
    if (!ns) return [this.cluster, undefined];
    let p = this.namespaces.get(ns);
    if (!p) this.namespaces.set(ns, (p = policyFrom(this.lister.list(ROLES, ns), this.lister.list(ROLE_BINDINGS, ns))));
    return [this.cluster, p];
  }

  allows(user: RequestUser, a: RequestInfo): boolean {
    if (isMaster(user)) return true;
    const ns = a.isResourceRequest ? a.namespace : "";
    const [cluster, nsPolicy] = this.policies(ns);
    const named = userRules(user, cluster, nsPolicy, ns).some((r) => r.resourceNames?.length);
    const key = a.isResourceRequest
      ? `${userKey(user)}\u0001${a.verb}\u0001${a.group}\u0001${a.resource}\u0001${a.subresource}\u0001${ns}${named ? `\u0001${a.name}` : ""}`
      : `${userKey(user)}\u0001${a.verb}\u0001${a.path}`;
    let d = this.decisions.get(key);
    if (d === undefined) {
      d = rbacAllows(user, a, cluster, nsPolicy);
      if (this.decisions.size > 20_000) this.decisions.clear();
      this.decisions.set(key, d);
    }
    return d;
  }
}
