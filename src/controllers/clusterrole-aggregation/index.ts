/**
 * The ClusterRole aggregation controller: a ClusterRole with an
 * aggregationRule gets, as its rules, the union of the rules of the
 * ClusterRoles its selectors match — so installing a role labelled
 * aggregate-to-view extends view, edit and admin. Any ClusterRole change
 * requeues every aggregating ClusterRole (there are few).
 */
import type { Controller } from "../types.js";
import { deepEqual } from "../../apimachinery/objects.js";
import { aggregatedRules, selectorsOf } from "../../authz/aggregation.js";
import { CLUSTER_ROLES } from "../../authz/policy.js";

export const clusterRoleAggregationController: Controller = {
  name: "clusterrole-aggregation",
  primary: CLUSTER_ROLES,
  watches: [{ resource: CLUSTER_ROLES, map: (_o, lister) => lister.list(CLUSTER_ROLES).filter((r) => selectorsOf(r)).map((r) => ({ namespace: "", name: r.metadata.name ?? "" })) }],
  async reconcile(key, { lister, client }) {
    const role = lister.get(CLUSTER_ROLES, "", key.name);
    if (!role) return;
    const rules = aggregatedRules(role, lister.list(CLUSTER_ROLES));
    if (!rules || deepEqual(rules, role.rules ?? [])) return;
    await client.update(CLUSTER_ROLES, { ...role, rules });
  },
};
