/**
 * The agent's local read-only HTTP endpoint, like the kubelet's: /healthz,
 * /pods (the PodList this node runs), /spec (what the host is) and /metrics
 * (Prometheus text). Loopback by default: it answers anyone who can reach it.
 */
import * as http from "node:http";

export interface LocalEndpoints {
  healthy(): boolean;
  pods(): unknown[];
  spec(): unknown;
  metrics(): string;
}

/** Listen on host:port; a port taken by a sibling agent falls back to an ephemeral one. Resolves with the port. */
export function serveLocal(e: LocalEndpoints, host: string, port: number): Promise<{ port: number; close(): void }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { "content-type": type });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "method not allowed\n");
    if (path === "/healthz") return e.healthy() ? send(200, "text/plain", "ok") : send(500, "text/plain", "unhealthy");
    if (path === "/pods") return send(200, "application/json", JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items: e.pods() }));
    if (path === "/spec") return send(200, "application/json", JSON.stringify(e.spec()));
    if (path === "/metrics") return send(200, "text/plain; version=0.0.4", e.metrics());
    send(404, "text/plain", "404 page not found\n");
  });
  return new Promise((resolve, reject) => {
    const listen = (p: number) => {
      server.once("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "EADDRINUSE" && p !== 0) listen(0);
        else reject(err);
      });
      server.listen(p, host, () => {
        const a = server.address();
        resolve({ port: typeof a === "object" && a ? a.port : p, close: () => server.close() });
      });
    };
    listen(port);
  });
}
