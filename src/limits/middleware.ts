/**
 * Overload protection in the Worker, after authentication: a token bucket
 * per user (429 Too Many Requests with Retry-After and a metav1.Status,
 * reason TooManyRequests) and a cap on each user's concurrent watches.
 * Members of RATE_LIMIT_EXEMPT_GROUPS (default system:masters, like the
 * exempt priority level of Kubernetes' API Priority and Fairness) are not
 * limited, so the cluster admin and the benchmarks run unthrottled.
 *
 * Bindings: RATE_LIMIT_QPS (default 100), RATE_LIMIT_BURST (default 2×qps),
 * RATE_LIMIT_EXEMPT_GROUPS (comma-separated), MAX_WATCHES_PER_USER (default 200).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env.js";
import { ApiError, errors } from "../apimachinery/status.js";
import type { RequestUser } from "../store/protocol.js";
import { Concurrency, TokenBuckets } from "./token-bucket.js";

interface Limits {
  buckets: TokenBuckets;
  watches: Concurrency;
  exempt: Set<string>;
}

let limits: Limits | undefined;
let configKey = "";

function limitsFor(env: Env): Limits {
  const key = `${env.RATE_LIMIT_QPS}|${env.RATE_LIMIT_BURST}|${env.RATE_LIMIT_EXEMPT_GROUPS}|${env.MAX_WATCHES_PER_USER}`;
  if (!limits || key !== configKey) {
    const qps = Number(env.RATE_LIMIT_QPS ?? 100) || 100;
    const burst = Number(env.RATE_LIMIT_BURST ?? qps * 2) || qps * 2;
    const exempt = new Set((env.RATE_LIMIT_EXEMPT_GROUPS ?? "system:masters").split(",").map((s) => s.trim()).filter(Boolean));
    limits = { buckets: new TokenBuckets(qps, burst), watches: new Concurrency(Number(env.MAX_WATCHES_PER_USER ?? 200) || 200), exempt };
    configKey = key;
  }
  return limits;
}

const isWatch = (url: URL) => url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1" || /^\/apis?\/(?:[^/]+\/)?[^/]+\/watch\//.test(url.pathname);

/** A stream that calls done() once, when it ends or its reader goes away. */
export function onStreamEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: end } = await reader.read();
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        finish();
        controller.error(e);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}

export function rateLimit<E extends { Bindings: Env; Variables: { user: RequestUser } }>(): MiddlewareHandler<E> {
  return async (c: Context<E>, next) => {
    const user = c.get("user") as RequestUser | undefined;
    const l = limitsFor(c.env);
    if (!user || user.groups.some((g) => l.exempt.has(g))) return next();
    const t = l.buckets.take(user.username);
    if (!t.ok) throw errors.tooManyRequests(t.retryAfterSeconds);
    const url = new URL(c.req.url);
    if (!isWatch(url)) return next();
    if (!l.watches.acquire(user.username)) {
      throw new ApiError(429, "TooManyRequests", `too many concurrent watches for user "${user.username}" (limit ${l.watches.max}); please try again later`, { retryAfterSeconds: 1 });
    }
    let held = true;
    const release = () => {
      if (held) {
        held = false;
        l.watches.release(user.username);
      }
    };
    try {
      await next();
    } catch (e) {
      release();
      throw e;
    }
    if (c.res.status >= 400 || !c.res.body) return release();
    c.res = new Response(onStreamEnd(c.res.body, release), c.res);
    // workerd tells a streamed response that its client left through the request's signal (enable_request_signal).
    c.req.raw.signal?.addEventListener("abort", release, { once: true });
  };
}
