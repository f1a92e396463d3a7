/**
 * ClusterRole aggregation: a ClusterRole with an aggregationRule holds the
 * union of the rules of every ClusterRole its selectors match (admin, edit
 * and view grow as roles labelled aggregate-to-* appear). Pure, so the
 * controller and the bootstrap policy compute the same thing.
 */
import type { KObject } from "../registry/types.js";
import { selectorFromLabelSelector, type LabelSelector } from "../apimachinery/selectors/labels.js";
import { deepEqual } from "../apimachinery/objects.js";
import type { PolicyRule } from "./rules.js";

export const selectorsOf = (role: KObject): LabelSelector[] | undefined =>
  (role.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined)?.clusterRoleSelectors ?? undefined;

/** The aggregated rules for `role` from `all` ClusterRoles (undefined if it does not aggregate). */
export function aggregatedRules(role: KObject, all: KObject[]): PolicyRule[] | undefined {
  const selectors = selectorsOf(role);
  if (!selectors) return undefined;
  const matchers = selectors.map((s) => selectorFromLabelSelector(s));
  const sources = all
    .filter((r) => r.metadata.name !== role.metadata.name && matchers.some((m) => !m.empty && m(r.metadata.labels)))
    .sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
  const rules: PolicyRule[] = [];
  for (const s of sources) for (const rule of (s.rules as PolicyRule[] | undefined) ?? []) if (!rules.some((r) => deepEqual(r, rule))) rules.push(rule);
  return rules;
}
