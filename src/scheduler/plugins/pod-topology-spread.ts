/**
 * PodTopologySpread: DoNotSchedule constraints must keep each topology
 * domain within maxSkew of the least loaded eligible domain (Filter, with
 * minDomains and the node inclusion policies), and ScheduleAnyway
 * constraints prefer the less loaded domains (Score). A pod without
 * constraints gets the cluster defaults (hostname maxSkew 3, zone maxSkew 5,
 * ScheduleAnyway) over the pods of its ReplicaSet/StatefulSet: the
 * successor of SelectorSpread, which spreads replicas across nodes and zones.
 */
import type { TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { everything, type LabelMatcher, type LabelSelector, type LabelSelectorRequirement } from "../../apimachinery/selectors/labels.js";
import type { Cycle, FilterPlugin, ScorePlugin } from "../framework.js";
import { MAX_NODE_SCORE } from "../framework.js";
import type { NodeInfo } from "../node-info.js";
import { safeSelector, type PodInfo } from "../pod-info.js";
import { untoleratedTaint } from "./taint-toleration.js";

const HOSTNAME = "kubernetes.io/hostname";
const NOT_MATCH = "node(s) didn't match pod topology spread constraints";
const REASON = [NOT_MATCH];
const MISSING_LABEL = [`${NOT_MATCH} (missing required label)`];

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  /** The pods counted: those the selector matches in the pod's namespace... */
  selector: LabelMatcher;
  /** ...or, for the default constraints, the pods of this controller. */
  ownerUid: string | undefined;
  /** The pod being placed matches the selector (it will count itself). */
  selfMatch: boolean;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/** The system default constraints (PodTopologySpreadArgs defaultingType: System). */
const SYSTEM_DEFAULTS = [
  { topologyKey: HOSTNAME, maxSkew: 3 },
  { topologyKey: "topology.kubernetes.io/zone", maxSkew: 5 },
];

function compile(c: TopologySpreadConstraint, pod: PodInfo): Constraint {
  let ls: LabelSelector | undefined = c.labelSelector;
  // matchLabelKeys: the pod's own values of these keys narrow the selector.
  const keys = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(pod.labels, k));
  if (ls && keys.length) {
    const extra: LabelSelectorRequirement[] = keys.map((key) => ({ key, operator: "In", values: [pod.labels[key]] }));
    ls = { ...ls, matchExpressions: [...(ls.matchExpressions ?? []), ...extra] };
  }
  const selector = safeSelector(ls);
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    minDomains: c.minDomains ?? 1,
    selector,
    ownerUid: undefined,
    selfMatch: selector(pod.labels),
    honorNodeAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
    honorTaints: c.nodeTaintsPolicy === "Honor",
  };
}

function constraintsOf(pod: PodInfo, action: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
  const own = pod.spec.topologySpreadConstraints ?? [];
  if (own.length) return own.filter((c) => c.whenUnsatisfiable === action).map((c) => compile(c, pod));
  if (action !== "ScheduleAnyway" || !pod.ownerUid) return [];
  return SYSTEM_DEFAULTS.map((d) => ({
    maxSkew: d.maxSkew,
    topologyKey: d.topologyKey,
    minDomains: 1,
    selector: everything,
    ownerUid: pod.ownerUid,
    selfMatch: true,
    honorNodeAffinity: true,
    honorTaints: false,
  }));
}

/** matchNodeInclusionPolicies. */
function included(cycle: Cycle, c: Constraint, node: NodeInfo): boolean {
  const affinity = cycle.requiredNodeAffinity;
  if (c.honorNodeAffinity && affinity && !affinity(node.labels, node.name)) return false;
  return !c.honorTaints || !untoleratedTaint(node.taints, cycle.pod.spec.tolerations ?? []);
}

const hasKeys = (node: NodeInfo, cs: Constraint[]) => cs.every((c) => Object.hasOwn(node.labels, c.topologyKey));

/**
 * countPodsMatchSelector for every node at once: the matching,
 * non-terminating pods of the namespace, per node (a node may be one the
 * cache has no Node object for yet).
 */
function countByNode(cycle: Cycle, c: Constraint): ReadonlyMap<NodeInfo, number> {
  const { cache, pod } = cycle;
  if (c.ownerUid) return cache.ownerCounts(c.ownerUid);
  const counts = new Map<NodeInfo, number>();
  // An empty selector counts nothing, as in Kubernetes.
  if (c.selector.empty) return counts;
  for (const p of cache.candidates(c.selector, new Set([pod.namespace]))) {
    if (p.terminating || p.namespace !== pod.namespace || !c.selector(p.labels)) continue;
    const node = cache.node(p.nodeName);
    if (node) counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  return counts;
}

export const podTopologySpreadFilter: FilterPlugin = {
  name: "PodTopologySpread",
  preFilter(cycle) {
    const cs = constraintsOf(cycle.pod, "DoNotSchedule");
    if (cs.length === 0) return {};
    // Per constraint: eligible domain → matching pods in it.
    const domains = cs.map(() => new Map<string, number>());
    const key = cs[0].topologyKey;
    const trivial = cs.every((c) => c.topologyKey === key && !c.honorTaints && (!c.honorNodeAffinity || !cycle.requiredNodeAffinity));
    if (trivial) {
      // Every node with the key is eligible: its values are the domains.
      for (const d of domains) for (const v of cycle.cache.nodeLabelValues(key)?.keys() ?? []) d.set(v, 0);
    } else {
      for (const node of cycle.cache.nodeList()) {
        if (!hasKeys(node, cs)) continue;
        for (let i = 0; i < cs.length; i++) {
          const v = node.labels[cs[i].topologyKey];
          if (!domains[i].has(v) && included(cycle, cs[i], node)) domains[i].set(v, 0);
        }
      }
    }
    for (let i = 0; i < cs.length; i++) {
      for (const [node, n] of countByNode(cycle, cs[i])) {
        if (!node.node || !hasKeys(node, cs) || !included(cycle, cs[i], node)) continue;
        const v = node.labels[cs[i].topologyKey];
        domains[i].set(v, (domains[i].get(v) ?? 0) + n);
      }
    }
    // The global minimum; 0 while there are fewer eligible domains than minDomains.
    const mins = cs.map((c, i) => (domains[i].size < c.minDomains ? 0 : Math.min(...domains[i].values())));
    return {
      filter(node) {
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i];
          if (!Object.hasOwn(node.labels, c.topologyKey)) return MISSING_LABEL;
          const skew = (domains[i].get(node.labels[c.topologyKey]) ?? 0) + (c.selfMatch ? 1 : 0) - mins[i];
          if (skew > c.maxSkew) return REASON;
        }
        return undefined;
      },
    };
  },
};

export const podTopologySpreadScore: ScorePlugin = {
  name: "PodTopologySpread",
  weight: 2,
  preScore(cycle, nodes) {
    const cs = constraintsOf(cycle.pod, "ScheduleAnyway");
    if (cs.length === 0) return undefined;
    // Only explicit constraints need nodes to carry every topology key (so
    // nodes without a zone label still get hostname spreading by default).
    const requireAll = (cycle.pod.spec.topologySpreadConstraints ?? []).length > 0;
    const ignored = new Set<NodeInfo>();
    // Per constraint: for the hostname, matching pods per node; else per domain of the scored nodes.
    const perNode = cs.map((c) => countByNode(cycle, c));
    const perDomain = cs.map(() => new Map<string, number>());
    for (const node of nodes) {
      if (requireAll && !hasKeys(node, cs)) {
        ignored.add(node);
        continue;
      }
      for (let i = 0; i < cs.length; i++) if (cs[i].topologyKey !== HOSTNAME) perDomain[i].set(node.labels[cs[i].topologyKey] ?? "", 0);
    }
    const weights = cs.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? nodes.length - ignored.size : perDomain[i].size) + 2));
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.topologyKey === HOSTNAME) continue;
      if (c.ownerUid && !requireAll && !c.honorTaints && (!c.honorNodeAffinity || !cycle.requiredNodeAffinity)) {
        // Every node counts: the cache keeps the controller's pods per domain.
        const counts = cycle.cache.ownerDomainCounts(c.ownerUid, c.topologyKey);
        for (const v of perDomain[i].keys()) perDomain[i].set(v, counts.get(v) ?? 0);
        continue;
      }
      for (const [node, n] of perNode[i]) {
        if (!node.node || (requireAll && !hasKeys(node, cs)) || !included(cycle, c, node)) continue;
        const v = node.labels[c.topologyKey] ?? "";
        const sum = perDomain[i].get(v);
        if (sum !== undefined) perDomain[i].set(v, sum + n);
      }
    }
    return {
      score(node) {
        if (ignored.size && ignored.has(node)) return 0;
        let score = 0;
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i];
          if (!Object.hasOwn(node.labels, c.topologyKey)) continue;
          const n = c.topologyKey === HOSTNAME ? perNode[i].get(node) ?? 0 : perDomain[i].get(node.labels[c.topologyKey]) ?? 0;
          score += n * weights[i] + (c.maxSkew - 1);
        }
        return Math.round(score);
      },
      normalize(scores, scored) {
        let min = Infinity;
        let max = 0;
        for (let i = 0; i < scores.length; i++) {
          if (ignored.size && ignored.has(scored[i])) continue;
          if (scores[i] < min) min = scores[i];
          if (scores[i] > max) max = scores[i];
        }
        for (let i = 0; i < scores.length; i++) {
          if (ignored.size && ignored.has(scored[i])) scores[i] = 0;
          else scores[i] = max === 0 ? MAX_NODE_SCORE : Math.trunc((MAX_NODE_SCORE * (max + min - scores[i])) / max);
        }
      },
    };
  },
};
