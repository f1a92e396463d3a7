/**
 * How far a rolling update may go (deploymentutil.ResolveFenceposts):
 * maxSurge rounds up, maxUnavailable rounds down, and when both come to 0
 * one pod may be unavailable so the rollout can move at all.
 */
import { scaledValue } from "../common/intstr.js";
import type { Deployment } from "./types.js";

export const isRollingUpdate = (d: Deployment): boolean => (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";

function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge ?? 0, d.spec.replicas, true);
  const unavailable = scaledValue(ru?.maxUnavailable ?? 0, d.spec.replicas, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

/** deploymentutil.MaxSurge: 0 unless RollingUpdate. */
export const maxSurge = (d: Deployment): number => (isRollingUpdate(d) ? resolveFenceposts(d).surge : 0);

/** deploymentutil.MaxUnavailable: 0 unless RollingUpdate with replicas, never more than replicas. */
export const maxUnavailable = (d: Deployment): number =>
  !isRollingUpdate(d) || d.spec.replicas === 0 ? 0 : Math.min(resolveFenceposts(d).unavailable, d.spec.replicas);
