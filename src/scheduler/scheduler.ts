/**
 * One scheduling cycle of kube-scheduler's default profile (schedulePod):
 * PreFilter, then Filter over nodes in zone round-robin order from a
 * rotating start until percentageOfNodesToScore of them are found feasible,
 * then PreScore/Score/NormalizeScore over those, weighted, the best picked at
 * random among ties. A pod that fits nowhere gets FitError's message, as
 * kubectl shows it.
 *
 * "0/3 nodes are available: 1 node(s) had untolerated taint
 * {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu."
 *
 * preempt() is the DefaultPreemption PostFilter for such a pod: the node
 * where evicting the fewest, least important lower-priority pods lets it
 * fit, or why there is none (the "preemption: ..." half of the message).
 */
import type { KObject } from "../registry/types.js";
import { selectorFromLabelSelector, type LabelSelector } from "../apimachinery/selectors/labels.js";
import { SchedulerCache } from "./cache.js";
import type { Cycle, FilterPlugin, NodeFilter, ObjectLookup, ScorePlugin } from "./framework.js";
import type { NodeInfo } from "./node-info.js";
import { requiredNodeAffinity, type Labels } from "./node-selector.js";
import { newPodInfo, type PodInfo } from "./pod-info.js";
import { balancedAllocation } from "./plugins/balanced-allocation.js";
import { interPodAffinityFilter, interPodAffinityScore } from "./plugins/inter-pod-affinity.js";
import { nodeAffinityFilter, nodeAffinityScore } from "./plugins/node-affinity.js";
import { nodePorts } from "./plugins/node-ports.js";
import { nodeResourcesFitFilter, nodeResourcesFitScore } from "./plugins/node-resources-fit.js";
import { nodeUnschedulable } from "./plugins/node-unschedulable.js";
import { podTopologySpreadFilter, podTopologySpreadScore } from "./plugins/pod-topology-spread.js";
import { taintTolerationFilter, taintTolerationScore } from "./plugins/taint-toleration.js";
import { volumeBinding } from "./plugins/volume-binding.js";

/** The default profile's filters, in kube-scheduler's order (the first failing one gives a node's reasons). */
const FILTERS: FilterPlugin[] = [
  nodeUnschedulable,
  taintTolerationFilter,
  nodeAffinityFilter,
  nodePorts,
  nodeResourcesFitFilter,
  volumeBinding,
  podTopologySpreadFilter,
  interPodAffinityFilter,
];

/** The default profile's scores, with their default weights. */
const SCORES: ScorePlugin[] = [
  taintTolerationScore,
  nodeAffinityScore,
  nodeResourcesFitScore,
  podTopologySpreadScore,
  interPodAffinityScore,
  balancedAllocation,
];

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;
/** ErrNoNodesAvailable. */
const NO_NODES = "no nodes available to schedule pods";
/** The status of nodes a PreFilterResult left out (Kubernetes 1.28 to 1.30). */
const FILTERED_OUT = "node is filtered out by the prefilter result";

export interface FitFailure {
  /** FitError.Error(): "0/3 nodes are available: 3 Insufficient cpu." */
  readonly message: string;
  /** The plugins that rejected the pod on some node (UnschedulablePlugins, for queueing hints). */
  readonly plugins: ReadonlySet<string>;
}

export type ScheduleResult = { node: string } | { failure: FitFailure };

/** A node to nominate and the pods to evict there, or why preemption cannot help (the message's "preemption: ..." part). */
export type PreemptionResult = { node: string; victims: KObject[] } | { message: string };

/** Filter reasons that removing pods cannot fix (UnschedulableAndUnresolvable in Kubernetes). */
const UNRESOLVABLE = /untolerated taint|didn't match Pod's node affinity|were unschedulable|volume node affinity|missing required label|didn't match pod affinity rules|filtered out by the prefilter/;
const NOT_HELPFUL = "Preemption is not helpful for scheduling";
const NO_VICTIMS = "No preemption victims found for incoming pod";

type PodPriority = { priority?: number; preemptionPolicy?: string };
const priorityOf = (pod: KObject) => (pod.spec as PodPriority | undefined)?.priority ?? 0;
const startOf = (pod: KObject) => (pod.status as { startTime?: string } | undefined)?.startTime ?? pod.metadata.creationTimestamp ?? "";

export interface SchedulerOptions {
  cache?: SchedulerCache;
  /** PersistentVolumeClaims, PersistentVolumes and Namespaces; none by default. */
  lookup?: ObjectLookup;
  /** Uniform in [0, 1), to break ties between best nodes (Math.random by default). */
  random?: () => number;
  /** percentageOfNodesToScore; 0 (the default) adapts to the cluster's size. */
  percentageOfNodesToScore?: number;
}

const emptyLookup: ObjectLookup = { persistentVolumeClaim: () => undefined, persistentVolume: () => undefined, namespace: () => undefined };

/** FitError.Error(): reasons counted over nodes, sorted as strings. */
function fitMessage(numNodes: number, reasons: Map<string, number>): string {
  const parts = [...reasons].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${numNodes} nodes are available:${parts.length ? ` ${parts.join(", ")}.` : ""}`;
}

export class Scheduler {
  readonly cache: SchedulerCache;
  private readonly lookup: ObjectLookup;
  private readonly random: () => number;
  private readonly percentage: number;
  private nextStartNodeIndex = 0;

  constructor(o: SchedulerOptions = {}) {
    this.cache = o.cache ?? new SchedulerCache();
    this.lookup = o.lookup ?? emptyLookup;
    this.random = o.random ?? Math.random;
    this.percentage = o.percentageOfNodesToScore ?? 0;
  }

  /** Where the pod should go, or why it fits nowhere. Does not change the cache (see assume). */
  scheduleOne(pod: KObject): ScheduleResult {
    const all = this.cache.nodeList();
    if (all.length === 0) return { failure: { message: NO_NODES, plugins: new Set() } };
    const cycle = this.cycle(pod);

    const filters: NodeFilter[] = [];
    const filterNames: string[] = [];
    let only: ReadonlySet<string> | undefined;
    for (const p of FILTERS) {
      const r = p.preFilter(cycle);
      if (r.reject !== undefined) return { failure: { message: `0/${all.length} nodes are available: ${r.reject}.`, plugins: new Set([p.name]) } };
      if (r.filter) {
        filters.push(r.filter);
        filterNames.push(p.name);
      }
      if (r.nodeNames) only = r.nodeNames;
    }

    const reasons = new Map<string, number>();
    const plugins = new Set<string>();
    const nodes = only ? all.filter((n) => only.has(n.name)) : all;
    if (nodes.length < all.length) {
      reasons.set(FILTERED_OUT, all.length - nodes.length);
      plugins.add(nodeAffinityFilter.name);
    }
    const feasible: NodeInfo[] = [];
    const wanted = this.numFeasibleNodesToFind(nodes.length);
    const prio = priorityOf(pod);
    const self = cycle.pod.key;
    let i = 0;
    for (; i < nodes.length && feasible.length < wanted; i++) {
      const node = nodes[(this.nextStartNodeIndex + i) % nodes.length];
      const rejected = this.rejection(node, filters, prio, self);
      if (!rejected) feasible.push(node);
      else {
        plugins.add(filterNames[rejected.filter]);
        for (const r of rejected.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      }
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + i) % all.length;

    if (feasible.length === 0) return { failure: { message: fitMessage(all.length, reasons), plugins } };
    if (feasible.length === 1) return { node: feasible[0].name };
    return { node: this.selectHost(cycle, feasible) };
  }

  /**
   * DefaultPreemption for a pod that fits nowhere: on every node whose
   * failure more room could fix, remove all lower-priority pods; if the pod
   * then fits, put back as many as still let it fit, most important first
   * (the rest are the victims). The node with the least important, then
   * smallest, then fewest victims wins. The cache is left as it was.
   */
  preempt(pod: KObject): PreemptionResult {
    const spec = (pod.spec ?? {}) as PodPriority;
    if (spec.preemptionPolicy === "Never") return { message: "preemption: not eligible due to preemptionPolicy=Never." };
    const prio = priorityOf(pod);
    const nominated = (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
    const nominatedInfo = nominated ? this.cache.node(nominated) : undefined;
    if (nominatedInfo && [...nominatedInfo.pods.values()].some((p) => p.terminating && priorityOf(p.pod) < prio)) {
      return { message: "preemption: not eligible due to a terminating pod on the nominated node." };
    }
    const all = this.cache.nodeList();
    // No nodes at all is not a fit error: kube-scheduler runs no PostFilter, and says only that.
    if (!all.length) return { message: "" };
    const cycle = this.cycle(pod);
    const filters: NodeFilter[] = [];
    for (const p of FILTERS) {
      const r = p.preFilter(cycle);
      if (r.reject !== undefined) return { message: `preemption: 0/${all.length} nodes are available: ${all.length} ${NOT_HELPFUL}.` };
      if (r.filter) filters.push(r.filter);
    }
    const self = cycle.pod.key;
    const fails = (node: NodeInfo) => this.rejection(node, filters, prio, self)?.reasons;
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    let best: { node: string; victims: KObject[]; key: number[] } | undefined;
    for (const node of all) {
      const failed = fails(node);
      if (!failed) continue; // fits now: a later cycle binds it there
      if (failed.some((r) => UNRESOLVABLE.test(r))) {
        note(NOT_HELPFUL);
        continue;
      }
      const lower = [...node.pods.values()].filter((p) => !p.terminating && priorityOf(p.pod) < prio);
      if (!lower.length) {
        note(NO_VICTIMS);
        continue;
      }
      for (const p of lower) node.removePod(p);
      const victims: typeof lower = [];
      let violating = 0;
      if (!fails(node)) {
        // Reprieve the most important first (higher priority, then the longer running), those a
        // PodDisruptionBudget protects before the others (filterPodsWithPDBViolation).
        const order = [...lower].sort((a, b) => priorityOf(b.pod) - priorityOf(a.pod) || (startOf(a.pod) < startOf(b.pod) ? -1 : startOf(a.pod) > startOf(b.pod) ? 1 : 0));
        const protectedPods = this.protectedByBudgets(order);
        for (const p of [...order.filter((p) => protectedPods.has(p)), ...order.filter((p) => !protectedPods.has(p))]) {
          node.addPod(p);
          if (fails(node)) {
            node.removePod(p);
            victims.push(p);
            if (protectedPods.has(p)) violating++;
          }
        }
      }
      for (const p of lower) if (!node.pods.has(p.key)) node.addPod(p);
      if (!victims.length) {
        note(NO_VICTIMS);
        continue;
      }
      const prios = victims.map((v) => priorityOf(v.pod));
      // pickOneNodeForPreemption: fewest budget violations, then the least important, smallest and fewest victims.
      const key = [violating, Math.max(...prios), prios.reduce((a, b) => a + b, 0), victims.length];
      const better = (a: number[], b: number[]) => {
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
        return false;
      };
      if (!best || better(key, best.key)) best = { node: node.name, victims: victims.map((v) => v.pod), key };
    }
    if (best) return { node: best.node, victims: best.victims };
    const parts = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
    return { message: `preemption: 0/${all.length} nodes are available: ${parts.join(", ")}.` };
  }

  /**
   * The pods (in this order) whose eviction a PodDisruptionBudget would not
   * allow: each matching budget's disruptionsAllowed is spent by the pods
   * before them.
   */
  private protectedByBudgets(pods: PodInfo[]): Set<PodInfo> {
    const out = new Set<PodInfo>();
    if (!this.lookup.disruptionBudgets) return out;
    const allowed = new Map<KObject, number>();
    for (const p of pods) {
      for (const pdb of this.lookup.disruptionBudgets(p.namespace)) {
        const spec = (pdb.spec ?? {}) as { selector?: LabelSelector };
        // A budget with no selector matches nothing (policy/v1).
        if (!spec.selector || !selectorFromLabelSelector(spec.selector)(p.labels)) continue;
        const left = allowed.get(pdb) ?? (pdb.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0;
        if (left <= 0) out.add(p);
        allowed.set(pdb, left - 1);
      }
    }
    return out;
  }

  /**
   * The first filter that rejects the node and why, or undefined when the
   * pod fits. Pods nominated there with at least its priority (not the pod
   * itself) keep their room for the pass (addNominatedPods).
   */
  private rejection(node: NodeInfo, filters: readonly NodeFilter[], prio: number, self: string): { filter: number; reasons: readonly string[] } | undefined {
    const held: PodInfo[] = [];
    for (const p of this.cache.nominatedOn(node.name)) {
      if (p.key === self || priorityOf(p.pod) < prio || node.pods.has(p.key)) continue;
      node.addPod(p);
      held.push(p);
    }
    try {
      for (let f = 0; f < filters.length; f++) {
        const reasons = filters[f](node);
        if (reasons) return { filter: f, reasons };
      }
      return undefined;
    } finally {
      for (const p of held) node.removePod(p);
    }
  }

  private cycle(pod: KObject): Cycle {
    const info = newPodInfo(pod, "");
    const namespaces = new Map<string, Labels | undefined>();
    return {
      pod: info,
      cache: this.cache,
      lookup: this.lookup,
      requiredNodeAffinity: requiredNodeAffinity(info.spec),
      namespaceLabels: (ns) => {
        if (!namespaces.has(ns)) namespaces.set(ns, this.lookup.namespace(ns)?.metadata.labels);
        return namespaces.get(ns);
      },
    };
  }

  /** numFeasibleNodesToFind: all under 100 nodes, else 50% shrinking by 1% per 125 nodes to 5%, at least 100. */
  private numFeasibleNodesToFind(n: number): number {
    if (n < MIN_FEASIBLE_NODES) return n;
    let percentage = this.percentage;
    if (percentage === 0) percentage = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(n / 125));
    return Math.max(MIN_FEASIBLE_NODES, Math.trunc((n * percentage) / 100));
  }

  /** prioritizeNodes + selectHost: weighted sum of normalised scores; a uniformly random best node. */
  private selectHost(cycle: Cycle, nodes: NodeInfo[]): string {
    const total = new Array<number>(nodes.length).fill(0);
    for (const p of SCORES) {
      const scorer = p.preScore(cycle, nodes);
      if (!scorer) continue;
      const scores = nodes.map((n) => scorer.score(n));
      scorer.normalize?.(scores, nodes);
      for (let i = 0; i < nodes.length; i++) total[i] += scores[i] * p.weight;
    }
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (total[i] > total[best]) {
        best = i;
        ties = 1;
      } else if (total[i] === total[best] && Math.floor(this.random() * ++ties) === 0) best = i;
    }
    return nodes[best].name;
  }
}
