/**
 * InterPodAffinity: the pod's required affinity must find matching pods in
 * the node's topology domain, its required anti-affinity must find none, and
 * no existing pod's required anti-affinity may match the pod in that domain
 * (Filter); preferred terms of the pod and of existing pods (and existing
 * pods' required affinity, at hardPodAffinityWeight 1) score domains (Score,
 * min-max normalised). Existing pods come from the cache's label index, not
 * a walk over every pod.
 */
import type { Cycle, FilterPlugin, ScorePlugin } from "../framework.js";
import { MAX_NODE_SCORE } from "../framework.js";
import type { NodeInfo } from "../node-info.js";
import { termMatches, type AffinityTerm, type PodInfo } from "../pod-info.js";

const AFFINITY = ["node(s) didn't match pod affinity rules"];
const ANTI_AFFINITY = ["node(s) didn't match pod anti-affinity rules"];
const EXISTING_ANTI_AFFINITY = ["node(s) didn't satisfy existing pods anti-affinity rules"];
const HARD_POD_AFFINITY_WEIGHT = 1;

/** topologyKey → value → count (or score). */
type TopologyCounts = Map<string, Map<string, number>>;

/** Adds `by` to the node's domain for this term, when the node has the topology key. */
function bump(m: TopologyCounts, t: AffinityTerm, node: NodeInfo, by: number): void {
  if (!Object.hasOwn(node.labels, t.topologyKey)) return;
  let values = m.get(t.topologyKey);
  if (!values) m.set(t.topologyKey, (values = new Map()));
  const v = node.labels[t.topologyKey];
  values.set(v, (values.get(v) ?? 0) + by);
}

const countAt = (m: TopologyCounts, key: string, node: NodeInfo) =>
  Object.hasOwn(node.labels, key) ? m.get(key)?.get(node.labels[key]) ?? 0 : 0;

/** Existing pods (on known nodes) a term of the incoming pod may select. */
function* candidates(cycle: Cycle, t: AffinityTerm): Generator<[PodInfo, NodeInfo]> {
  for (const p of cycle.cache.candidates(t.selector, t.namespaceSelector.nothing ? t.namespaces : undefined)) {
    const node = cycle.cache.node(p.nodeName);
    if (node) yield [p, node];
  }
}

export const interPodAffinityFilter: FilterPlugin = {
  name: "InterPodAffinity",
  preFilter(cycle) {
    const { pod, cache } = cycle;
    const nsLabels = cycle.namespaceLabels;
    const existing: TopologyCounts = new Map();
    for (const p of cache.withRequiredAntiAffinity) {
      const node = cache.node(p.nodeName);
      if (node) for (const t of p.requiredAntiAffinity) if (termMatches(t, pod, nsLabels)) bump(existing, t, node, 1);
    }
    const affinity = pod.requiredAffinity;
    const anti = pod.requiredAntiAffinity;
    if (existing.size === 0 && affinity.length === 0 && anti.length === 0) return {};

    const affinityCounts: TopologyCounts = new Map();
    if (affinity.length)
      for (const [p, node] of candidates(cycle, affinity[0]))
        if (affinity.every((t) => termMatches(t, p, nsLabels))) for (const t of affinity) bump(affinityCounts, t, node, 1);
    const antiCounts: TopologyCounts = new Map();
    for (const t of anti) for (const [p, node] of candidates(cycle, t)) if (termMatches(t, p, nsLabels)) bump(antiCounts, t, node, 1);
    // The first of a group of pods with affinity to each other may go anywhere its terms' topologies exist.
    const matchesItself = affinity.length > 0 && affinity.every((t) => termMatches(t, pod, nsLabels));

    return {
      filter(node) {
        if (affinity.length) {
          let podsExist = true;
          for (const t of affinity) {
            if (!Object.hasOwn(node.labels, t.topologyKey)) return AFFINITY;
            if (countAt(affinityCounts, t.topologyKey, node) <= 0) podsExist = false;
          }
          if (!podsExist && !(affinityCounts.size === 0 && matchesItself)) return AFFINITY;
        }
        for (const t of anti) if (countAt(antiCounts, t.topologyKey, node) > 0) return ANTI_AFFINITY;
        for (const [key, values] of existing) if (Object.hasOwn(node.labels, key) && (values.get(node.labels[key]) ?? 0) > 0) return EXISTING_ANTI_AFFINITY;
        return undefined;
      },
    };
  },
};

export const interPodAffinityScore: ScorePlugin = {
  name: "InterPodAffinity",
  weight: 2,
  preScore(cycle) {
    const { pod, cache } = cycle;
    const nsLabels = cycle.namespaceLabels;
    const scores: TopologyCounts = new Map();
    // The pod's preferred terms, over the existing pods they select.
    for (const [terms, sign] of [[pod.preferredAffinity, 1], [pod.preferredAntiAffinity, -1]] as const)
      for (const t of terms) for (const [p, node] of candidates(cycle, t)) if (termMatches(t, p, nsLabels)) bump(scores, t, node, sign * t.weight);
    // Existing pods' terms that select the pod.
    for (const p of cache.withAffinity) {
      const node = cache.node(p.nodeName);
      if (!node) continue;
      for (const t of p.requiredAffinity) if (termMatches(t, pod, nsLabels)) bump(scores, t, node, HARD_POD_AFFINITY_WEIGHT);
      for (const t of p.preferredAffinity) if (termMatches(t, pod, nsLabels)) bump(scores, t, node, t.weight);
      for (const t of p.preferredAntiAffinity) if (termMatches(t, pod, nsLabels)) bump(scores, t, node, -t.weight);
    }
    if (scores.size === 0) return undefined;
    return {
      score(node) {
        let sum = 0;
        for (const key of scores.keys()) sum += countAt(scores, key, node);
        return sum;
      },
      normalize(values) {
        const min = Math.min(...values);
        const diff = Math.max(...values) - min;
        for (let i = 0; i < values.length; i++) values[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((values[i] - min) / diff)) : 0;
      },
    };
  },
};
