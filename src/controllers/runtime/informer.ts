/**
 * The controller manager's informer cache: every watched object of every
 * namespace, fed by the stores' change notifications and by full re-lists.
 * It implements Lister for the reconcilers; writes the manager makes are
 * applied here at once (read-your-writes), and an older version never
 * replaces a newer one. Indexed as client-go's indexers are, so a
 * reconcile costs what its own objects cost, not the whole cluster: by
 * namespace, by owner uid, and (for claiming) objects without a controller.
 */
import type { KObject } from "../../registry/types.js";
import type { Lister, Resource } from "../types.js";
import { controllerRefOf } from "../common/owner-refs.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export type ChangeHandler = (resource: Resource, type: ChangeType, obj: KObject, old: KObject | undefined) => void;

const key = (ns: string, name: string) => `${ns}/${name}`;

/** Add k to (or drop it from) the set at index[ik], dropping emptied sets. */
function setMember(index: Map<string, Set<string>>, ik: string, k: string, add: boolean): void {
  let s = index.get(ik);
  if (add) {
    if (!s) index.set(ik, (s = new Set()));
    s.add(k);
  } else if (s) {
    s.delete(k);
    if (!s.size) index.delete(ik);
  }
}
const rvOf = (o: KObject) => BigInt(o.metadata.resourceVersion ?? "0");

export class Informer implements Lister {
  /** resource → namespace → name → object. */
  private store = new Map<Resource, Map<string, Map<string, KObject>>>();
  /** `${resource}|${ownerUid}` → keys of objects naming that owner. */
  private owners = new Map<string, Set<string>>();
  /** `${resource}|${namespace}` → keys of objects with no controller (orphans a controller may adopt). */
  private orphans = new Map<string, Set<string>>();
  /** Node name → keys of the pods bound to it (spec.nodeName, the field index kubelets and the pod GC use). */
  private podsByNode = new Map<string, Set<string>>();
  /** Deleted keys and the version they were deleted at, so a late stale add is ignored. */
  private tombstones = new Map<string, bigint>();

  constructor(private onChange: ChangeHandler) {}

  private namespaces(r: Resource): Map<string, Map<string, KObject>> {
    let b = this.store.get(r);
    if (!b) this.store.set(r, (b = new Map()));
    return b;
  }

  private byKey(resource: Resource, k: string): KObject | undefined {
    const i = k.indexOf("/");
    return this.store.get(resource)?.get(k.slice(0, i))?.get(k.slice(i + 1));
  }

  get(resource: Resource, namespace: string, name: string): KObject | undefined {
    return this.store.get(resource)?.get(namespace)?.get(name);
  }

  list(resource: Resource, namespace?: string): KObject[] {
    const b = this.store.get(resource);
    if (!b) return [];
    if (namespace !== undefined) return [...(b.get(namespace)?.values() ?? [])];
    const all: KObject[] = [];
    for (const ns of b.values()) for (const o of ns.values()) all.push(o);
    return all;
  }

  ownedBy(resource: Resource, ownerUid: string): KObject[] {
    return this.resolve(resource, this.owners.get(`${resource}|${ownerUid}`));
  }

  claimable(resource: Resource, namespace: string, ownerUid: string): KObject[] {
    const owned = this.ownedBy(resource, ownerUid).filter((o) => (o.metadata.namespace ?? "") === namespace);
    // An orphan may name the owner without being controlled by it: it is in both indexes, listed once.
    const seen = new Set(owned);
    return [...owned, ...this.resolve(resource, this.orphans.get(`${resource}|${namespace}`)).filter((o) => !seen.has(o))];
  }

  onNode(nodeName: string): KObject[] {
    return this.resolve("pods", this.podsByNode.get(nodeName));
  }

  private resolve(resource: Resource, keys: Set<string> | undefined): KObject[] {
    if (!keys) return [];
    const out: KObject[] = [];
    for (const k of keys) {
      const o = this.byKey(resource, k);
      if (o) out.push(o);
    }
    return out;
  }

  count(resource: Resource): number {
    let n = 0;
    for (const ns of this.store.get(resource)?.values() ?? []) n += ns.size;
    return n;
  }

  private index(resource: Resource, k: string, o: KObject | undefined, add: boolean): void {
    if (!o) return;
    const refs = o.metadata.ownerReferences ?? [];
    for (const ref of refs) setMember(this.owners, `${resource}|${ref.uid}`, k, add);
    if (!controllerRefOf(o)) setMember(this.orphans, `${resource}|${o.metadata.namespace ?? ""}`, k, add);
    const node = resource === "pods" ? (o.spec as { nodeName?: string } | undefined)?.nodeName : undefined;
    if (node) setMember(this.podsByNode, node, k, add);
  }

  private put(resource: Resource, o: KObject): void {
    const ns = o.metadata.namespace ?? "";
    const b = this.namespaces(resource);
    let m = b.get(ns);
    if (!m) b.set(ns, (m = new Map()));
    m.set(o.metadata.name ?? "", o);
  }

  private remove(resource: Resource, o: KObject): void {
    const ns = o.metadata.namespace ?? "";
    const m = this.store.get(resource)?.get(ns);
    m?.delete(o.metadata.name ?? "");
    if (m && !m.size) this.store.get(resource)!.delete(ns);
  }

  /** Apply a change (from a notification, a list, or the manager's own write). */
  apply(resource: Resource, type: ChangeType, obj: KObject): void {
    const k = key(obj.metadata.namespace ?? "", obj.metadata.name ?? "");
    const old = this.get(resource, obj.metadata.namespace ?? "", obj.metadata.name ?? "");
    const rv = rvOf(obj);
    if (old && rvOf(old) > rv) return;
    const tk = `${resource}|${k}`;
    if (type === "DELETED") {
      if (!old) return;
      this.index(resource, k, old, false);
      this.remove(resource, old);
      this.tombstones.set(tk, rv);
      this.onChange(resource, "DELETED", obj, old);
      return;
    }
    const dead = this.tombstones.get(tk);
    if (!old && dead !== undefined && dead >= rv) return;
    this.tombstones.delete(tk);
    if (old && rvOf(old) === rv) return;
    this.index(resource, k, old, false);
    this.put(resource, obj);
    this.index(resource, k, obj, true);
    this.onChange(resource, old ? "MODIFIED" : "ADDED", obj, old);
  }

  /**
   * Replace everything of a resource in one namespace with a fresh list:
   * objects missing from it are deleted (a missed DELETED notification).
   */
  replace(resource: Resource, namespace: string | undefined, items: KObject[]): void {
    const seen = new Set<string>();
    for (const o of items) {
      seen.add(key(o.metadata.namespace ?? "", o.metadata.name ?? ""));
      this.apply(resource, "MODIFIED", o);
    }
    for (const o of this.list(resource, namespace)) {
      const k = key(o.metadata.namespace ?? "", o.metadata.name ?? "");
      if (!seen.has(k)) this.apply(resource, "DELETED", { ...o, metadata: { ...o.metadata, resourceVersion: o.metadata.resourceVersion } });
    }
  }

  /** Forget tombstones older than a version (called on resync to bound memory). */
  pruneTombstones(): void {
    if (this.tombstones.size > 100_000) this.tombstones.clear();
  }
}
