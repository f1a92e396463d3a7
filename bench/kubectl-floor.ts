/**
 * kubectl's own floor for `kubectl get pods -A`: the Table the control plane
 * answers for all pods, fetched once and served again from memory by a loopback HTTPS server that
 * does no work at all, one request (--chunk-size=0). Whatever kubectl takes
 * then is decoding and printing: no server, however fast, gets below it.
 * Discovery and everything else is relayed to the control plane, so kubectl
 * runs exactly as it does against it.
 */
import { createServer } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { kubeconfigYaml } from "../src/cli/local.js";
import { throwawayTls, type BenchCluster } from "./cluster.js";
import { onCleanup } from "./cleanup.js";

export interface KubectlFloor {
  kubeconfig: string;
  /** Bytes of the Table served for every pod list. */
  bytes: number;
  stop(): Promise<void>;
}

/** tableAccept: the Accept header kubectl sends for `get` (a Table with metadata objects). */
export async function startKubectlFloor(c: BenchCluster, tableAccept: string): Promise<KubectlFloor> {
  const upstream = new Pool(c.origin, { connections: 4, connect: { ca: c.caCert } });
  const answer = await upstream.request({ method: "GET", path: "/api/v1/pods", headers: { ...c.auth, accept: tableAccept } });
  const table = new Uint8Array(await answer.body.arrayBuffer());
  if (answer.statusCode !== 200) throw new Error(`table list: ${answer.statusCode} ${new TextDecoder().decode(table)}`);
  const tls = await throwawayTls();
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-bench-floor-"));
  const forget = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const relay = async (req: IncomingMessage, res: ServerResponse) => {
    const r = await upstream.request({ method: req.method as "GET", path: req.url ?? "/", headers: { accept: req.headers.accept ?? "application/json", ...c.auth } });
    res.writeHead(r.statusCode, { "content-type": String(r.headers["content-type"] ?? "application/json") });
    res.end(Buffer.from(await r.body.arrayBuffer()));
  };
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    if (req.method === "GET" && /^\/api\/v1\/pods(\?|$)/.test(req.url ?? "")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": table.byteLength });
      res.end(table);
      return;
    }
    relay(req, res).catch((e) => {
      res.writeHead(502);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const kubeconfig = join(dir, "kubeconfig");
  // A token kubectl sends (it sends none to a server it cannot verify); the relay uses the cluster's own.
  writeFileSync(kubeconfig, kubeconfigYaml(`https://127.0.0.1:${port}`, "floor", tls.ca), { mode: 0o600 });
  return {
    kubeconfig,
    bytes: table.byteLength,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close().catch(() => {});
      tls.cleanup();
      forget();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
