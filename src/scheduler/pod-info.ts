/**
 * A pod as the scheduler sees it, parsed once (framework.PodInfo): its
 * requests, host ports, owner and compiled inter-pod affinity terms. The
 * cache holds one per assigned pod; the scheduler builds one for the pod it
 * places.
 */
import type { PodAffinityTerm, PodSpec, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import type { KObject } from "../registry/types.js";
import { nothing, selectorFromLabelSelector, type LabelMatcher, type LabelSelector } from "../apimachinery/selectors/labels.js";
import { podRequests, type Resources } from "./resources.js";
import type { Labels } from "./node-selector.js";

/** framework.AffinityTerm. */
export interface AffinityTerm {
  readonly selector: LabelMatcher;
  /** The namespaces named by the term; the pod's own when it names none and has no namespaceSelector. */
  readonly namespaces: ReadonlySet<string>;
  /** `nothing` when the term has no namespaceSelector. */
  readonly namespaceSelector: LabelMatcher;
  readonly topologyKey: string;
  /** The weight of a preferred term (1 for required ones). */
  readonly weight: number;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  readonly pod: KObject;
  readonly spec: PodSpec;
  /** The pod's uid (namespace/name when it has none). */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /**
   * The uid of the pod's controlling ReplicaSet, ReplicationController or
   * StatefulSet: the workloads whose selectors default spreading uses.
   */
  readonly ownerUid: string | undefined;
  /** Has a deletionTimestamp. */
  readonly terminating: boolean;
  readonly requests: Resources;
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly AffinityTerm[];
  readonly preferredAntiAffinity: readonly AffinityTerm[];
  /** The node the pod counts on: spec.nodeName, or the one it is assumed on. */
  readonly nodeName: string;
}

const SPREAD_OWNERS = new Set(["ReplicaSet", "ReplicationController", "StatefulSet"]);

export const podKey = (pod: KObject): string => pod.metadata.uid ?? `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;

/** A selector as LabelSelectorAsSelector; one that does not parse selects nothing. */
export function safeSelector(ls: LabelSelector | null | undefined): LabelMatcher {
  try {
    return selectorFromLabelSelector(ls);
  } catch {
    return nothing;
  }
}

function term(t: PodAffinityTerm, namespace: string, weight: number): AffinityTerm {
  const names = t.namespaces ?? [];
  return {
    selector: safeSelector(t.labelSelector),
    namespaces: new Set(names.length === 0 && !t.namespaceSelector ? [namespace] : names),
    namespaceSelector: t.namespaceSelector ? safeSelector(t.namespaceSelector) : nothing,
    topologyKey: t.topologyKey,
    weight,
  };
}

const required = (ts: PodAffinityTerm[] | undefined, ns: string) => (ts ?? []).map((t) => term(t, ns, 1));
const preferred = (ts: WeightedPodAffinityTerm[] | undefined, ns: string) => (ts ?? []).map((t) => term(t.podAffinityTerm, ns, t.weight));

/** Whether a term selects a pod (AffinityTerm.Matches); namespace labels are looked up only for a namespaceSelector. */
export function termMatches(t: AffinityTerm, p: { namespace: string; labels: Labels }, namespaceLabels: (ns: string) => Labels | undefined): boolean {
  return (t.namespaces.has(p.namespace) || (!t.namespaceSelector.nothing && t.namespaceSelector(namespaceLabels(p.namespace)))) && t.selector(p.labels);
}

export function newPodInfo(pod: KObject, nodeName?: string): PodInfo {
  const spec = (pod.spec ?? {}) as PodSpec;
  const namespace = pod.metadata.namespace ?? "";
  const hostPorts: HostPort[] = [];
  for (const c of spec.containers ?? [])
    for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) hostPorts.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort! });
  const { requests, nonZeroCpu, nonZeroMemory } = podRequests(spec);
  const aff = spec.affinity?.podAffinity;
  const anti = spec.affinity?.podAntiAffinity;
  return {
    pod,
    spec,
    key: podKey(pod),
    namespace,
    name: pod.metadata.name ?? "",
    labels: pod.metadata.labels ?? {},
    ownerUid: pod.metadata.ownerReferences?.find((r) => r.controller && SPREAD_OWNERS.has(r.kind))?.uid,
    terminating: !!pod.metadata.deletionTimestamp,
    requests,
    nonZeroCpu,
    nonZeroMemory,
    hostPorts,
    requiredAffinity: required(aff?.requiredDuringSchedulingIgnoredDuringExecution, namespace),
    requiredAntiAffinity: required(anti?.requiredDuringSchedulingIgnoredDuringExecution, namespace),
    preferredAffinity: preferred(aff?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
    preferredAntiAffinity: preferred(anti?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
    nodeName: nodeName ?? spec.nodeName ?? "",
  };
}

/** Has any inter-pod affinity term (framework's PodsWithAffinity). */
export const hasAffinity = (p: PodInfo) =>
  p.requiredAffinity.length + p.requiredAntiAffinity.length + p.preferredAffinity.length + p.preferredAntiAffinity.length > 0;
