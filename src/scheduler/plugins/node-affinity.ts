/**
 * NodeAffinity: spec.nodeSelector and the required node affinity must match
 * the node (Filter; matchFields on metadata.name narrow the candidate nodes
 * up front, as PreFilterResult), and the weights of the matching preferred
 * terms score it (Score, normalised by the maximum).
 */
import type { NodeSelectorTerm } from "kubernetes-types/core/v1";
import { defaultNormalize, type FilterPlugin, type PreFilterResult, type ScorePlugin } from "../framework.js";
import { compileNodeSelectorTerm } from "../node-selector.js";

const REASON = ["node(s) didn't match Pod's node affinity/selector"];

/** The node names the terms allow, when every term names nodes (metadata.name In). */
function nodeNames(terms: NodeSelectorTerm[]): Set<string> | undefined {
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== "metadata.name" || r.operator !== "In") continue;
      const values = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}

export const nodeAffinityFilter: FilterPlugin = {
  name: "NodeAffinity",
  preFilter({ pod, requiredNodeAffinity: match }) {
    if (!match) return {};
    const result: PreFilterResult = { filter: (node) => (match(node.labels, node.name) ? undefined : REASON) };
    const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const names = terms && nodeNames(terms);
    if (names?.size === 0) return { reject: "pod affinity terms conflict" };
    return names ? { ...result, nodeNames: names } : result;
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: "NodeAffinity",
  weight: 2,
  preScore({ pod }) {
    const preferred = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    if (!preferred) return undefined;
    const terms = preferred.filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, match: compileNodeSelectorTerm(t.preference) }));
    return {
      score(node) {
        let sum = 0;
        for (const t of terms) if (t.match(node.labels, node.name)) sum += t.weight;
        return sum;
      },
      normalize: (scores) => defaultNormalize(scores, false),
    };
  },
};
