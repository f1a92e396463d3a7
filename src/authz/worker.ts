/**
 * The authorizers of the Worker's chain (node, then RBAC), fed from
 * per-isolate caches of the stores. Why a cache and not a check in the
 * store: a request to namespace N would otherwise need the cluster store's
 * ClusterRoleBindings too (a second Durable Object hop on every request, the
 * very cost that bounds the create rate). A snapshot is trusted for allows
 * for FRESH_MS; a denial re-reads anything older than RECHECK_MS before it
 * stands, so a new binding works at once and a revoked one stops within
 * FRESH_MS — Kubernetes' informer-fed RBAC is eventually consistent the same
 * way. RBAC writes through this isolate drop the affected snapshot at once.
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import type { RequestUser, ListResult, Result } from "../store/protocol.js";
import { listObjects } from "../store/rpc-lists.js";
import type { RequestInfo } from "../apiserver/request-info.js";
import { clusterStore, namespaceStore } from "../store/object-store.js";
import { listAcross } from "../store/across.js";
import { Cached, CachedMap } from "./cache.js";
import { CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, ROLES, isMaster, policyFrom, rbacAllows, rbacDecision, userRules, type Policy } from "./policy.js";
import type { AuthzAnswer, AuthzQuery } from "../apimachinery/cel.js";
import { nodeAuthorize, type NodeLookups } from "./node.js";
import type { PolicyRule } from "./rules.js";

export const FRESH_MS = 5_000;
export const RECHECK_MS = 100;

const items = async (r: ListResult | Result | undefined): Promise<KObject[]> => (r && !("code" in r) ? listObjects<KObject>(r) : []);

interface Caches {
  cluster: Cached<Policy>;
  namespaces: CachedMap<Policy>;
  pods: CachedMap<KObject[]>;
}
let caches: Caches | undefined;

function cachesFor(env: Env): Caches {
  return (caches ??= {
    cluster: new Cached(async () => {
      const r = await clusterStore(env).listMany([CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS], "");
      return policyFrom(await items(r[CLUSTER_ROLES]), await items(r[CLUSTER_ROLE_BINDINGS]));
    }),
    namespaces: new CachedMap(async (ns) => {
      const r = await namespaceStore(env, ns).listMany([ROLES, ROLE_BINDINGS], ns);
      return policyFrom(await items(r[ROLES]), await items(r[ROLE_BINDINGS]));
    }),
    pods: new CachedMap(async (key) => {
      const [node, ns] = key.split("\0");
      const fieldSelector = `spec.nodeName=${node}`;
      if (ns === "*") {
        const page = await listAcross(env, "pods", { fieldSelector });
        return page.items.map((s) => JSON.parse(s) as KObject);
      }
      return items(await namespaceStore(env, ns).list({ resource: "pods", namespace: ns, fieldSelector }));
    }, 2000),
  });
}

async function policies(env: Env, ns: string, maxAgeMs: number): Promise<[Policy, Policy | undefined]> {
  const c = cachesFor(env);
  return Promise.all([c.cluster.get(maxAgeMs), ns ? c.namespaces.get(ns, maxAgeMs) : undefined]);
}

const namespaceOf = (a: RequestInfo) => (a.isResourceRequest ? a.namespace : "");

/** RBAC over the cached snapshots: system:masters always; else a rule of a matching binding. */
export async function rbacAuthorize(user: RequestUser, a: RequestInfo, env: Env): Promise<true | null> {
  if (isMaster(user)) return true;
  const ns = namespaceOf(a);
  for (const age of [FRESH_MS, RECHECK_MS]) {
    const [cluster, nsPolicy] = await policies(env, ns, age);
    if (rbacAllows(user, a, cluster, nsPolicy)) return true;
  }
  return null;
}

/** Decides CEL `authorizer` checks synchronously (rbacDecision). */
export type RbacDecider = (user: RequestUser, q: AuthzQuery) => AuthzAnswer;

/** CEL `authorizer` checks for a request in namespace ns (webhook matchConditions): the isolate's RBAC snapshots of the cluster and ns, read now. */
export async function rbacDecider(env: Env, ns: string): Promise<RbacDecider> {
  const [cluster, nsPolicy] = await policies(env, ns, FRESH_MS);
  return (user, q) => rbacDecision(user, q, cluster, (n) => (n === ns ? nsPolicy : undefined));
}

/** Every rule the user holds in a namespace (SelfSubjectRulesReview, the escalation check). Fresh within RECHECK_MS. */
export async function rulesOf(user: RequestUser, ns: string, env: Env): Promise<PolicyRule[]> {
  const [cluster, nsPolicy] = await policies(env, ns, RECHECK_MS);
  return userRules(user, cluster, nsPolicy, ns);
}

function lookups(env: Env): NodeLookups {
  const c = cachesFor(env);
  return {
    pods: (node, ns, fresh) => c.pods.get(`${node}\0${ns ?? "*"}`, fresh ? RECHECK_MS : FRESH_MS),
    ingresses: async (ns) => items(await namespaceStore(env, ns).list({ resource: "ingresses.networking.k8s.io", namespace: ns })),
    async claimVolume(ns, claim) {
      const r = await namespaceStore(env, ns).get("persistentvolumeclaims", ns, claim);
      return r.code === 200 ? ((JSON.parse(r.body) as KObject).spec as { volumeName?: string } | undefined)?.volumeName : undefined;
    },
  };
}

export const nodeAuthorizer = (user: RequestUser, a: RequestInfo, env: Env) => nodeAuthorize(user, a, lookups(env));

/** An RBAC object changed through this isolate: drop the snapshot it belongs to. */
export function rbacChanged(resource: string, namespace: string): void {
  if (!caches) return;
  if (resource === ROLES || resource === ROLE_BINDINGS) caches.namespaces.invalidate(namespace);
  else if (resource === CLUSTER_ROLES || resource === CLUSTER_ROLE_BINDINGS) caches.cluster.invalidate();
}
