/**
 * The scheduler's cache (kube-scheduler's internal/cache): NodeInfos kept up
 * to date incrementally from node and pod watch events, plus the pods the
 * scheduler has assumed onto nodes while their bindings are in flight, so a
 * batch never overbooks a node. It also keeps the indexes that let plugins
 * avoid walking every pod: pods by label pair, namespace and controller,
 * pods with inter-pod affinity, node label values, and the node list in
 * zone round-robin order (the nodeTree) that sampling walks.
 */
import type { PodStatus } from "kubernetes-types/core/v1";
import type { KObject } from "../registry/types.js";
import type { LabelMatcher } from "../apimachinery/selectors/labels.js";
import { bump, NodeInfo } from "./node-info.js";
import { hasAffinity, newPodInfo, podKey, type PodInfo } from "./pod-info.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

const NONE: ReadonlySet<PodInfo> = new Set();
const NO_COUNTS: ReadonlyMap<NodeInfo, number> = new Map();

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s?.delete(v) && s.size === 0) m.delete(k);
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

const isTerminal = (pod: KObject) => {
  const phase = (pod.status as PodStatus | undefined)?.phase;
  return phase === "Succeeded" || phase === "Failed";
};

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodInfo>();
  private readonly assumed = new Set<string>();
  private readonly nominations = new Map<string, PodInfo>();
  private readonly nominatedByNode = new Map<string, Set<PodInfo>>();
  private readonly byLabel = new Map<string, Set<PodInfo>>();
  private readonly byNamespace = new Map<string, Set<PodInfo>>();
  /** Controller uid → node → its non-terminating pods there (default spreading). */
  private readonly byOwner = new Map<string, Map<NodeInfo, number>>();
  /** Controller uid → node label key → its value → the controller's pods there, built on demand. */
  private readonly byOwnerDomain = new Map<string, Map<string, Map<string, number>>>();
  /** Node label key → value → how many nodes carry it. */
  private readonly nodeLabels = new Map<string, Map<string, number>>();
  /** Zone key → its nodes, in the order they came; zones in the order they appeared. */
  private readonly zones = new Map<string, NodeInfo[]>();
  private order: NodeInfo[] | undefined;
  /** Pods with any inter-pod affinity term (PodsWithAffinity). */
  readonly withAffinity = new Set<PodInfo>();
  /** Pods with required anti-affinity terms (PodsWithRequiredAntiAffinity). */
  readonly withRequiredAntiAffinity = new Set<PodInfo>();

  // ---------------------------------------------------------------- events

  onNode(type: WatchEventType, node: KObject): void {
    const name = node.metadata.name ?? "";
    let info = this.nodes.get(name);
    if (type === "DELETED") {
      if (!info?.node) return;
      this.byOwnerDomain.clear();
      this.unindexNode(info);
      this.removeFromZone(info);
      info.setNode(undefined);
      if (info.pods.size === 0) this.nodes.delete(name);
      return;
    }
    if (!info) this.nodes.set(name, (info = new NodeInfo(name)));
    const known = !!info.node;
    const oldZone = info.zone;
    const oldLabels = info.labels;
    if (known) this.unindexNode(info);
    info.setNode(node);
    this.indexNode(info);
    if (!known || !sameLabels(oldLabels, info.labels)) this.byOwnerDomain.clear();
    if (known && oldZone === info.zone) return;
    if (known) this.removeFromZone({ name, zone: oldZone });
    const zone = this.zones.get(info.zone);
    if (zone) zone.push(info);
    else this.zones.set(info.zone, [info]);
    this.order = undefined;
  }

  /**
   * A pod counts on its node while spec.nodeName is set and it is not
   * Succeeded or Failed. An event for a pod the scheduler assumed confirms
   * it (or, if the pod is gone or finished, drops it).
   */
  onPod(type: WatchEventType, pod: KObject): void {
    const key = podKey(pod);
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    // A pending pod's status.nominatedNodeName holds room for it there (kube-scheduler's nominator).
    const nominated = (pod.status as PodStatus | undefined)?.nominatedNodeName;
    if (type === "DELETED" || nodeName || isTerminal(pod) || !nominated) this.unnominate(key);
    else if (this.nominations.get(key)?.nodeName !== nominated) this.nominate(pod, nominated);
    if (type !== "DELETED" && !nodeName && !isTerminal(pod) && this.assumed.has(key)) return; // its binding is in flight
    this.assumed.delete(key);
    this.remove(key);
    if (type !== "DELETED" && nodeName && !isTerminal(pod)) this.add(newPodInfo(pod));
  }

  /** Reserve a pod on a node before its binding completes. */
  assume(pod: KObject, nodeName: string): void {
    const key = podKey(pod);
    this.unnominate(key);
    this.remove(key);
    this.add(newPodInfo(pod, nodeName));
    this.assumed.add(key);
  }

  /** Undo assume (the binding failed). */
  forget(pod: KObject): void {
    const key = podKey(pod);
    if (this.assumed.delete(key)) this.remove(key);
  }

  isAssumed(pod: KObject): boolean {
    return this.assumed.has(podKey(pod));
  }

  /** Hold room on a node for a preemptor until it is bound (or gone). */
  nominate(pod: KObject, nodeName: string): void {
    const key = podKey(pod);
    this.unnominate(key);
    const info = newPodInfo(pod, nodeName);
    this.nominations.set(key, info);
    addTo(this.nominatedByNode, nodeName, info);
  }

  private unnominate(key: string): void {
    const info = this.nominations.get(key);
    if (!info) return;
    this.nominations.delete(key);
    removeFrom(this.nominatedByNode, info.nodeName, info);
  }

  /** Pods nominated to a node (waiting for their victims to leave). */
  nominatedOn(nodeName: string): ReadonlySet<PodInfo> {
    return this.nominatedByNode.get(nodeName) ?? NONE;
  }

  // ---------------------------------------------------------------- reads

  /** Nodes (with a Node object), zones interleaved as nodeTree.list(). */
  nodeList(): readonly NodeInfo[] {
    if (!this.order) {
      const zones = [...this.zones.values()];
      const order: NodeInfo[] = [];
      const longest = Math.max(0, ...zones.map((z) => z.length));
      for (let i = 0; i < longest; i++) for (const z of zones) if (i < z.length) order.push(z[i]);
      this.order = order;
    }
    return this.order;
  }

  /** The NodeInfo of a node the cache has a Node object for. */
  node(name: string): NodeInfo | undefined {
    const info = this.nodes.get(name);
    return info?.node ? info : undefined;
  }

  get podCount(): number {
    return this.pods.size;
  }

  /** Values of a node label key → how many nodes have each. */
  nodeLabelValues(key: string): ReadonlyMap<string, number> | undefined {
    return this.nodeLabels.get(key);
  }

  /**
   * How many non-terminating pods of the controller with this uid each
   * domain of a topology key has (nodes without the label count under "").
   */
  ownerDomainCounts(uid: string, key: string): ReadonlyMap<string, number> {
    let byKey = this.byOwnerDomain.get(uid);
    if (!byKey) this.byOwnerDomain.set(uid, (byKey = new Map()));
    let counts = byKey.get(key);
    if (!counts) {
      byKey.set(key, (counts = new Map()));
      for (const [info, n] of this.ownerCounts(uid)) if (info.node) bump(counts, info.labels[key] ?? "", n);
    }
    return counts;
  }

  /** How many non-terminating pods of the controller with this uid each node has. */
  ownerCounts(uid: string): ReadonlyMap<NodeInfo, number> {
    return this.byOwner.get(uid) ?? NO_COUNTS;
  }

  /**
   * A superset of the pods a selector can match (callers still check it and
   * the namespace): the smallest posting list among the selector's exact
   * label pairs, else the namespace's pods when there is just one, else all.
   */
  candidates(selector: LabelMatcher, namespaces?: ReadonlySet<string>): Iterable<PodInfo> {
    if (selector.nothing) return NONE;
    let best: ReadonlySet<PodInfo> | undefined;
    for (const k in selector.exact) {
      const s = this.byLabel.get(`${k}=${selector.exact[k]}`) ?? NONE;
      if (!best || s.size < best.size) best = s;
    }
    if (!best && namespaces?.size === 1) for (const ns of namespaces) best = this.byNamespace.get(ns) ?? NONE;
    return best ?? this.pods.values();
  }

  // ---------------------------------------------------------------- internals

  private add(p: PodInfo): void {
    this.pods.set(p.key, p);
    let info = this.nodes.get(p.nodeName);
    if (!info) this.nodes.set(p.nodeName, (info = new NodeInfo(p.nodeName)));
    info.addPod(p);
    for (const k in p.labels) addTo(this.byLabel, `${k}=${p.labels[k]}`, p);
    addTo(this.byNamespace, p.namespace, p);
    this.countOwner(p, info, 1);
    if (hasAffinity(p)) this.withAffinity.add(p);
    if (p.requiredAntiAffinity.length) this.withRequiredAntiAffinity.add(p);
  }

  private remove(key: string): void {
    const p = this.pods.get(key);
    if (!p) return;
    this.pods.delete(key);
    const info = this.nodes.get(p.nodeName)!;
    info.removePod(p);
    if (!info.node && info.pods.size === 0) this.nodes.delete(p.nodeName);
    for (const k in p.labels) removeFrom(this.byLabel, `${k}=${p.labels[k]}`, p);
    removeFrom(this.byNamespace, p.namespace, p);
    this.countOwner(p, info, -1);
    this.withAffinity.delete(p);
    this.withRequiredAntiAffinity.delete(p);
  }

  private countOwner(p: PodInfo, info: NodeInfo, by: 1 | -1): void {
    const uid = p.ownerUid;
    if (!uid || p.terminating) return;
    let counts = this.byOwner.get(uid);
    if (!counts) this.byOwner.set(uid, (counts = new Map()));
    bump(counts, info, by);
    const byKey = this.byOwnerDomain.get(uid);
    if (byKey && info.node) for (const [key, domains] of byKey) bump(domains, info.labels[key] ?? "", by);
    if (counts.size === 0) {
      this.byOwner.delete(uid);
      this.byOwnerDomain.delete(uid);
    }
  }

  private indexNode(info: NodeInfo, by: 1 | -1 = 1): void {
    for (const k in info.labels) {
      let values = this.nodeLabels.get(k);
      if (!values) this.nodeLabels.set(k, (values = new Map()));
      bump(values, info.labels[k], by);
      if (values.size === 0) this.nodeLabels.delete(k);
    }
  }

  private unindexNode(info: NodeInfo): void {
    this.indexNode(info, -1);
  }

  private removeFromZone(info: { name: string; zone: string }): void {
    const z = this.zones.get(info.zone);
    const i = z ? z.findIndex((n) => n.name === info.name) : -1;
    if (i < 0) return;
    z!.splice(i, 1);
    if (z!.length === 0) this.zones.delete(info.zone);
    this.order = undefined;
  }
}
