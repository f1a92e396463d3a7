/**
 * Queueing hints: whether a cluster event may let a pod that fit nowhere fit
 * now, judged by the plugins that rejected it (as kube-scheduler's
 * EventsToRegister and QueueingHintFns), so the runtime retries it at once
 * instead of after its backoff, and leaves it alone on events that cannot
 * help (a node heartbeat, an unrelated pod).
 */
import type { Node, PodSpec, PodStatus } from "kubernetes-types/core/v1";
import type { KObject } from "../registry/types.js";
import type { WatchEventType } from "./cache.js";
import type { FitFailure } from "./scheduler.js";

export interface ClusterEvent {
  /** Registry resource key: "nodes", "pods", "persistentvolumeclaims", "persistentvolumes", "namespaces". */
  resource: string;
  type: WatchEventType;
  obj: KObject;
  /** The object before a MODIFIED event, when known. */
  old?: KObject;
}

const NODE_ADDED = ["NodeUnschedulable", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity"];
const NODE_LABELS = ["NodeAffinity", "VolumeBinding", "PodTopologySpread", "InterPodAffinity"];
const POD_GONE = ["NodeResourcesFit", "NodePorts", "PodTopologySpread", "InterPodAffinity"];
const POD_PLACED = ["PodTopologySpread", "InterPodAffinity"];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function nodeChange(obj: KObject, old: KObject): string[] {
  const [n, o] = [obj as Node, old as Node];
  const helped: string[] = [];
  if (!same(n.metadata?.labels, o.metadata?.labels)) helped.push(...NODE_LABELS);
  const conditions = (x: Node) => (x.status?.conditions ?? []).map((c) => [c.type, c.status]);
  if (!same(n.spec?.taints, o.spec?.taints) || !same(conditions(n), conditions(o))) helped.push("TaintToleration");
  if (!!n.spec?.unschedulable !== !!o.spec?.unschedulable) helped.push("NodeUnschedulable");
  if (!same(n.status?.allocatable, o.status?.allocatable)) helped.push("NodeResourcesFit");
  return helped;
}

const nodeNameOf = (pod: KObject | undefined) => (pod?.spec as PodSpec | undefined)?.nodeName;
const terminal = (pod: KObject) => ["Succeeded", "Failed"].includes((pod.status as PodStatus | undefined)?.phase ?? "");

function podChange(e: ClusterEvent): string[] {
  if (!nodeNameOf(e.obj) && !nodeNameOf(e.old)) return []; // pending pods change nothing for others
  if (e.type === "DELETED" || terminal(e.obj)) return POD_GONE;
  if (e.type === "ADDED" || !e.old || !nodeNameOf(e.old) || !same(e.obj.metadata.labels, e.old.metadata.labels)) return POD_PLACED;
  return [];
}

/** The plugins whose verdict the event may change. */
function pluginsHelped(e: ClusterEvent): string[] {
  switch (e.resource) {
    case "nodes":
      if (e.type === "DELETED") return ["PodTopologySpread"]; // fewer domains, a lower minimum
      return e.type === "ADDED" || !e.old ? NODE_ADDED : nodeChange(e.obj, e.old);
    case "pods":
      return podChange(e);
    case "persistentvolumeclaims":
    case "persistentvolumes":
      return e.type === "DELETED" ? [] : ["VolumeBinding"];
    case "namespaces":
      return e.type === "DELETED" ? [] : ["InterPodAffinity"];
    default:
      return [];
  }
}

/**
 * Whether the event may make a pod schedulable that failed with `failure`
 * (undefined, or no plugins, when it failed otherwise: any relevant event).
 */
export function mayBecomeSchedulable(event: ClusterEvent, failure?: FitFailure): boolean {
  const helped = pluginsHelped(event);
  if (!failure || failure.plugins.size === 0) return helped.length > 0;
  return helped.some((p) => failure.plugins.has(p));
}
