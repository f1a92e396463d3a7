/**
 * /healthz, /livez and /readyz as kube-apiserver serves them: named checks
 * (ping, log, etcd — here the cluster store answering — and, for readiness,
 * etcd-readiness and shutdown), "ok" or a 500 naming the failed check,
 * `?verbose` listing every check ("[+]etcd ok"), `?exclude=NAME`, and each
 * check on its own path (`/readyz/etcd`). What `kubectl get --raw
 * '/readyz?verbose'` and load balancers' probes read.
 */
import type { Env } from "../env.js";
import { clusterStore } from "../store/object-store.js";
import { deadline } from "../apimachinery/deadline.js";

type Check = (env: Env) => Promise<void>;

/** The store answers within a deadline (etcd's check is a read with a timeout). */
const storeAnswers: Check = async (env) => {
  const d = deadline(2000, "the cluster store did not answer within 2s");
  try {
    await d.race(clusterStore(env).currentVersion());
  } finally {
    d.clear();
  }
};
const ok: Check = async () => {};

export const HEALTH_CHECKS: Record<string, [string, Check][]> = {
  healthz: [["ping", ok], ["log", ok], ["etcd", storeAnswers]],
  livez: [["ping", ok], ["log", ok], ["etcd", storeAnswers]],
  readyz: [["ping", ok], ["log", ok], ["etcd", storeAnswers], ["etcd-readiness", storeAnswers], ["shutdown", ok]],
};

const text = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-cache, private" } });

/** Serve `/{endpoint}` or `/{endpoint}/{check}`. */
export async function health(env: Env, endpoint: keyof typeof HEALTH_CHECKS, url: URL, only?: string): Promise<Response> {
  const all = HEALTH_CHECKS[endpoint];
  if (only !== undefined) {
    const check = all.find(([name]) => name === only);
    if (!check) return text("404 page not found\n", 404);
    try {
      await check[1](env);
      return text("ok");
    } catch (e) {
      return text(`internal server error: ${(e as Error).message}\n`, 500);
    }
  }
  const excluded = new Set(url.searchParams.getAll("exclude"));
  const results = await Promise.all(
    all.map(async ([name, check]) => {
      if (excluded.has(name)) return { name, line: `[+]${name} excluded: ok`, failed: false };
      try {
        await check(env);
        return { name, line: `[+]${name} ok`, failed: false };
      } catch {
        // As kube-apiserver: the reason stays in the server's log, not in an anonymous response.
        return { name, line: `[-]${name} failed: reason withheld`, failed: true };
      }
    }),
  );
  const failed = results.some((r) => r.failed);
  if (!failed && !url.searchParams.has("verbose")) return text("ok");
  const lines = results.map((r) => r.line);
  for (const name of excluded) if (!all.some(([n]) => n === name)) lines.push(`warn: some health checks cannot be excluded: no matches for "${name}"`);
  lines.push(failed ? `${endpoint} check failed` : `${endpoint} check passed`);
  return text(lines.join("\n") + "\n", failed ? 500 : 200);
}
