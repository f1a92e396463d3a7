/**
 * A value loaded on demand and kept for a while, with concurrent loads
 * shared. The Worker is stateless across requests but its isolate is not:
 * policy snapshots and node lookups live here per isolate, and callers say
 * how old a value they accept (allows trust a few seconds; a denial asks
 * again with a much shorter bound, so new grants work at once).
 */
export class Cached<T> {
  private value?: T;
  private at = -Infinity;
  private loading?: Promise<T>;

  constructor(
    private load: () => Promise<T>,
    private now: () => number = Date.now,
  ) {}

  /** The value, reloaded if older than maxAgeMs. */
  get(maxAgeMs: number): Promise<T> {
    if (this.value !== undefined && this.now() - this.at <= maxAgeMs) return Promise.resolve(this.value);
    if (this.loading) return this.loading;
    const started = this.now();
    const p = this.load().then(
      (v) => {
        if (this.loading === p) {
          this.value = v;
          this.at = started;
          this.loading = undefined;
        }
        return v;
      },
      (e) => {
        if (this.loading === p) this.loading = undefined;
        throw e;
      },
    );
    this.loading = p;
    return p;
  }

  invalidate(): void {
    this.value = undefined;
    this.loading = undefined;
    this.at = -Infinity;
  }
}

/** Cached values by key, the oldest dropped past `max` keys. */
export class CachedMap<T> {
  private map = new Map<string, Cached<T>>();
  constructor(
    private load: (key: string) => Promise<T>,
    private max = 1000,
    private now: () => number = Date.now,
  ) {}

  get(key: string, maxAgeMs: number): Promise<T> {
    let c = this.map.get(key);
    if (!c) {
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
      this.map.set(key, (c = new Cached(() => this.load(key), this.now)));
    }
    return c.get(maxAgeMs);
  }

  invalidate(key?: string): void {
    if (key === undefined) this.map.clear();
    else this.map.get(key)?.invalidate();
  }
}
