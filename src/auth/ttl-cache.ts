/** A small per-isolate cache whose entries expire: lookups on the request path stay cheap, and changes show within the TTL. */

/** A bounded map of values that expire after ttlMs (oldest entries dropped first when full). */
export class TtlCache<V> {
  private m = new Map<string, { v: V; at: number }>();
  constructor(
    private ttlMs: number,
    private max = 2000,
  ) {}
  get(key: string, now = Date.now()): V | undefined {
    const e = this.m.get(key);
    if (!e) return undefined;
    if (now - e.at > this.ttlMs) {
      this.m.delete(key);
      return undefined;
    }
    return e.v;
  }
  set(key: string, v: V, now = Date.now()): void {
    if (this.m.size >= this.max) this.m.delete(this.m.keys().next().value as string);
    this.m.set(key, { v, at: now });
  }
  /** The cached promise for key, or load()'s (a rejected one is not kept). */
  getOrLoad<T>(this: TtlCache<Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = this.get(key);
    if (!p) {
      p = load();
      p.catch(() => this.delete(key));
      this.set(key, p);
    }
    return p;
  }
  delete(key: string): void {
    this.m.delete(key);
  }
  clear(): void {
    this.m.clear();
  }
}
