/**
 * The EndpointSlice reconciler's arithmetic (pkg/controller/endpointslice's
 * reconciler), apart from any I/O so it is tested on its own: given a
 * Service's current slices and the endpoints it should have, grouped by the
 * ports they serve, decide which slices to create, update and delete with
 * as few writes as possible — endpoints stay in the slice that holds them,
 * slices that no longer hold any go, new endpoints fill slices already being
 * written, then slices with room, then new slices of at most 100.
 */
import type { Endpoint, EndpointPort, EndpointSlice } from "kubernetes-types/discovery/v1";
import { deepEqual } from "../../apimachinery/objects.js";

/** maxEndpointsPerSlice, the controller's default. */
const MAX_ENDPOINTS_PER_SLICE = 100;

export interface Plan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Identifies the set of ports a slice serves (order does not matter). */
export const portsKey = (ports: EndpointPort[] | undefined) =>
  (ports ?? []).map((p) => `${p.name ?? ""}/${p.port ?? ""}/${p.protocol ?? ""}/${p.appProtocol ?? ""}`).sort().join(",");
/** One endpoint per pod: the pod's uid identifies it across updates. */
export const endpointKey = (e: Endpoint) => e.targetRef?.uid ?? e.addresses.join(",");

/**
 * existing: this Service's slices of the address type, owned by it.
 * desired: per portsKey, the ports and the endpoints (by endpointKey).
 * newSlice: a slice for these ports and endpoints, labelled and owned.
 */
export function planSlices(
  existing: EndpointSlice[],
  desired: Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>,
  labels: Record<string, string>,
  newSlice: (ports: EndpointPort[], endpoints: Endpoint[]) => EndpointSlice,
  max = MAX_ENDPOINTS_PER_SLICE,
): Plan {
  const left = new Map([...desired].map(([k, d]) => [k, new Map(d.endpoints)]));
  const plan: Plan = { create: [], update: [], delete: [] };
  const kept: { slice: EndpointSlice; key: string; endpoints: Endpoint[]; changed: boolean }[] = [];

  for (const slice of [...existing].sort((a, b) => cmp(a.metadata?.name ?? "", b.metadata?.name ?? ""))) {
    const key = portsKey(slice.ports);
    const wanted = left.get(key);
    const endpoints: Endpoint[] = [];
    for (const e of slice.endpoints ?? []) {
      const d = wanted?.get(endpointKey(e));
      if (!d) continue;
      endpoints.push(d);
      wanted!.delete(endpointKey(e));
    }
    if (!endpoints.length) plan.delete.push(slice);
    else kept.push({ slice, key, endpoints, changed: !deepEqual(endpoints, slice.endpoints) || !deepEqual(labels, slice.metadata?.labels) });
  }

  for (const [key, rest] of left) {
    const queue = [...rest.values()];
    // Slices being written anyway take new endpoints first, then those with room.
    const room = kept.filter((k) => k.key === key).sort((a, b) => Number(b.changed) - Number(a.changed));
    for (const k of room) {
      while (queue.length && k.endpoints.length < max) {
        k.endpoints.push(queue.shift()!);
        k.changed = true;
      }
    }
    for (let i = 0; i < queue.length; i += max) plan.create.push(newSlice(desired.get(key)!.ports, queue.slice(i, i + max)));
  }
  for (const k of kept) {
    if (k.changed) plan.update.push({ ...k.slice, metadata: { ...k.slice.metadata, labels }, endpoints: k.endpoints });
  }

  // A Service without endpoints keeps one empty placeholder slice.
  if (!kept.length && !plan.create.length) {
    const i = plan.delete.findIndex((s) => !s.endpoints?.length && !s.ports?.length);
    if (i < 0) plan.create.push(newSlice([], []));
    else {
      const [placeholder] = plan.delete.splice(i, 1);
      if (!deepEqual(labels, placeholder.metadata?.labels)) plan.update.push({ ...placeholder, metadata: { ...placeholder.metadata, labels } });
    }
  }
  return plan;
}
