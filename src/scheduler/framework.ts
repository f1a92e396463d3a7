/**
 * The scheduling framework's extension points, reduced to what the default
 * profile needs: a FilterPlugin runs PreFilter once per pod and returns the
 * per-node Filter (or rejects the pod outright, or narrows the nodes); a
 * ScorePlugin runs PreScore over the feasible nodes and returns a scorer
 * whose scores are normalised to 0..100 and weighted as kube-scheduler does.
 */
import type { KObject } from "../registry/types.js";
import type { Lister } from "../controllers/types.js";
import type { SchedulerCache } from "./cache.js";
import type { NodeInfo } from "./node-info.js";
import type { Labels, NodeMatcher } from "./node-selector.js";
import type { PodInfo } from "./pod-info.js";

/** Objects besides pods and nodes that plugins read (from an informer cache). */
export interface ObjectLookup {
  persistentVolumeClaim(namespace: string, name: string): KObject | undefined;
  persistentVolume(name: string): KObject | undefined;
  namespace(name: string): KObject | undefined;
  /** A namespace's PodDisruptionBudgets (preemption prefers victims no budget protects). */
  disruptionBudgets?(namespace: string): KObject[];
}

/** The ObjectLookup of an informer cache. */
export function lookupFromLister(lister: Lister): ObjectLookup {
  return {
    persistentVolumeClaim: (namespace, name) => lister.get("persistentvolumeclaims", namespace, name),
    persistentVolume: (name) => lister.get("persistentvolumes", "", name),
    namespace: (name) => lister.get("namespaces", "", name),
    disruptionBudgets: (namespace) => lister.list("poddisruptionbudgets.policy", namespace),
  };
}

/** One scheduling cycle: the pod being placed and what plugins share. */
export interface Cycle {
  readonly pod: PodInfo;
  readonly cache: SchedulerCache;
  readonly lookup: ObjectLookup;
  /** spec.nodeSelector AND the required node affinity; undefined when the pod has neither. */
  readonly requiredNodeAffinity: NodeMatcher | undefined;
  /** A namespace's labels (looked up once per cycle). */
  namespaceLabels(namespace: string): Labels | undefined;
}

/** A Filter: undefined when the node fits, else why not (one or more reasons). */
export type NodeFilter = (node: NodeInfo) => readonly string[] | undefined;

export interface PreFilterResult {
  /** The per-node check; absent when the plugin has nothing to check for this pod (Skip). */
  filter?: NodeFilter;
  /** The pod fits no node, for this reason. */
  reject?: string;
  /** Only these nodes may fit (framework.PreFilterResult.NodeNames). */
  nodeNames?: ReadonlySet<string>;
}

export interface FilterPlugin {
  readonly name: string;
  preFilter(cycle: Cycle): PreFilterResult;
}

export interface NodeScorer {
  score(node: NodeInfo): number;
  /** NormalizeScore, in place, to 0..MAX_NODE_SCORE. */
  normalize?(scores: number[], nodes: readonly NodeInfo[]): void;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** PreScore over the feasible nodes; undefined when the plugin has nothing to say (Skip: it adds 0 everywhere). */
  preScore(cycle: Cycle, nodes: readonly NodeInfo[]): NodeScorer | undefined;
}

export const MAX_NODE_SCORE = 100;

/** helper.DefaultNormalizeScore: scale to 0..100 by the maximum; reverse turns it upside down. */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) {
      if (reverse) scores[i] = MAX_NODE_SCORE;
      continue;
    }
    const s = Math.trunc((MAX_NODE_SCORE * scores[i]) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
