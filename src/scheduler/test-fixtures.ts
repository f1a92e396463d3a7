/**
 * Nodes and pods as a kubelet and a ReplicaSet would write them, for the
 * scheduler's tests and its micro-benchmark.
 */
import type { PodSpec, Taint } from "kubernetes-types/core/v1";
import type { KObject } from "../registry/types.js";

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: number;
  zone?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  /** The Ready condition's status (True by default). */
  ready?: "True" | "False" | "Unknown";
  /** Extra allocatable resources, e.g. { "example.com/gpu": "2" }. */
  extra?: Record<string, string>;
}

export function makeNode(name: string, o: NodeOpts = {}): KObject {
  const allocatable = { cpu: o.cpu ?? "4", memory: o.memory ?? "16Gi", pods: String(o.pods ?? 110), "ephemeral-storage": "100Gi", ...o.extra };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      uid: `node-${name}`,
      labels: { "kubernetes.io/hostname": name, ...(o.zone ? { "topology.kubernetes.io/zone": o.zone } : {}), ...o.labels },
    },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: allocatable, allocatable, conditions: [{ type: "Ready", status: o.ready ?? "True" }] },
  };
}

export interface PodOpts {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  /** A controlling ReplicaSet of this uid. */
  owner?: string;
  nodeName?: string;
  phase?: string;
  created?: string;
  /** Merged into the spec. */
  spec?: Partial<PodSpec>;
}

export function makePod(name: string, o: PodOpts = {}): KObject {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      uid: `uid-${o.namespace ?? "default"}-${name}`,
      creationTimestamp: o.created ?? "2026-01-01T00:00:00Z",
      labels: o.labels ?? {},
      ...(o.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: o.owner, uid: o.owner, controller: true }] } : {}),
    },
    spec: {
      containers: [{ name: "c", image: "busybox:1.36", resources: { requests } }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...o.spec,
    },
    status: { phase: o.phase ?? "Pending" },
  };
}

/** mulberry32: a seeded RNG in [0, 1), so tie-breaks are reproducible. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
