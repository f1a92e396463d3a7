/**
 * What the ValidatingAdmissionPolicy plugin reads inside a store: the
 * cluster's policies and bindings, a copy refreshed at most every TTL_MS (as
 * kube-apiserver's informers lag, a new policy applies within a second or
 * so), and the params objects bindings name in other stores, fetched with
 * them. Params in the request's own namespace are read in the write's
 * transaction instead (the `local` reader), so they are never stale.
 * When a policy's CEL uses `authorizer`, the cluster's RBAC (ClusterRoles
 * and their bindings) is copied the same way, and authorize() answers its
 * checks: by those, and by this namespace's own Roles read in the write.
 */
import type { KObject } from "../registry/types.js";
import { registry, resourceKey } from "../registry/index.js";
import { selectorFromLabelSelector, type LabelSelector } from "../apimachinery/selectors/labels.js";
import { POLICIES, POLICY_BINDINGS, policyReadsAuthorizer, type BindingSpec, type ParamRef, type PolicySpec } from "../admission/validating-policy.js";
import { SharedCopy, type SharedListSource } from "./shared-copy.js";
import type { AuthzAnswer, AuthzQuery } from "../apimachinery/cel.js";
import type { RequestUser } from "./protocol.js";
import { CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, policyFrom, rbacDecision, type Policy } from "../authz/policy.js";

const TTL_MS = 1000;

/** Where a binding's params live: a resource in a namespace ("" for cluster-scoped), or the request's namespace. */
function paramsTarget(policy: KObject, binding: KObject): { resource: string; namespace: string | "request" } | undefined {
  const pk = (policy.spec as PolicySpec | undefined)?.paramKind;
  const ref = (binding.spec as BindingSpec | undefined)?.paramRef;
  if (!pk?.apiVersion || !pk.kind || !ref) return undefined;
  const [group, version] = pk.apiVersion.includes("/") ? pk.apiVersion.split("/", 2) : ["", pk.apiVersion];
  const kind = registry.byKind(group, version, pk.kind);
  if (!kind) return undefined;
  return { resource: resourceKey(kind), namespace: kind.namespaced ? ref.namespace || "request" : "" };
}

/** The params objects a paramRef picks out of the candidates: by name, else by selector. */
export function selectParams(objs: KObject[], ref: ParamRef): KObject[] {
  if (ref.name) return objs.filter((o) => o.metadata.name === ref.name);
  const sel = selectorFromLabelSelector((ref.selector ?? {}) as LabelSelector);
  return objs.filter((o) => sel(o.metadata.labels ?? {}));
}

export class PolicyCache {
  private readonly policyCopy = new SharedCopy(POLICIES, TTL_MS);
  private readonly bindingCopy = new SharedCopy(POLICY_BINDINGS, TTL_MS);
  private readonly roleCopy = new SharedCopy(CLUSTER_ROLES, TTL_MS);
  private readonly roleBindingCopy = new SharedCopy(CLUSTER_ROLE_BINDINGS, TTL_MS);
  private clusterPolicy?: Policy;
  private remote = new Map<string, KObject[]>();
  private at = 0;

  constructor(
    /** This store's namespace ("" for the cluster store). */
    private ownNamespace: () => string,
    private source: () => SharedListSource,
    /** Every object of a resource in another store. */
    private listElsewhere: (resource: string, namespace: string) => Promise<KObject[]>,
  ) {}

  get policies(): KObject[] {
    return this.policyCopy.items;
  }

  get bindings(): KObject[] {
    return this.bindingCopy.items;
  }

  /** Before a write: at most every TTL_MS, the policies and bindings, and the params they name in other stores (params change on their own). */
  async refresh(): Promise<void> {
    if (Date.now() - this.at < TTL_MS) return;
    const source = this.source();
    const src = () => source;
    await Promise.all([this.policyCopy.refresh(src, true), this.bindingCopy.refresh(src, true)]);
    if (this.policies.some(policyReadsAuthorizer)) {
      const changed = await Promise.all([this.roleCopy.refresh(src, true), this.roleBindingCopy.refresh(src, true)]);
      if (changed.some((c) => c) || !this.clusterPolicy) this.clusterPolicy = policyFrom(this.roleCopy.items, this.roleBindingCopy.items);
    }
    this.at = Date.now();
    const remote = new Map<string, KObject[]>();
    const byName = new Map(this.policies.map((x) => [x.metadata.name, x]));
    for (const binding of this.bindings) {
      const policy = byName.get((binding.spec as BindingSpec | undefined)?.policyName);
      const t = policy && paramsTarget(policy, binding);
      if (!t || t.namespace === "request" || t.namespace === this.ownNamespace()) continue;
      const key = `${t.resource}|${t.namespace}`;
      if (!remote.has(key)) remote.set(key, await this.listElsewhere(t.resource, t.namespace));
    }
    this.remote = remote;
  }

  /** The params of a binding for a request in `namespace`; `local` reads this store's own objects. */
  params(binding: KObject, policy: KObject, namespace: string, local: (resource: string) => KObject[]): KObject[] {
    const t = paramsTarget(policy, binding);
    const ref = (binding.spec as BindingSpec | undefined)?.paramRef;
    if (!t || !ref) return [];
    const ns = t.namespace === "request" ? namespace : t.namespace;
    const objs = ns === this.ownNamespace() ? local(t.resource) : (this.remote.get(`${t.resource}|${ns}`) ?? []);
    return selectParams(objs, ref);
  }

  /** An `authorizer` check (rbacDecision) over the cluster's RBAC copy and this namespace's own (`own`: its Roles and bindings, read in the write). */
  authorize(user: RequestUser, q: AuthzQuery, own: () => Policy): AuthzAnswer {
    if (!this.clusterPolicy) return { decision: "error", error: "authorization is not available: no policy of this store uses authorizer" };
    return rbacDecision(user, q, this.clusterPolicy, (ns) => (ns === this.ownNamespace() ? own() : undefined));
  }
}
