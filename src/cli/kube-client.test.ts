import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { KubeClient } from "./kube-client.js";

/** A server that answers the first request of each connection and drops the connection on the next, as a server closing an idle kept-alive connection does. */
async function closingServer(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const served = new WeakMap<Socket, number>();
  const server = createServer((req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    seen.push(`${req.method} ${n}`);
    if (n > 1) return void req.socket.destroy();
    req.resume();
    req.on("end", () => res.end(JSON.stringify({ method: req.method, metadata: {} })));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test("a kept-alive connection the server drops as it is reused: the request goes again on a fresh one, once", async () => {
  const { server, url, seen } = await closingServer();
  const c = new KubeClient({ server: url, token: "t" }, 1);
  try {
    assert.deepEqual(await c.get("/a"), { method: "GET", metadata: {} });
    // The same (only) socket is reused for the PATCH: dropped, then sent again on a new connection.
    assert.deepEqual(await c.mergePatch("/b", { x: 1 }), { method: "PATCH", metadata: {} });
    assert.deepEqual(seen, ["GET 1", "PATCH 2", "PATCH 1"]);
  } finally {
    await c.close();
    server.closeAllConnections();
    server.close();
  }
});

test("a connection that fails on its first request is not retried", async () => {
  const server = createServer((req) => req.socket.destroy());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  let requests = 0;
  server.on("request", () => requests++);
  const c = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: "t" }, 1);
  try {
    await assert.rejects(c.get("/a"), /socket hang up|ECONNRESET/);
    assert.equal(requests, 1);
  } finally {
    await c.close();
    server.close();
  }
});
