/**
 * Privilege-escalation prevention for RBAC writes, as Kubernetes' policy-based
 * role and binding storage: a Role/ClusterRole may be written only by a user
 * who already holds every permission in it (or may `escalate`); a binding
 * only by one who holds every permission of the role it references in that
 * namespace (or may `bind` that role). The object judged is the store's own
 * dry-run result, so YAML, defaults and patches are seen exactly as they
 * will be stored.
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import type { RequestUser, Result } from "../store/protocol.js";
import type { ResourceRequest } from "../apiserver/request-info.js";
import { authorize } from "../apiserver/authz.js";
import { errors } from "../apimachinery/status.js";
import { clusterStore, namespaceStore } from "../store/object-store.js";
import { CLUSTER_ROLES, RBAC_GROUP, ROLES, isMaster, type RoleRef } from "./policy.js";
import { compactString, uncovered, type PolicyRule } from "./rules.js";
import { rulesOf } from "./worker.js";

const ROLE_RESOURCES = ["roles", "clusterroles"];
const BINDING_RESOURCES = ["rolebindings", "clusterrolebindings"];

/** Whether a request is a write this module must judge. */
export function needsEscalationCheck(info: ResourceRequest, user: RequestUser): boolean {
  return info.group === RBAC_GROUP && !info.subresource && ["create", "update", "patch"].includes(info.verb) && [...ROLE_RESOURCES, ...BINDING_RESOURCES].includes(info.resource) && !isMaster(user);
}

const may = async (user: RequestUser, info: ResourceRequest, verb: string, resource: string, name: string, env: Env) =>
  (await authorize(user, { ...info, verb, resource, name, subresource: "", kind: undefined }, env)).allowed;

function forbidden(info: ResourceRequest, name: string, why: string) {
  return errors.forbidden(`${info.resource}.${RBAC_GROUP}${name ? ` "${name}"` : ""} is forbidden: ${why}`, { group: RBAC_GROUP, resource: info.resource }, name);
}

async function confirmHeld(user: RequestUser, ns: string, rules: PolicyRule[], info: ResourceRequest, name: string, env: Env): Promise<void> {
  const missing = uncovered(await rulesOf(user, ns, env), rules);
  if (!missing.length) return;
  const groups = `[${user.groups.map((g) => JSON.stringify(g)).join(" ")}]`;
  throw forbidden(info, name, `user ${JSON.stringify(user.username)} (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compactString).sort().join("\n")}`);
}

async function roleRules(env: Env, ref: RoleRef, ns: string): Promise<PolicyRule[]> {
  const r: Result = ref.kind === "ClusterRole" ? await clusterStore(env).get(CLUSTER_ROLES, "", ref.name) : await namespaceStore(env, ns).get(ROLES, ns, ref.name);
  if (r.code !== 200) throw errors.notFound({ group: RBAC_GROUP, resource: ref.kind === "ClusterRole" ? "clusterroles" : "roles" }, ref.name);
  return ((JSON.parse(r.body) as KObject).rules as PolicyRule[] | undefined) ?? [];
}

/**
 * Throws 403 when the write would grant what the user does not hold.
 * dryRun performs the same write with dryRun=All and returns the store's answer.
 */
export async function confirmNoEscalation(env: Env, user: RequestUser, info: ResourceRequest, dryRun: () => Promise<Result>): Promise<void> {
  const isRole = ROLE_RESOURCES.includes(info.resource);
  if (isRole && (await may(user, info, "escalate", info.resource, info.name, env))) return;
  const r = await dryRun();
  if (r.code >= 400) return; // the real write fails the same way
  const obj = JSON.parse(r.body) as KObject;
  const name = obj.metadata.name ?? info.name;
  if (isRole) {
    if (obj.aggregationRule) throw forbidden(info, name, "must have cluster-admin privileges to use the aggregationRule");
    return confirmHeld(user, info.namespace, (obj.rules as PolicyRule[] | undefined) ?? [], info, name, env);
  }
  const ref = obj.roleRef as RoleRef;
  if (await may(user, info, "bind", ref.kind === "ClusterRole" ? "clusterroles" : "roles", ref.name, env)) return;
  await confirmHeld(user, info.namespace, await roleRules(env, ref, info.namespace), info, name, env);
}
