/**
 * What workload controllers ask of a pod (k8s.io/kubernetes/pkg/api/v1/pod
 * and controller_utils): is it active, ready, available after
 * minReadySeconds, how often did it restart.
 */
import type { PodSpec, PodStatus } from "kubernetes-types/core/v1";
import type { KObject } from "../../registry/types.js";
import { timeMs } from "./time.js";

export type Pod = KObject & { spec?: PodSpec; status?: PodStatus };

/** controller.IsPodActive: not terminal (Succeeded/Failed) and not being deleted. */
export const isPodActive = (p: Pod): boolean => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed" && !p.metadata.deletionTimestamp;

const readyCondition = (p: Pod) => p.status?.conditions?.find((c) => c.type === "Ready");

/** podutil.IsPodReady: the Ready condition is True. */
export const isPodReady = (p: Pod): boolean => readyCondition(p)?.status === "True";

/** When a ready pod became ready (ms); undefined for a pod that is not ready or has no transition time. */
export const podReadyTime = (p: Pod): number | undefined => (isPodReady(p) ? timeMs(readyCondition(p)?.lastTransitionTime) : undefined);

/**
 * How long until a pod counts as available (ready for more than
 * minReadySeconds, as podutil.IsPodAvailable has it): 0 when it is
 * available now, undefined when it is not ready (so not on its way).
 */
export function availableInMs(p: Pod, minReadySeconds: number | undefined, now: number): number | undefined {
  if (!isPodReady(p)) return undefined;
  if (!minReadySeconds) return 0;
  const since = podReadyTime(p);
  if (since === undefined) return undefined;
  const at = since + minReadySeconds * 1000;
  return at < now ? 0 : at - now + 1;
}

/** podutil.IsPodAvailable. */
export const isPodAvailable = (p: Pod, minReadySeconds: number | undefined, now: number): boolean => availableInMs(p, minReadySeconds, now) === 0;

/** The highest restart count among the pod's containers. */
export const maxContainerRestarts = (p: Pod): number => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));

/** The controller.kubernetes.io/pod-deletion-cost annotation (an int32; 0 when absent or invalid). */
export function podDeletionCost(p: Pod): number {
  const v = p.metadata.annotations?.["controller.kubernetes.io/pod-deletion-cost"];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

/** The pod ran to an end: Succeeded or Failed. */
export const isPodFinished = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
