/**
 * The resource arithmetic of pods that LimitRange and ResourceQuota share:
 * a container's requests/limits and a pod's effective total (the sum over
 * app containers, or the largest init container if that is more), as
 * Kubernetes' resourcehelper.PodRequests computes it.
 */
import { addQuantities, compareQuantity, parseQuantity, tryParseQuantity, type Quantity } from "../apimachinery/quantity.js";
import type { KObject } from "../registry/types.js";

export type ResourceMap = Record<string, string>;
export interface Container {
  name: string;
  image?: string;
  resources?: { limits?: ResourceMap; requests?: ResourceMap };
  securityContext?: Record<string, unknown>;
  ports?: { hostPort?: number; containerPort?: number }[];
}
export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Record<string, unknown>[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: Record<string, unknown>;
  /** The RuntimeClass's pod overhead (set by its admission plugin). */
  overhead?: ResourceMap;
}

export const podSpec = (pod: KObject): PodSpec => (pod.spec ?? {}) as PodSpec;

export const q = (v: unknown): Quantity | undefined => (typeof v === "string" || typeof v === "number" ? tryParseQuantity(v) : undefined);

/**
 * Total of one field ("requests" or "limits") over a pod. With overhead (as
 * quota counts, not LimitRange), the pod overhead is added: to every request,
 * and to the limits of resources the containers limit (PodRequests, PodLimits).
 */
export function podTotal(spec: PodSpec, field: "requests" | "limits", opts: { overhead?: boolean } = {}): Map<string, Quantity> {
  const sum = new Map<string, Quantity>();
  for (const c of spec.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) {
      const x = q(v);
      if (x) sum.set(k, sum.has(k) ? addQuantities(sum.get(k)!, x) : x);
    }
  }
  for (const c of spec.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) {
      const x = q(v);
      if (x && (!sum.has(k) || compareQuantity(x, sum.get(k)!) > 0)) sum.set(k, x);
    }
  }
  if (opts.overhead) {
    for (const [k, v] of Object.entries(spec.overhead ?? {})) {
      const x = q(v);
      if (!x) continue;
      if (sum.has(k)) sum.set(k, addQuantities(sum.get(k)!, x));
      else if (field === "requests") sum.set(k, x);
    }
  }
  return sum;
}

/** Pods that no longer hold resources: finished, or past their deletion deadline. */
export function podIsTerminal(pod: KObject, now: number): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === "Succeeded" || phase === "Failed") return true;
  const dt = pod.metadata.deletionTimestamp;
  return !!dt && Date.parse(dt) <= now;
}

export const zero = () => parseQuantity("0");
