/**
 * The load generator every rate benchmark uses (hello-world, etcd,
 * Edgeplane), so their ratios compare like with like. A request is a
 * template whose "$NAME" (in path or body) becomes a unique name per request.
 * Two engines, chosen by --loadgen (default: wrk when installed, else node):
 *  - node: a closed loop of N workers over an undici Pool of N keep-alive
 *    connections (pipelining 1), each sending its next request as soon as the
 *    last one's body is read; completions are counted for a fixed duration
 *    after a warm-up. A non-2xx status or a transport error is an error.
 *  - wrk: see wrk.ts.
 */
import { Pool } from "undici";
import { runWrk, wrkBinary } from "./wrk.js";

export interface LoadSpec {
  method: "GET" | "POST" | "PUT";
  /** May hold "$NAME". */
  path: string;
  headers?: Record<string, string>;
  /** May hold "$NAME". */
  body?: string;
}

export interface LoadOptions {
  origin: string;
  /** PEM of a CA to trust (HTTPS origins; the node engine verifies, wrk does not). */
  ca?: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  spec: LoadSpec;
  engine: "node" | "wrk";
}

export interface LoadResult {
  engine: "node" | "wrk";
  /** Successful responses per second in the measured window. */
  rate: number;
  ok: number;
  errors: number;
  /** A few error descriptions (status and body start; node engine only). */
  errorSamples: string[];
  p50: number;
  p99: number;
  seconds: number;
}

/**
 * Unique, and valid both as a Kubernetes name (lowercase alphanumerics) and
 * as base64 (length a multiple of 4), so etcd keys can use it as it is.
 */
export function uniqueName(prefix: string, worker: number, seq: number): string {
  const n = `${prefix}${worker}x${seq}`;
  return n + "a".repeat((4 - (n.length % 4)) % 4);
}

export function runPrefix(): string {
  return `b${Date.now().toString(36)}`;
}

/** The engine to use: --loadgen, else wrk when it is on PATH, else node. */
export function pickEngine(requested?: string): "node" | "wrk" {
  if (requested === "node" || requested === "wrk") {
    if (requested === "wrk" && !wrkBinary()) throw new Error("--loadgen wrk: wrk is not installed (apt-get install wrk)");
    return requested;
  }
  return wrkBinary() ? "wrk" : "node";
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  return o.engine === "wrk" ? runWrk(o) : runNode(o);
}

async function runNode(o: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(o.origin, { connections: o.connections, pipelining: 1, connect: o.ca ? { ca: o.ca } : undefined, keepAliveTimeout: 30_000 });
  const prefix = runPrefix();
  const named = o.spec.path.includes("$NAME") || (o.spec.body ?? "").includes("$NAME");
  let phase: "warmup" | "measure" | "done" = "warmup";
  let ok = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const latencies: number[] = [];
  const noteError = (what: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(what);
  };

  const worker = async (w: number) => {
    for (let seq = 0; phase !== "done"; seq++) {
      const name = named ? uniqueName(prefix, w, seq) : "";
      const path = named ? o.spec.path.replace("$NAME", name) : o.spec.path;
      const body = o.spec.body && named ? o.spec.body.replace("$NAME", name) : o.spec.body;
      const counting = phase === "measure";
      const started = performance.now();
      try {
        const res = await pool.request({ method: o.spec.method, path, headers: o.spec.headers, body });
        const good = res.statusCode >= 200 && res.statusCode < 300;
        const text = good ? (await res.body.dump({ limit: Infinity }), "") : await res.body.text();
        if (!counting || phase !== "measure") continue;
        if (good) {
          ok++;
          latencies.push(performance.now() - started);
        } else noteError(`${res.statusCode} ${text.slice(0, 200)}`);
      } catch (e) {
        if (counting && phase === "measure") noteError(`transport: ${(e as Error).message}`);
      }
    }
  };

  const workers = Array.from({ length: o.connections }, (_, i) => worker(i));
  await new Promise((r) => setTimeout(r, o.warmupMs));
  phase = "measure";
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, o.durationMs));
  phase = "done";
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(workers);
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  return { engine: "node", rate: ok / seconds, ok, errors, errorSamples, p50: at(0.5), p99: at(0.99), seconds };
}

/** Sequential requests on one connection: unloaded latency samples in ms. */
export async function serialLatency(o: { origin: string; ca?: string; count: number; warmup?: number; spec: LoadSpec }): Promise<{ latencies: number[]; errors: number; errorSamples: string[] }> {
  const pool = new Pool(o.origin, { connections: 1, pipelining: 1, connect: o.ca ? { ca: o.ca } : undefined });
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const warm = o.warmup ?? 20;
  for (let i = 0; i < warm + o.count; i++) {
    const started = performance.now();
    try {
      const res = await pool.request({ method: o.spec.method, path: o.spec.path, headers: o.spec.headers, body: o.spec.body });
      // Read as bytes: the time is the server's (and the wire's), not this client's decoding.
      const bytes = await res.body.arrayBuffer();
      const took = performance.now() - started;
      if (i < warm) continue;
      if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(took);
      else {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${res.statusCode} ${new TextDecoder().decode(bytes).slice(0, 200)}`);
      }
    } catch (e) {
      if (i < warm) continue;
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`transport: ${(e as Error).message}`);
    }
  }
  await pool.close();
  return { latencies, errors, errorSamples };
}
