/**
 * A work queue with client-go's guarantees: a key is never processed by two
 * workers at once, a key added while it is processed is processed again
 * after, duplicates collapse, and failures come back with exponential
 * back-off (5 ms doubling to 60 s by default). Delayed adds (requeueAfter)
 * share one timer.
 */
export interface QueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called when keys become ready to process. */
  onReady: () => void;
  /** Injected clock and timer, for tests. */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export class WorkQueue<K extends string = string> {
  private ready = new Set<K>();
  private processing = new Set<K>();
  private dirty = new Set<K>();
  private failures = new Map<K, number>();
  private delayed = new Map<K, number>();
  private timer: unknown;
  private timerAt = Infinity;
  private readonly o: Required<Omit<QueueOptions, "onReady">> & { onReady: () => void };

  constructor(opts: QueueOptions) {
    this.o = {
      baseDelayMs: 5,
      maxDelayMs: 60_000,
      now: () => Date.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      ...opts,
    };
  }

  get length(): number {
    return this.ready.size;
  }

  /** Keys waiting, in flight, or delayed: the queue depth for metrics. */
  get depth(): number {
    return this.ready.size + this.processing.size + this.delayed.size;
  }

  add(key: K): void {
    this.delayed.delete(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (!this.ready.has(key)) {
      this.ready.add(key);
      this.o.onReady();
    }
  }

  addAfter(key: K, ms: number): void {
    if (ms <= 0) return this.add(key);
    const at = this.o.now() + ms;
    const cur = this.delayed.get(key);
    if (cur !== undefined && cur <= at) return;
    this.delayed.set(key, at);
    this.arm(at);
  }

  /** Requeue after a failure, with back-off growing per key. */
  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.o.baseDelayMs * 2 ** n, this.o.maxDelayMs));
  }

  /** A key succeeded: forget its failures. */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** Take up to n ready keys to process. */
  take(n: number): K[] {
    const out: K[] = [];
    for (const k of this.ready) {
      if (out.length >= n) break;
      this.ready.delete(k);
      this.processing.add(k);
      out.push(k);
    }
    return out;
  }

  /** Processing of a key ended; if it changed meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  private arm(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) this.o.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.o.setTimer(() => this.fire(), Math.max(0, at - this.o.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.o.now();
    let next = Infinity;
    for (const [k, at] of this.delayed) {
      if (at <= now) {
        this.delayed.delete(k);
        this.add(k);
      } else if (at < next) next = at;
    }
    if (next < Infinity) this.arm(next);
  }

  stop(): void {
    if (this.timer !== undefined) this.o.clearTimer(this.timer);
  }
}
