/**
 * A copy of a cluster-scoped list that isolates and namespace stores keep
 * (CRDs, PriorityClasses, admission policies and webhook configurations):
 * at most every ttlMs it asks the cluster store whether the list changed
 * (ObjectStore.sharedList: one small call) and fetches the items only when
 * they did, as an apiserver's informer lags a little behind.
 */
import type { KObject } from "../registry/types.js";

export interface SharedListSource {
  sharedList(resource: string, known: string): Promise<{ version: string; items?: string[] }>;
}

export class SharedCopy {
  items: KObject[] = [];
  private version = "";
  private at = 0;

  constructor(
    readonly resource: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Bring the copy up to date if it is older than the TTL (`force`: ask now);
   * true when the items changed. The source is made only when asked: a stub
   * costs more than the check, on every write that finds the copy fresh.
   */
  async refresh(source: () => SharedListSource, force = false): Promise<boolean> {
    const now = Date.now();
    if (!force && this.at && now - this.at < this.ttlMs) return false;
    // Once loaded, the copy counts as fresh while it is being asked about: the
    // writes arriving meanwhile use it as it is (stale by at most the TTL and
    // one call) rather than each asking again. Until then, each one waits.
    const before = this.at;
    if (before) this.at = now;
    let r: Awaited<ReturnType<SharedListSource["sharedList"]>>;
    try {
      r = await source().sharedList(this.resource, this.version);
    } catch (e) {
      this.at = before;
      throw e;
    }
    this.at = Date.now();
    this.version = r.version;
    if (!r.items) return false;
    this.items = r.items.map((d) => JSON.parse(d) as KObject);
    return true;
  }
}
