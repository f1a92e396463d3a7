/**
 * One node and what is placed on it (framework.NodeInfo): the node's labels,
 * effective taints and allocatable, and the running sums the filters need
 * (requested resources, non-zero requests for scoring, host ports in use),
 * kept up to date pod by pod.
 */
import type { Node, Taint } from "kubernetes-types/core/v1";
import type { KObject } from "../registry/types.js";
import type { Labels } from "./node-selector.js";
import type { HostPort, PodInfo } from "./pod-info.js";
import { addResources, allocatableOf, emptyResources, type Allocatable } from "./resources.js";
import { effectiveTaints } from "./plugins/node-ready.js";

const DEFAULT_BIND_ALL = "0.0.0.0";

/** Adds to a count, dropping it at zero. */
export function bump<K>(m: Map<K, number>, key: K, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n === 0) m.delete(key);
  else m.set(key, n);
}

/** utilnode.GetZoneKey: region and zone, from the stable labels or the beta ones. */
function zoneKey(labels: Labels): string {
  const zone = labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  const region = labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  return region === "" && zone === "" ? "" : `${region}:\0:${zone}`;
}

export class NodeInfo {
  /** The Node; undefined while only pods naming this node are known. */
  node: KObject | undefined;
  labels: Labels = {};
  taints: readonly Taint[] = [];
  unschedulable = false;
  zone = "";
  /** Updated in place, so it stays next to the NodeInfo in memory (the filters read it for every node). */
  readonly allocatable: Allocatable = allocatableOf(undefined);
  readonly requested = emptyResources();
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  readonly pods = new Map<string, PodInfo>();
  /** "ip|protocol|port" → pods using it. */
  private readonly ports = new Map<string, number>();
  /** "protocol|port" → pods using it on any ip. */
  private readonly portsAnyIp = new Map<string, number>();

  constructor(readonly name: string) {}

  setNode(obj: KObject | undefined): void {
    this.node = obj;
    const node = (obj ?? { metadata: {} }) as Node;
    this.labels = node.metadata?.labels ?? {};
    this.taints = obj ? effectiveTaints(node) : [];
    this.unschedulable = !!node.spec?.unschedulable;
    this.zone = zoneKey(this.labels);
    const a = allocatableOf(node.status?.allocatable);
    this.allocatable.cpu = a.cpu;
    this.allocatable.memory = a.memory;
    this.allocatable.ephemeralStorage = a.ephemeralStorage;
    this.allocatable.scalar = a.scalar;
    this.allocatable.pods = a.pods;
  }

  addPod(p: PodInfo): void {
    this.update(p, 1);
    this.pods.set(p.key, p);
  }

  removePod(p: PodInfo): void {
    this.update(p, -1);
    this.pods.delete(p.key);
  }

  private update(p: PodInfo, sign: 1 | -1): void {
    addResources(this.requested, p.requests, sign);
    this.nonZeroCpu += sign * p.nonZeroCpu;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      bump(this.ports, `${hp.ip}|${hp.protocol}|${hp.port}`, sign);
      bump(this.portsAnyIp, `${hp.protocol}|${hp.port}`, sign);
    }
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with the port on any ip, an ip with itself and 0.0.0.0. */
  portConflict(hp: HostPort): boolean {
    if (hp.ip === DEFAULT_BIND_ALL) return this.portsAnyIp.has(`${hp.protocol}|${hp.port}`);
    return this.ports.has(`${DEFAULT_BIND_ALL}|${hp.protocol}|${hp.port}`) || this.ports.has(`${hp.ip}|${hp.protocol}|${hp.port}`);
  }
}
