/**
 * What a ResourceQuota counts, computed from the objects of one namespace:
 * object counts (pods, services, configmaps, secrets, ..., count/<resource>)
 * and the compute resources of pods that still hold them (requests.cpu,
 * limits.memory, ...). Shared by the admission plugin (over the store's
 * tables, inside the write's transaction) and the quota controller (over
 * its informer cache).
 */
import { addQuantities, formatQuantity, newQuantity, parseQuantity, type Quantity } from "../apimachinery/quantity.js";
import type { KObject } from "../registry/types.js";
import { podIsTerminal, podSpec, podTotal } from "./pod-resources.js";

export interface UsageSource {
  list(resource: string): KObject[];
  count(resource: string): number;
}

/** Standard object-count names and the registry resource each counts. */
const OBJECT_COUNTS: Record<string, string> = {
  pods: "pods",
  services: "services",
  configmaps: "configmaps",
  secrets: "secrets",
  persistentvolumeclaims: "persistentvolumeclaims",
  resourcequotas: "resourcequotas",
  replicationcontrollers: "replicationcontrollers",
};

const COMPUTE = /^(requests\.|limits\.)?(cpu|memory|ephemeral-storage)$/;

/** The registry resource a quota name depends on, or undefined when not tracked. */
export function resourceOfQuotaName(name: string): string | undefined {
  if (name.startsWith("count/")) return name.slice("count/".length);
  if (name in OBJECT_COUNTS) return OBJECT_COUNTS[name];
  if (COMPUTE.test(name)) return "pods";
  if (name === "services.loadbalancers" || name === "services.nodeports") return "services";
  if (name === "requests.storage") return "persistentvolumeclaims";
  return undefined;
}

/** For a compute name: which pod field and which resource ("requests.cpu" → ["requests", "cpu"]). */
export function computeField(name: string): ["requests" | "limits", string] | undefined {
  const m = COMPUTE.exec(name);
  if (!m) return undefined;
  return [m[1] === "limits." ? "limits" : "requests", m[2]];
}

const one = () => newQuantity(1);

/** What one object adds to each quota name it is counted under (only the names asked for). */
export function usageOf(resource: string, obj: KObject, names: string[], now: number): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const n of names) {
    if (n === `count/${resource}`) out.set(n, one());
    else if (OBJECT_COUNTS[n] === resource && n !== "pods") out.set(n, one());
    else if (resource === "pods" && (n === "pods" || COMPUTE.test(n))) {
      if (podIsTerminal(obj, now)) continue;
      if (n === "pods") out.set(n, one());
      else {
        const [field, res] = computeField(n)!;
        out.set(n, podTotal(podSpec(obj), field, { overhead: true }).get(res) ?? parseQuantity("0"));
      }
    } else if (resource === "services" && n.startsWith("services.")) {
      const spec = (obj.spec ?? {}) as { type?: string; ports?: { nodePort?: number }[] };
      if (n === "services.loadbalancers" && spec.type === "LoadBalancer") out.set(n, one());
      if (n === "services.nodeports" && (spec.type === "NodePort" || spec.type === "LoadBalancer")) out.set(n, newQuantity(spec.ports?.length ?? 0));
    } else if (resource === "persistentvolumeclaims" && n === "requests.storage") {
      const st = ((obj.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage) ?? "0";
      out.set(n, parseQuantity(st));
    }
  }
  return out;
}

/** Current usage of each quota name over a namespace. */
export function currentUsage(names: string[], src: UsageSource, now: number): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  const byResource = new Map<string, string[]>();
  for (const n of names) {
    const r = resourceOfQuotaName(n);
    if (!r) continue;
    out.set(n, parseQuantity("0"));
    // Plain object counts need no scan.
    if (n.startsWith("count/") || (OBJECT_COUNTS[n] && n !== "pods")) {
      out.set(n, newQuantity(src.count(r)));
      continue;
    }
    byResource.set(r, [...(byResource.get(r) ?? []), n]);
  }
  for (const [r, ns] of byResource) {
    for (const o of src.list(r)) {
      for (const [n, v] of usageOf(r, o, ns, now)) out.set(n, addQuantities(out.get(n)!, v));
    }
  }
  return out;
}

/** ResourceList form, sorted by name, values in Kubernetes' canonical text. */
export function toResourceList(m: Map<string, Quantity>): Record<string, string> {
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, formatQuantity(v)]));
}
