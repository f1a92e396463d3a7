/**
 * Which requests an admission policy (or webhook) is for: its MatchResources
 * as Kubernetes' admission matching reads them (k8s.io/apiserver's
 * admission/plugin/policy/matching and webhook/predicates): rules by
 * operation, group, version, resource ("*" is every resource but no
 * subresource, "pods/*" every subresource of pods, "*\/*" everything),
 * scope and resourceNames; excludeResourceRules; a namespaceSelector on the
 * namespace's labels (a Namespace is matched by its own; other
 * cluster-scoped objects always pass); an objectSelector on the object's or
 * the old object's labels.
 */
import { selectorFromLabelSelector, type LabelSelector } from "../apimachinery/selectors/labels.js";
import type { Attributes } from "./types.js";

export interface NamedRule {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
  resourceNames?: string[];
  scope?: string;
}

export interface MatchResources {
  resourceRules?: NamedRule[];
  excludeResourceRules?: NamedRule[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

const anyOf = (list: string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));

function resourceMatches(patterns: string[] | undefined, resource: string, subresource: string): boolean {
  for (const p of patterns ?? []) {
    const [res, sub = ""] = p.split("/", 2);
    if (p === "*/*") return true;
    if ((res === "*" || res === resource) && (sub === subresource || (sub === "*" && subresource !== ""))) return true;
  }
  return false;
}

/** Does one rule cover the request? */
export function ruleMatches(rule: NamedRule, a: Attributes): boolean {
  const scope = rule.scope ?? "*";
  if (scope === "Cluster" && a.kind.namespaced) return false;
  if (scope === "Namespaced" && !a.kind.namespaced) return false;
  if (!anyOf(rule.operations, a.operation)) return false;
  if (!anyOf(rule.apiGroups, a.kind.group)) return false;
  if (!anyOf(rule.apiVersions, a.kind.version)) return false;
  if (!resourceMatches(rule.resources, a.kind.plural, a.subresource ?? "")) return false;
  return !rule.resourceNames?.length || rule.resourceNames.includes(a.name);
}

const labelsOf = (o: { metadata?: { labels?: Record<string, string> } } | undefined) => o?.metadata?.labels ?? {};

/** Does the request fall under these MatchResources? `namespaceLabels`: the labels of the request's namespace. */
export function matchesResources(m: MatchResources | undefined, a: Attributes, namespaceLabels: Record<string, string>): boolean {
  if (!m) return true;
  if (m.resourceRules && !m.resourceRules.some((r) => ruleMatches(r, a))) return false;
  if (m.excludeResourceRules?.some((r) => ruleMatches(r, a))) return false;
  const ns = selectorFromLabelSelector(m.namespaceSelector ?? {});
  if (!ns.empty) {
    if (a.kind.kind === "Namespace" && a.kind.group === "") {
      if (!ns(labelsOf(a.operation === "DELETE" ? a.oldObject : a.object))) return false;
    } else if (a.kind.namespaced && !ns(namespaceLabels)) return false;
  }
  const obj = selectorFromLabelSelector(m.objectSelector ?? {});
  if (!obj.empty) {
    const now = a.operation === "DELETE" ? false : obj(labelsOf(a.object));
    if (!now && !(a.oldObject && obj(labelsOf(a.oldObject)))) return false;
  }
  return true;
}
