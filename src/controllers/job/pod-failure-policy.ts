/**
 * spec.podFailurePolicy (pkg/controller/job/pod_failure_policy.go): the first
 * rule a failed pod matches says what its failure means. FailJob fails the
 * Job at once, Ignore keeps the failure off backoffLimit (the pod is simply
 * replaced), Count counts it as usual, FailIndex fails the pod's index
 * (backoffLimitPerIndex). A rule matches a terminated container's non-zero
 * exit code (In / NotIn its values, of one named container or any), or a pod
 * condition by type and status (a DisruptionTarget from an eviction).
 */
import type { PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement } from "kubernetes-types/batch/v1";
import type { ContainerStatus } from "kubernetes-types/core/v1";
import type { Pod } from "../common/pods.js";

export interface PolicyMatch {
  /** The matched rule's action; none when no rule matched. */
  action?: string;
  /** Whether the failure counts towards backoffLimit (and backoffLimitPerIndex): false only for Ignore. */
  counts: boolean;
  /** FailJob: why the Job failed. */
  message?: string;
}

function exitCodeMatches(code: number, r: PodFailurePolicyOnExitCodesRequirement): boolean {
  if (r.operator === "In") return r.values.includes(code);
  if (r.operator === "NotIn") return !r.values.includes(code);
  return false;
}

/** getMatchingContainerFromList: the first terminated container (non-zero exit) the requirement matches. */
function matchingContainer(statuses: ContainerStatus[] | undefined, r: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  return statuses?.find((s) => {
    const code = s.state?.terminated?.exitCode;
    return code !== undefined && code !== 0 && (r.containerName === undefined || r.containerName === s.name) && exitCodeMatches(code, r);
  });
}

/** matchPodFailurePolicy for a failed pod. */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod, perIndex: boolean): PolicyMatch {
  if (!policy) return { counts: true };
  const { namespace, name } = pod.metadata;
  for (const [i, rule] of policy.rules.entries()) {
    let what: string | undefined;
    if (rule.onExitCodes) {
      const c = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (c) what = `Container ${c.name} for pod ${namespace}/${name} failed with exit code ${c.state!.terminated!.exitCode}`;
    } else if (rule.onPodConditions) {
      const cond = pod.status?.conditions?.find((c) => rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? "True") === c.status));
      if (cond) what = `Pod ${namespace}/${name} has condition ${cond.type}`;
    }
    if (what === undefined) continue;
    switch (rule.action) {
      case "Ignore":
        return { action: "Ignore", counts: false };
      case "Count":
        return { action: "Count", counts: true };
      case "FailJob":
        return { action: "FailJob", counts: true, message: `${what} matching FailJob rule at index ${i}` };
      case "FailIndex":
        // Without backoffLimitPerIndex there is no index to fail: the next rule decides.
        if (perIndex) return { action: "FailIndex", counts: true };
    }
  }
  return { counts: true };
}
