/**
 * RBAC's PolicyRule semantics, pure and allocation-light because every
 * request runs them: whether a rule allows one request (verbs, apiGroups,
 * resources with "res/sub" and "*\/sub", resourceNames, nonResourceURLs with
 * a trailing "*" prefix match), and whether a set of rules covers another
 * (the escalation check: a user may only grant what it holds).
 */
import type { RequestInfo } from "../apiserver/request-info.js";

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const has = (list: readonly string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const rs = rule.resources;
  if (!rs) return false;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rs) {
    if (r === "*" || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith("*/") && r.endsWith(subresource)) return true;
  }
  return false;
}

export function pathMatches(patterns: readonly string[] | undefined, path: string): boolean {
  if (!patterns) return false;
  for (const p of patterns) {
    if (p === "*" || p === path) return true;
    if (p.endsWith("*") && path.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

/** Does this one rule allow the request? */
export function ruleAllows(rule: PolicyRule, a: RequestInfo): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.isResourceRequest) return pathMatches(rule.nonResourceURLs, a.path);
  if (!has(rule.apiGroups, a.group)) return false;
  if (!resourceMatches(rule, a.resource, a.subresource)) return false;
  return !rule.resourceNames?.length || rule.resourceNames.includes(a.name);
}

export const rulesAllow = (rules: readonly PolicyRule[], a: RequestInfo) => rules.some((r) => ruleAllows(r, a));

/** One requested permission, broken down to single values (as Kubernetes' BreakdownRule). */
interface Atom {
  verb: string;
  group?: string;
  resource?: string;
  name?: string;
  url?: string;
}

function breakdown(rule: PolicyRule): Atom[] {
  const out: Atom[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        if (rule.resourceNames?.length) for (const name of rule.resourceNames) out.push({ verb, group, resource, name });
        else out.push({ verb, group, resource });
      }
    }
    for (const url of rule.nonResourceURLs ?? []) out.push({ verb, url });
  }
  return out;
}

function resourceCovered(owner: readonly string[], requested: string): boolean {
  if (owner.includes("*") || owner.includes(requested)) return true;
  const slash = requested.indexOf("/");
  return slash > 0 && owner.includes(`*${requested.slice(slash)}`);
}

/** An owner rule covers an atom when the atom is a subset of it (a literal "*" is only covered by "*"). */
function atomCovered(owner: PolicyRule, a: Atom): boolean {
  if (!has(owner.verbs, a.verb)) return false;
  if (a.url !== undefined) return pathMatches(owner.nonResourceURLs, a.url);
  if (!has(owner.apiGroups, a.group!)) return false;
  if (!resourceCovered(owner.resources ?? [], a.resource!)) return false;
  if (!owner.resourceNames?.length) return true;
  return a.name !== undefined && owner.resourceNames.includes(a.name);
}

/** The requested permissions the owner's rules do not cover, compacted per resource (empty: covered). */
export function uncovered(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  const missing = new Map<string, PolicyRule>();
  for (const rule of requested) {
    for (const atom of breakdown(rule)) {
      if (owner.some((o) => atomCovered(o, atom))) continue;
      const key = atom.url !== undefined ? `url\0${atom.url}` : `res\0${atom.group}\0${atom.resource}\0${atom.name ?? ""}`;
      let m = missing.get(key);
      if (!m) {
        m = atom.url !== undefined ? { verbs: [], nonResourceURLs: [atom.url] } : { verbs: [], apiGroups: [atom.group!], resources: [atom.resource!], ...(atom.name !== undefined ? { resourceNames: [atom.name] } : {}) };
        missing.set(key, m);
      }
      if (!m.verbs.includes(atom.verb)) m.verbs.push(atom.verb);
    }
  }
  return [...missing.values()];
}

const q = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;

/** Kubernetes' compact rule string: {APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}
