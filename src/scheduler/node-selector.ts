/**
 * core/v1 NodeSelector matching, as component-helpers' nodeaffinity: terms
 * are ORed; a term's matchExpressions (In, NotIn, Exists, DoesNotExist, Gt,
 * Lt over node labels) and matchFields (metadata.name In/NotIn, one value)
 * are ANDed; an empty term, or one that does not parse, matches nothing.
 * Shared by NodeAffinity, PodTopologySpread's node inclusion and VolumeBinding.
 */
import type { NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from "kubernetes-types/core/v1";
import { selectorFromSet } from "../apimachinery/selectors/labels.js";

export type Labels = Record<string, string>;

/**
 * Whether a node matches, by its labels and name. Without a name, matchFields
 * are not checked (Kubernetes matches PV node affinity on labels alone).
 */
export type NodeMatcher = (labels: Labels, name?: string) => boolean;

const never: NodeMatcher = () => false;
const int64 = /^[+-]?[0-9]{1,19}$/;

function labelRequirement(r: NodeSelectorRequirement): ((l: Labels) => boolean) | undefined {
  const { key } = r;
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return values.length ? (l) => Object.hasOwn(l, key) && values.includes(l[key]) : undefined;
    case "NotIn":
      return values.length ? (l) => !Object.hasOwn(l, key) || !values.includes(l[key]) : undefined;
    case "Exists":
      return values.length ? undefined : (l) => Object.hasOwn(l, key);
    case "DoesNotExist":
      return values.length ? undefined : (l) => !Object.hasOwn(l, key);
    case "Gt":
    case "Lt": {
      if (values.length !== 1 || !int64.test(values[0])) return undefined;
      const want = BigInt(values[0]);
      const gt = r.operator === "Gt";
      return (l) => Object.hasOwn(l, key) && int64.test(l[key]) && (gt ? BigInt(l[key]) > want : BigInt(l[key]) < want);
    }
  }
  return undefined;
}

function fieldRequirement(r: NodeSelectorRequirement): ((name: string) => boolean) | undefined {
  if (r.key !== "metadata.name" || r.values?.length !== 1) return undefined;
  const v = r.values[0];
  if (r.operator === "In") return (n) => n === v;
  if (r.operator === "NotIn") return (n) => n !== v;
  return undefined;
}

/** One NodeSelectorTerm (also a preferred term's preference). */
export function compileNodeSelectorTerm(t: NodeSelectorTerm): NodeMatcher {
  const exprs = (t.matchExpressions ?? []).map(labelRequirement);
  const fields = (t.matchFields ?? []).map(fieldRequirement);
  if (exprs.length + fields.length === 0 || exprs.includes(undefined) || fields.includes(undefined)) return never;
  const ls = exprs as ((l: Labels) => boolean)[];
  const fs = fields as ((n: string) => boolean)[];
  return (labels, name) => ls.every((m) => m(labels)) && (name === undefined || fs.every((f) => f(name)));
}

/** A NodeSelector: any of its terms. */
export function compileNodeSelector(ns: NodeSelector): NodeMatcher {
  const terms = (ns.nodeSelectorTerms ?? []).map(compileNodeSelectorTerm);
  return (labels, name) => terms.some((t) => t(labels, name));
}

/**
 * nodeaffinity.GetRequiredNodeAffinity: spec.nodeSelector AND the required
 * node affinity; undefined when the pod has neither.
 */
export function requiredNodeAffinity(spec: PodSpec): NodeMatcher | undefined {
  const sel = spec.nodeSelector && Object.keys(spec.nodeSelector).length ? selectorFromSet(spec.nodeSelector) : undefined;
  const req = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const aff = req ? compileNodeSelector(req) : undefined;
  if (!sel && !aff) return undefined;
  return (labels, name) => (!sel || sel(labels)) && (!aff || aff(labels, name));
}
