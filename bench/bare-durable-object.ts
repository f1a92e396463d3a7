/**
 * The naive store as a yardstick: a Worker in front of one SQLite-backed
 * Durable Object, no Kubernetes code at all, served over HTTPS the way the
 * control plane is (workerd started by src/cli/workerd.ts, the Worker on its
 * own socket) with the same throwaway CA as the HTTPS hello-world. It speaks just enough
 * of the API's paths for the same generators to drive it:
 *  - POST …/configmaps inserts the body under its name and, like a store,
 *    writes one fixed-shape event line to every open watch stream;
 *  - GET …?watch=1 opens a stream the Durable Object fans events out to;
 *  - anything else answers 201 / a list with resourceVersion "1".
 * So "ConfigMap create" and "watch" each have a runtime floor measured in the
 * same run: what one request, one Durable Object hop and one insert cost, and
 * what fanning one line out to N HTTPS streams costs, whatever Edgeplane does.
 * With coalesce, each stream is the control plane's own CoalescingStream (the
 * module itself, transpiled), so lines the runtime has not taken yet leave
 * together: the floor of the control plane's delivery strategy, not just of
 * a line per write.
 */
import { buildSync } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { jsonCaller, yardstickWorkerd, type HttpTarget } from "./cluster.js";
import { onCleanup } from "./cleanup.js";

const SCRIPT = `
import { DurableObject } from "cloudflare:workers";
import { CoalescingStream, FlushGroup } from "./coalescing-stream.mjs";
const COALESCE = globalThis.COALESCE_FLAG;
const enc = new TextEncoder();
// An event about as long as the control plane's ConfigMap ADDED line.
const pad = "x".repeat(300);
export class Bare extends DurableObject {
  streams = new Set();
  flushes = new FlushGroup();
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS objects (name TEXT PRIMARY KEY, data TEXT NOT NULL)");
  }
  put(name, data) {
    this.ctx.storage.sql.exec("INSERT INTO objects (name, data) VALUES (?, ?)", name, data);
    if (this.streams.size) {
      const line = enc.encode(JSON.stringify({ type: "ADDED", object: { kind: "ConfigMap", apiVersion: "v1", metadata: { name, namespace: "bench", resourceVersion: "1", pad } } }) + "\\n");
      for (const c of this.streams) COALESCE ? c.push(line) : c.enqueue(line);
    }
    return data;
  }
  watch() {
    if (COALESCE) {
      const s = new CoalescingStream(() => this.streams.delete(s), this.flushes);
      this.streams.add(s);
      return s.readable;
    }
    let c;
    return new ReadableStream({ start: (x) => { c = x; this.streams.add(c); }, cancel: () => { this.streams.delete(c); } }, { highWaterMark: 0 });
  }
}
export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    const store = env.BARE.get(env.BARE.idFromName("bench"));
    if (url.searchParams.get("watch")) return new Response(await store.watch(), { headers: { "content-type": "application/json" } });
    if (req.method === "POST" && url.pathname.endsWith("/configmaps")) {
      const body = await req.text();
      const name = JSON.parse(body).metadata.name;
      return new Response(await store.put(name, body), { status: 201, headers: { "content-type": "application/json" } });
    }
    if (req.method === "POST") return new Response("{}", { status: 201, headers: { "content-type": "application/json" } });
    return new Response('{"metadata":{"resourceVersion":"1"},"items":[]}', { headers: { "content-type": "application/json" } });
  },
};`;

export interface BareDurableObject extends HttpTarget {
  stop(): Promise<void>;
}

/** The bare script with the project's CoalescingStream (and what it imports) bundled in, as one module file. */
function bundle(dir: string, coalesce: boolean): string {
  const coalescing = fileURLToPath(new URL("../src/apimachinery/coalescing-stream.ts", import.meta.url));
  const out = join(dir, "bare.mjs");
  buildSync({
    stdin: { contents: SCRIPT.replace("globalThis.COALESCE_FLAG", String(coalesce)).replace("./coalescing-stream.mjs", coalescing), loader: "js", resolveDir: dir },
    bundle: true,
    format: "esm",
    external: ["cloudflare:workers"],
    outfile: out,
  });
  return out;
}

export async function startBareDurableObject(tls: { key: string; cert: string; ca: string }, o: { coalesce?: boolean } = {}): Promise<BareDurableObject> {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-bench-bare-"));
  const forget = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const workerd = await yardstickWorkerd(dir, bundle(dir, !!o.coalesce), tls, { BARE: "Bare" });
  const origin = `https://127.0.0.1:${workerd.port}`;
  const pool = new Pool(origin, { connections: 8, connect: { ca: tls.ca } });
  return {
    origin,
    caCert: tls.ca,
    auth: {},
    call: jsonCaller(pool, {}),
    async stop() {
      await pool.close().catch(() => {});
      await workerd.stop();
      forget();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
