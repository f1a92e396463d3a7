/**
 * How a Job's pod failures count against it: failed pods against
 * backoffLimit, container restarts too when restartPolicy is OnFailure
 * (pastBackoffLimitOnFailure), and the exponential delay — 10 s doubling up
 * to 6 min per failure since the last success — before a failed pod is
 * replaced (backoffRecord.getRemainingTime).
 */
import type { Pod } from "../common/pods.js";
import { timeMs } from "../common/time.js";
import type { Job } from "./types.js";

const DEFAULT_BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 360_000;

/** pastBackoffLimitOnFailure: the restarts of running and pending pods reach backoffLimit. */
export function restartsExceedLimit(job: Job, active: Pod[]): boolean {
  if (job.spec.template.spec?.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const p of active) {
    if (p.status?.phase !== "Running" && p.status?.phase !== "Pending") continue;
    for (const c of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** getFinishedTime: the last container to terminate, else when the pod stopped being ready, was deleted or was created. */
export function finishedAt(p: Pod): number {
  const ends = (p.status?.containerStatuses ?? []).map((c) => timeMs(c.state?.terminated?.finishedAt)).filter((t): t is number => t !== undefined);
  if (ends.length) return Math.max(...ends);
  const notReady = p.status?.conditions?.find((c) => c.type === "Ready" && c.status === "False");
  return timeMs(notReady?.lastTransitionTime) ?? timeMs(p.metadata.deletionTimestamp) ?? timeMs(p.metadata.creationTimestamp) ?? 0;
}

/** How long to wait before replacing failed pods: 0 once the backoff for the failures since the last success has passed. */
export function backoffRemainingMs(finished: Pod[], now: number): number {
  const lastSuccess = Math.max(-Infinity, ...finished.filter((p) => p.status?.phase === "Succeeded").map(finishedAt));
  const failures = finished.filter((p) => p.status?.phase === "Failed").map(finishedAt).filter((t) => t > lastSuccess);
  if (!failures.length) return 0;
  return Math.max(0, Math.max(...failures) + backoffDelayMs(failures.length) - now);
}

/** The wait after this many failures in a row: 10 s, doubling, at most 6 min. */
export const backoffDelayMs = (failures: number): number => Math.min(MAX_BACKOFF_MS, DEFAULT_BACKOFF_MS * 2 ** (failures - 1));
