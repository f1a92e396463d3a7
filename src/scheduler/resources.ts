/**
 * What a pod asks of a node and what a node offers, in the scheduler's units
 * (cpu in millicores; memory, ephemeral-storage and extended resources in
 * whole units, as Quantity.Value()). A port of component-helpers'
 * resource.PodRequests (regular containers summed, init containers' peak with
 * sidecars, pod overhead) and of the scheduler's NonZeroRequested defaults,
 * summed exactly (in nano-units) before rounding, as Kubernetes does.
 */
import type { PodSpec } from "kubernetes-types/core/v1";
import { toMilli, toValue, tryParseQuantity } from "../apimachinery/quantity.js";

export interface Resources {
  /** Millicores. */
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Every other resource (extended resources, hugepages), by name. */
  scalar: Map<string, number>;
}

export interface Allocatable extends Resources {
  /** How many pods the node accepts (allocatable "pods"). */
  pods: number;
}

/** A raw resource list (requests, overhead, allocatable): quantities as JSON has them. */
type ResourceList = Record<string, string | number> | undefined;
type NanoList = Map<string, bigint>;

/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest, in nano-units. */
const NON_ZERO_DEFAULTS: [string, bigint][] = [
  ["cpu", 100n * 1_000_000n],
  ["memory", 200n * 1024n * 1024n * 1_000_000_000n],
];

export const emptyResources = (): Resources => ({ cpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() });

function nanoList(list: ResourceList, nonMissing: boolean): NanoList {
  const out: NanoList = new Map();
  for (const name in list) {
    const q = tryParseQuantity(list[name]);
    if (q) out.set(name, q.nano);
  }
  if (nonMissing) for (const [name, v] of NON_ZERO_DEFAULTS) if (!out.has(name)) out.set(name, v);
  return out;
}

function add(into: NanoList, from: NanoList): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0n) + v);
}

function max(into: NanoList, from: NanoList): void {
  for (const [k, v] of from) if (!into.has(k) || v > into.get(k)!) into.set(k, v);
}

/**
 * resource.PodRequests. With nonMissing, a container without a cpu or memory
 * request counts as 100m / 200Mi (what the scheduler scores with).
 */
function podRequestsNano(spec: PodSpec, nonMissing: boolean): NanoList {
  const reqs: NanoList = new Map();
  for (const c of spec.containers ?? []) add(reqs, nanoList(c.resources?.requests, nonMissing));
  const sidecars: NanoList = new Map();
  const initPeak: NanoList = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = nanoList(c.resources?.requests, nonMissing);
    if (c.restartPolicy === "Always") {
      add(reqs, own);
      add(sidecars, own);
      max(initPeak, sidecars);
    } else {
      add(own, sidecars);
      max(initPeak, own);
    }
  }
  max(reqs, initPeak);
  add(reqs, nanoList(spec.overhead, false));
  return reqs;
}

const milli = (nano: bigint) => Number(toMilli({ nano, format: "DecimalSI" }));
const value = (nano: bigint) => Number(toValue({ nano, format: "DecimalSI" }));

function toResources(list: NanoList): Resources {
  const r = emptyResources();
  for (const [name, nano] of list) {
    if (name === "cpu") r.cpu = milli(nano);
    else if (name === "memory") r.memory = value(nano);
    else if (name === "ephemeral-storage") r.ephemeralStorage = value(nano);
    else if (name !== "pods") r.scalar.set(name, value(nano));
  }
  return r;
}

/** A pod's requests, and the cpu/memory it counts for in scoring (NonZeroRequested). */
export function podRequests(spec: PodSpec): { requests: Resources; nonZeroCpu: number; nonZeroMemory: number } {
  const nonZero = podRequestsNano(spec, true);
  return { requests: toResources(podRequestsNano(spec, false)), nonZeroCpu: milli(nonZero.get("cpu") ?? 0n), nonZeroMemory: value(nonZero.get("memory") ?? 0n) };
}

/** A node's status.allocatable. */
export function allocatableOf(list: ResourceList): Allocatable {
  const nano = nanoList(list, false);
  const pods = nano.get("pods");
  const r = toResources(nano);
  // A plain literal (not a spread) keeps one hidden class for every node's allocatable.
  return { cpu: r.cpu, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: r.scalar, pods: pods === undefined ? 0 : value(pods) };
}

/** into += sign × r. */
export function addResources(into: Resources, r: Resources, sign: 1 | -1): void {
  into.cpu += sign * r.cpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of r.scalar) {
    const next = (into.scalar.get(k) ?? 0) + sign * v;
    if (next === 0) into.scalar.delete(k);
    else into.scalar.set(k, next);
  }
}
