/**
 * NodeResourcesFit: the pod's requests must fit in what the node has left
 * (cpu, memory, ephemeral-storage, extended resources, and one more pod),
 * with kube-scheduler's reasons ("Insufficient cpu", "Too many pods"); and
 * the default LeastAllocated score, which prefers emptier nodes by cpu and
 * memory (weight 1 each), counting requests-less containers as 100m/200Mi.
 */
import type { FilterPlugin, ScorePlugin } from "../framework.js";
import { MAX_NODE_SCORE } from "../framework.js";

export const nodeResourcesFitFilter: FilterPlugin = {
  name: "NodeResourcesFit",
  preFilter({ pod }) {
    const r = pod.requests;
    const scalar = [...r.scalar];
    const requestsNothing = r.cpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && scalar.length === 0;
    return {
      filter(node) {
        const a = node.allocatable;
        const used = node.requested;
        let reasons: string[] | undefined;
        if (node.pods.size + 1 > a.pods) (reasons ??= []).push("Too many pods");
        if (requestsNothing) return reasons;
        if (r.cpu > 0 && r.cpu > a.cpu - used.cpu) (reasons ??= []).push("Insufficient cpu");
        if (r.memory > 0 && r.memory > a.memory - used.memory) (reasons ??= []).push("Insufficient memory");
        if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage) (reasons ??= []).push("Insufficient ephemeral-storage");
        for (const [name, q] of scalar)
          if (q > 0 && q > (a.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) (reasons ??= []).push(`Insufficient ${name}`);
        return reasons;
      },
    };
  },
};

/** leastRequestedScore. */
const leastRequested = (requested: number, capacity: number) =>
  requested > capacity ? 0 : Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);

export const nodeResourcesFitScore: ScorePlugin = {
  name: "NodeResourcesFit",
  weight: 1,
  preScore({ pod }) {
    return {
      score(node) {
        const a = node.allocatable;
        let sum = 0;
        let weights = 0;
        if (a.cpu > 0) {
          sum += leastRequested(node.nonZeroCpu + pod.nonZeroCpu, a.cpu);
          weights++;
        }
        if (a.memory > 0) {
          sum += leastRequested(node.nonZeroMemory + pod.nonZeroMemory, a.memory);
          weights++;
        }
        return weights ? Math.trunc(sum / weights) : 0;
      },
    };
  },
};
