/**
 * The Node object this agent registers and keeps current: capacity and
 * allocatable from the host, addresses, the well-known labels, nodeInfo, and
 * the four conditions. Conditions keep their lastTransitionTime while they
 * hold, as kubectl describe shows.
 */
import type { HostFacts, Pressure } from "./host.js";
import { timeNow } from "./lease.js";
import { INGRESS_PORT_ANNOTATION, INGRESS_TLS_PORT_ANNOTATION } from "../../../src/registry/kinds/networking/edgeplane-ingress.js";

export const AGENT_VERSION = "v1.30.0-edgeplane";

export interface NodeCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

export interface NodeOptions {
  name: string;
  facts: HostFacts;
  runtime: string;
  port: number;
  labels?: Record<string, string>;
  maxPods?: number;
  /** The ports this node serves Ingresses on (HTTP, HTTPS), when it does. */
  ingressPort?: number;
  ingressTlsPort?: number;
}

const MiB = 2 ** 20;

export function nodeStatus(o: NodeOptions, conditions: NodeCondition[]) {
  const f = o.facts;
  const capacity = { cpu: String(f.cpus), memory: `${Math.floor(f.memoryBytes / 1024)}Ki`, "ephemeral-storage": `${Math.floor(f.ephemeralBytes / 1024)}Ki`, pods: String(o.maxPods ?? 110) };
  // Allocatable leaves the default hard-eviction headroom: 100Mi of memory, 10% of disk.
  const allocatable = { ...capacity, memory: `${Math.floor(Math.max(0, f.memoryBytes - 100 * MiB) / 1024)}Ki`, "ephemeral-storage": String(Math.floor(f.ephemeralBytes * 0.9)) };
  return {
    capacity,
    allocatable,
    conditions,
    addresses: [
      { type: "InternalIP", address: f.internalIP },
      { type: "Hostname", address: o.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: o.port } },
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.machineID,
      bootID: f.bootID,
      kernelVersion: f.kernel,
      osImage: f.osImage,
      containerRuntimeVersion: o.runtime,
      kubeletVersion: AGENT_VERSION,
      kubeProxyVersion: AGENT_VERSION,
      operatingSystem: "linux",
      architecture: f.arch,
    },
  };
}

export function nodeObject(o: NodeOptions, conditions: NodeCondition[]) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: o.name,
      labels: { "kubernetes.io/hostname": o.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": o.facts.arch, "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": o.facts.arch, ...o.labels },
      annotations: { "edgeplane.dev/agent": AGENT_VERSION, ...(o.ingressPort ? { [INGRESS_PORT_ANNOTATION]: String(o.ingressPort) } : {}), ...(o.ingressTlsPort ? { [INGRESS_TLS_PORT_ANNOTATION]: String(o.ingressTlsPort) } : {}) } as Record<string, string>,
    },
    spec: {},
    status: nodeStatus(o, conditions),
  };
}

/** The four kubelet conditions for the current pressure, carrying transition times over from the previous set. */
export function nodeConditions(p: Pressure, prev: NodeCondition[] = [], now = timeNow()): NodeCondition[] {
  const make = (type: string, on: boolean, reasons: [string, string], messages: [string, string], invert = false): NodeCondition => {
    const status = (invert ? !on : on) ? "True" : "False";
    const before = prev.find((c) => c.type === type);
    return {
      type,
      status,
      reason: on ? reasons[0] : reasons[1],
      message: on ? messages[0] : messages[1],
      lastHeartbeatTime: now,
      lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now,
    };
  };
  return [
    make("MemoryPressure", p.memory, ["KubeletHasInsufficientMemory", "KubeletHasSufficientMemory"], ["kubelet has insufficient memory available", "kubelet has sufficient memory available"]),
    make("DiskPressure", p.disk, ["KubeletHasDiskPressure", "KubeletHasNoDiskPressure"], ["kubelet has disk pressure", "kubelet has no disk pressure"]),
    make("PIDPressure", p.pid, ["KubeletHasInsufficientPID", "KubeletHasSufficientPID"], ["kubelet has insufficient PID available", "kubelet has sufficient PID available"]),
    make("Ready", true, ["KubeletReady", "KubeletNotReady"], ["kubelet is posting ready status", "kubelet is not ready"]),
  ];
}
