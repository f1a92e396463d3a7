/**
 * TaintToleration: a node's NoSchedule and NoExecute taints must be tolerated
 * (Filter), and nodes with fewer untolerated PreferNoSchedule taints are
 * preferred (Score, reversed). The toleration rules (v1 Toleration.
 * ToleratesTaint) are shared with NodeUnschedulable and PodTopologySpread.
 */
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import type { FilterPlugin, ScorePlugin } from "../framework.js";
import { defaultNormalize } from "../framework.js";

function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "") {
    case "":
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

export const tolerated = (tolerations: readonly Toleration[], taint: Taint) => tolerations.some((t) => toleratesTaint(t, taint));

/** The first NoSchedule/NoExecute taint not tolerated (FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc). */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const taint of taints) if ((taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerated(tolerations, taint)) return taint;
  return undefined;
}

export const taintTolerationFilter: FilterPlugin = {
  name: "TaintToleration",
  preFilter({ pod }) {
    const tolerations = pod.spec.tolerations ?? [];
    return {
      filter: (node) => {
        if (node.taints.length === 0) return undefined;
        const taint = untoleratedTaint(node.taints, tolerations);
        return taint ? [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`] : undefined;
      },
    };
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: "TaintToleration",
  weight: 3,
  preScore({ pod }) {
    // Tolerations with an empty effect tolerate PreferNoSchedule taints too.
    const prefer = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    return {
      score(node) {
        let n = 0;
        for (const taint of node.taints) if (taint.effect === "PreferNoSchedule" && !tolerated(prefer, taint)) n++;
        return n;
      },
      normalize: (scores) => defaultNormalize(scores, true),
    };
  },
};
