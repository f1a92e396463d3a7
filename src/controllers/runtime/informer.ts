/**
 * The controller manager's informer cache: every watched object of every
 * namespace, indexed by owner uid, fed by the stores' change notifications
 * and by full re-lists. It implements Lister for the reconcilers; writes the
 * manager makes are applied here at once (read-your-writes), and an older
 * version never replaces a newer one.
 */
import type { KObject } from "../../registry/types.js";
import type { Lister, Resource } from "../types.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export type ChangeHandler = (resource: Resource, type: ChangeType, obj: KObject, old: KObject | undefined) => void;

const key = (ns: string, name: string) => `${ns}/${name}`;
const rvOf = (o: KObject) => BigInt(o.metadata.resourceVersion ?? "0");

export class Informer implements Lister {
  private store = new Map<Resource, Map<string, KObject>>();
  private owners = new Map<string, Set<string>>();
  /** Deleted keys and the version they were deleted at, so a late stale add is ignored. */
  private tombstones = new Map<string, bigint>();

  constructor(private onChange: ChangeHandler) {}

  private bucket(r: Resource): Map<string, KObject> {
    let b = this.store.get(r);
    if (!b) this.store.set(r, (b = new Map()));
    return b;
  }

  get(resource: Resource, namespace: string, name: string): KObject | undefined {
    return this.bucket(resource).get(key(namespace, name));
  }

  list(resource: Resource, namespace?: string): KObject[] {
    const all = [...this.bucket(resource).values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? "") === namespace);
  }

  ownedBy(resource: Resource, ownerUid: string): KObject[] {
    const keys = this.owners.get(`${resource}|${ownerUid}`);
    if (!keys) return [];
    const b = this.bucket(resource);
    return [...keys].map((k) => b.get(k)).filter((o): o is KObject => !!o);
  }

  count(resource: Resource): number {
    return this.bucket(resource).size;
  }

  private index(resource: Resource, k: string, o: KObject | undefined, add: boolean): void {
    for (const ref of o?.metadata.ownerReferences ?? []) {
      const ik = `${resource}|${ref.uid}`;
      let s = this.owners.get(ik);
      if (add) {
        if (!s) this.owners.set(ik, (s = new Set()));
        s.add(k);
      } else if (s) {
        s.delete(k);
        if (!s.size) this.owners.delete(ik);
      }
    }
  }

  /** Apply a change (from a notification, a list, or the manager's own write). */
  apply(resource: Resource, type: ChangeType, obj: KObject): void {
    const k = key(obj.metadata.namespace ?? "", obj.metadata.name ?? "");
    const b = this.bucket(resource);
    const old = b.get(k);
    const rv = rvOf(obj);
    if (old && rvOf(old) > rv) return;
    const tk = `${resource}|${k}`;
    if (type === "DELETED") {
      if (!old) return;
      this.index(resource, k, old, false);
      b.delete(k);
      this.tombstones.set(tk, rv);
      this.onChange(resource, "DELETED", obj, old);
      return;
    }
    const dead = this.tombstones.get(tk);
    if (!old && dead !== undefined && dead >= rv) return;
    this.tombstones.delete(tk);
    if (old && rvOf(old) === rv) return;
    this.index(resource, k, old, false);
    b.set(k, obj);
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
