/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would
 * be used in equal proportion after placing the pod (1 − the spread of the
 * two fractions), counting actual requests.
 */
import { MAX_NODE_SCORE, type ScorePlugin } from "../framework.js";

export const balancedAllocation: ScorePlugin = {
  name: "NodeResourcesBalancedAllocation",
  weight: 1,
  preScore({ pod }) {
    const { cpu, memory } = pod.requests;
    return {
      score(node) {
        const a = node.allocatable;
        if (a.cpu <= 0 || a.memory <= 0) return MAX_NODE_SCORE; // fewer than two fractions: no spread
        const fc = Math.min(1, (node.requested.cpu + cpu) / a.cpu);
        const fm = Math.min(1, (node.requested.memory + memory) / a.memory);
        return Math.trunc((1 - Math.abs(fc - fm) / 2) * MAX_NODE_SCORE);
      },
    };
  },
};
