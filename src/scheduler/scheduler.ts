/**
 * One scheduling cycle of kube-scheduler's default profile (schedulePod):
 * PreFilter, then Filter over nodes in zone round-robin order from a
 * rotating start until percentageOfNodesToScore of them are found feasible,
 * then PreScore/Score/NormalizeScore over those, weighted, the best picked at
 * random among ties. A pod that fits nowhere gets FitError's message, as
 * kubectl shows it.
 *
 * There is no preemption plugin, so the message ends after the filter
 * reasons, as Kubernetes 1.30 prints it with DefaultPreemption disabled:
 * "0/3 nodes are available: 1 node(s) had untolerated taint
 * {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu."
 */
import type { KObject } from "../registry/types.js";
import { SchedulerCache } from "./cache.js";
import type { Cycle, FilterPlugin, NodeFilter, ObjectLookup, ScorePlugin } from "./framework.js";
import type { NodeInfo } from "./node-info.js";
import { requiredNodeAffinity, type Labels } from "./node-selector.js";
import { newPodInfo } from "./pod-info.js";
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
    let i = 0;
    for (; i < nodes.length && feasible.length < wanted; i++) {
      const node = nodes[(this.nextStartNodeIndex + i) % nodes.length];
      let failed: readonly string[] | undefined;
      for (let f = 0; f < filters.length && !failed; f++) {
        failed = filters[f](node);
        if (failed) plugins.add(filterNames[f]);
      }
      if (!failed) feasible.push(node);
      else for (const r of failed) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + i) % all.length;

    if (feasible.length === 0) return { failure: { message: fitMessage(all.length, reasons), plugins } };
    if (feasible.length === 1) return { node: feasible[0].name };
    return { node: this.selectHost(cycle, feasible) };
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
