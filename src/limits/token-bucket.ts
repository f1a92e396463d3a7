/**
 * Per-user token buckets: each user may make `qps` requests a second on
 * average with bursts up to `burst`; over that, the caller learns how long
 * to wait (Retry-After). State lives in the isolate: on Cloudflare every
 * isolate keeps its own buckets, so a user spread over N isolates gets up to
 * N times the limit — a guard against one client overwhelming an isolate,
 * not a global quota (that would need a Durable Object per user on the hot
 * path).
 */
export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Idle buckets are forgotten past this many users, so memory stays bounded. */
const MAX_KEYS = 10_000;

export class TokenBuckets {
  private buckets = new Map<string, Bucket>();

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  take(key: string): Take {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) this.sweep(t);
      b = { tokens: this.burst, at: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.qps);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.qps)) };
  }

  private sweep(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.qps >= this.burst) this.buckets.delete(k);
    }
    // Everyone active: drop the oldest half rather than grow without bound.
    if (this.buckets.size >= MAX_KEYS) for (const k of [...this.buckets.keys()].slice(0, MAX_KEYS / 2)) this.buckets.delete(k);
  }
}

/** Open long-running requests (watches) per user, against a cap. */
export class Concurrency {
  private open = new Map<string, number>();

  constructor(readonly max: number) {}

  acquire(key: string): boolean {
    const n = this.open.get(key) ?? 0;
    if (n >= this.max) return false;
    this.open.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.open.get(key) ?? 1) - 1;
    if (n <= 0) this.open.delete(key);
    else this.open.set(key, n);
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
