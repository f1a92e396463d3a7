/**
 * Parsed objects of one store, keyed by resource, name and resourceVersion:
 * lists filter and print the same rows again and again (`kubectl get -A`,
 * informer relists), and parsing each stored JSON row was most of a list's
 * cost. A row whose version changed is simply a miss, so the cache can never
 * serve a stale object. Entries are shared and must be treated as read-only.
 * Bounded by count; the least recently used entry goes first.
 */
import type { KObject } from "../registry/types.js";

export interface CachedObject {
  rv: number;
  /** The stored JSON, revealed (decrypted) when the kind is sealed. */
  data: string;
  obj: KObject;
  /** PartialObjectMetadata JSON for table rows, made on first use. */
  metaJson?: string;
}

export class ObjectCache {
  private entries = new Map<string, CachedObject>();
  hits = 0;
  misses = 0;

  constructor(private max = 5000) {}

  /** The parsed object for a row; `reveal` gives its JSON on a miss. */
  get(resource: string, name: string, rv: number, reveal: () => string): CachedObject {
    const key = `${resource}\0${name}`;
    const hit = this.entries.get(key);
    if (hit && hit.rv === rv) {
      this.hits++;
      // Re-insert: Map order is recency order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    this.misses++;
    const data = reveal();
    const entry: CachedObject = { rv, data, obj: JSON.parse(data) as KObject };
    if (hit) this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  /** Whether the row's version is cached (no recency change). */
  has(resource: string, name: string, rv: number): boolean {
    return this.entries.get(`${resource}\0${name}`)?.rv === rv;
  }

  /** Forget everything (restore replaces the store's contents wholesale). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
