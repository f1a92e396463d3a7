/**
 * A shared, self-healing view of one collection: list once, then watch from
 * the list's resourceVersion, as client-go's reflector does. A watch that
 * ends is resumed from the last resourceVersion seen; a 410 Gone (history
 * compacted) relists; network failures back off exponentially. The page
 * never polls: every change arrives as a watch event. One informer per
 * collection path, shared by every view that needs it (see `Informers`).
 */
import { readLines } from "../src/apimachinery/lines.js";
import { ApiError, errorFrom, statusError } from "./status.js";

export interface KObj {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  [k: string]: unknown;
}

export type Fetcher = (path: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface InformerOptions {
  /** First back-off after a failure; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Page size of the initial list. */
  pageSize?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const keyOf = (o: KObj) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export class Informer<T extends KObj = KObj> {
  readonly items = new Map<string, T>();
  /** The resourceVersion to resume from; "" means list first. */
  resourceVersion = "";
  /** True once the first list has arrived. */
  synced = false;
  /** The last failure (cleared by the next success): shown by views, e.g. a 403's Forbidden message. */
  error: ApiError | undefined;
  /** How many lists and watches this informer has made (for tests and the status line). */
  readonly stats = { lists: 0, watches: 0, relists: 0 };
  private listeners = new Set<() => void>();
  private abort: AbortController | undefined;
  /** Whether the current watch request got its 200 (a later drop is then no reason to back off). */
  private connected = false;
  private readonly o: Required<InformerOptions>;

  constructor(
    readonly path: string,
    private readonly fetcher: Fetcher,
    opts: InformerOptions = {},
  ) {
    this.o = { minBackoffMs: 500, maxBackoffMs: 30_000, pageSize: 500, sleep: defaultSleep, ...opts };
  }

  get running(): boolean {
    return !!this.abort;
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** Call fn after every change (and on errors); returns the unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    if (this.abort) return;
    const ac = new AbortController();
    this.abort = ac;
    void this.run(ac.signal);
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoff = this.o.minBackoffMs;
    while (!signal.aborted) {
      this.connected = false;
      try {
        if (!this.resourceVersion) await this.relist(signal);
        // A watch the server ended after delivering something is resumed at once;
        // one that ended empty-handed waits like a failure, so a server that
        // closes every watch at once is not hammered.
        if (await this.watch(signal)) {
          backoff = this.o.minBackoffMs;
          continue;
        }
        await this.o.sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
      } catch (e) {
        if (signal.aborted) return;
        // A watch the server accepted and the network then cut is resumed after the
        // shortest wait: the connection worked, so the server is there.
        if (this.connected) backoff = this.o.minBackoffMs;
        this.error = e instanceof ApiError ? e : new ApiError(0, "NetworkError", e instanceof Error ? e.message : String(e));
        this.notify();
        // 401/403 will not fix themselves quickly: retry slowly.
        const wait = this.error.code === 401 || this.error.code === 403 ? this.o.maxBackoffMs : backoff;
        await this.o.sleep(wait, signal);
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, T>();
    let cont = "";
    let rv = "";
    do {
      const sep = this.path.includes("?") ? "&" : "?";
      const res = await this.fetcher(`${this.path}${sep}limit=${this.o.pageSize}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`, { signal });
      if (!res.ok) throw await errorFrom(res);
      const body = (await res.json()) as { metadata?: { resourceVersion?: string; continue?: string }; items?: T[] };
      for (const o of body.items ?? []) fresh.set(keyOf(o), o);
      rv = body.metadata?.resourceVersion ?? "";
      cont = body.metadata?.continue ?? "";
    } while (cont);
    this.stats.lists++;
    this.items.clear();
    for (const [k, v] of fresh) this.items.set(k, v);
    this.resourceVersion = rv || "0";
    this.synced = true;
    this.error = undefined;
    this.notify();
  }

  /** One watch request until the server ends it; true if any event arrived. */
  private async watch(signal: AbortSignal): Promise<boolean> {
    this.connected = false;
    const sep = this.path.includes("?") ? "&" : "?";
    this.stats.watches++;
    const res = await this.fetcher(`${this.path}${sep}watch=true&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(this.resourceVersion)}`, { signal });
    if (!res.ok) {
      const err = await errorFrom(res);
      if (err.code === 410) return this.gone();
      throw err;
    }
    if (!res.body) throw new ApiError(0, "NetworkError", "watch response has no body");
    this.connected = true;
    if (this.error) {
      this.error = undefined;
      this.notify();
    }
    let progressed = false;
    for await (const line of readLines(res.body, signal)) {
      const ev = JSON.parse(line) as { type: string; object: T };
      if (ev.type === "ERROR") {
        const err = statusError(ev.object);
        if (err.code === 410) return this.gone();
        throw err;
      }
      progressed = true;
      const rv = ev.object?.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
      if (ev.type === "BOOKMARK") continue;
      if (ev.type === "DELETED") this.items.delete(keyOf(ev.object));
      else this.items.set(keyOf(ev.object), ev.object);
      this.notify();
    }
    return progressed;
  }

  /** 410 Gone: the history we would resume from is compacted; start over with a list. */
  private gone(): boolean {
    this.stats.relists++;
    this.resourceVersion = "";
    return true;
  }
}

/**
 * The informers of the page, one per collection path, reference-counted:
 * a view acquires what it shows and releases it when it goes away; an
 * unused informer keeps running for a grace period so flipping between
 * views does not relist — unless that would exceed `maxStreams`. Over
 * HTTP/1.1 (the local control plane) a browser opens at most 6
 * connections per host, and each watch holds one: with 6 watches open,
 * the next request (a scale, an apply) would wait forever. So idle
 * informers are stopped first, keeping one connection free for requests.
 */
export class Informers {
  private map = new Map<string, { inf: Informer; refs: number; timer?: ReturnType<typeof setTimeout> }>();
  constructor(
    private readonly fetcher: Fetcher,
    private readonly graceMs = 60_000,
    private readonly opts: InformerOptions = {},
    private readonly maxStreams = 5,
  ) {}

  /** How many informers hold a watch open (in use or idle in their grace period). */
  get streams(): number {
    return this.map.size;
  }

  private evictIdle(): void {
    for (const [path, e] of this.map) {
      if (this.map.size <= this.maxStreams) return;
      if (e.refs > 0) continue;
      if (e.timer) clearTimeout(e.timer);
      e.inf.stop();
      this.map.delete(path);
    }
  }

  acquire<T extends KObj = KObj>(path: string): Informer<T> {
    let e = this.map.get(path);
    if (!e) {
      e = { inf: new Informer(path, this.fetcher, this.opts), refs: 0 };
      this.map.set(path, e);
    }
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
    e.refs++;
    this.evictIdle();
    e.inf.start();
    return e.inf as unknown as Informer<T>;
  }

  release(path: string): void {
    const e = this.map.get(path);
    if (!e) return;
    e.refs = Math.max(0, e.refs - 1);
    if (e.refs === 0)
      e.timer = setTimeout(() => {
        e.inf.stop();
        this.map.delete(path);
      }, this.graceMs);
  }

  stopAll(): void {
    for (const e of this.map.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.inf.stop();
    }
    this.map.clear();
  }
}
