import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect, type Server } from "node:net";
import { createSocket } from "node:dgram";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { ServiceProxy, type Log } from "./service-proxy.js";
import { LoopbackAddresses } from "./loopback.js";

/** Stands in for KubeClient.watch: the test pushes the events. */
class FakeWatch {
  handlers = new Map<string, (type: string, obj: never) => void>();
  syncs = new Map<string, (items: never[]) => void>();
  watch = (path: string, onEvent: (type: string, obj: never) => void, _onError?: unknown, onSync?: (items: never[]) => void) => {
    this.handlers.set(path, onEvent);
    if (onSync) this.syncs.set(path, onSync);
    return () => this.handlers.delete(path);
  };
  /** A re-list after 410 Gone: onSync with the items, then ADDED for each. */
  relist(services: Service[], slices: EndpointSlice[]) {
    this.syncs.get("/api/v1/services")!(services as never[]);
    for (const s of services) this.service("ADDED", s);
    this.syncs.get("/apis/discovery.k8s.io/v1/endpointslices")!(slices as never[]);
    for (const s of slices) this.slice("ADDED", s);
  }
  service(type: string, svc: Service) {
    this.handlers.get("/api/v1/services")!(type, svc as never);
  }
  slice(type: string, s: EndpointSlice) {
    this.handlers.get("/apis/discovery.k8s.io/v1/endpointslices")!(type, s as never);
  }
}

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** A backend that answers every connection with its name and closes. */
async function backend(name: string): Promise<number> {
  const s = createServer((c) => c.end(name));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Connect, read to the end: the backend's name, or "RESET"/"CLOSED"/"REFUSED". */
function ask(port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve) => {
    const c = connect({ port, host: "127.0.0.1", localAddress });
    let data = "";
    c.on("data", (d) => (data += d));
    c.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED" ? "REFUSED" : "RESET"));
    c.on("end", () => resolve(data || "CLOSED"));
  });
}

const svc = (name: string, nodePort: number, extra: Partial<NonNullable<Service["spec"]>> = {}): Service => ({
  metadata: { namespace: "t", name, resourceVersion: "1" },
  spec: { type: "NodePort", clusterIP: "10.96.9.9", ports: [{ port: 80, protocol: "TCP", nodePort }], ...extra },
});
/** A slice has one set of ports, so each backend (127.0.0.1 on its own port) gets a slice of its own. */
const slice = (name: string, service: string, port: number, ready = true): EndpointSlice => ({
  metadata: { namespace: "t", name, labels: { "kubernetes.io/service-name": service } },
  addressType: "IPv4",
  ports: [{ name: "", port, protocol: "TCP" }],
  endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready } }],
});
const slicesFor = (service: string, ports: number[]) => ports.map((p, i) => slice(`${service}-${i}`, service, p));

const quiet: Log = () => {};
const until = async (fn: () => Promise<boolean> | boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

function newProxy(retryMs = 3000, log: Log = quiet) {
  const w = new FakeWatch();
  const proxy = new ServiceProxy({ client: w, nodeName: "n1", log, bindClusterIPs: false, retryMs });
  proxy.start();
  return { w, proxy };
}

test("round-robin across three backends; endpoint removal takes effect; no endpoints resets", async () => {
  const [a, b, c] = [await backend("a"), await backend("b"), await backend("c")];
  const nodePort = await freePort();
  const { w, proxy } = newProxy();
  try {
    w.service("ADDED", svc("web", nodePort));
    await until(() => proxy.status().some((l) => l.state === "open"));
    assert.equal(await ask(nodePort), "RESET", "no endpoints yet: the connection is reset");
    for (const s of slicesFor("web", [a, b, c])) w.slice("ADDED", s);
    const got = [];
    for (let i = 0; i < 6; i++) got.push(await ask(nodePort));
    assert.deepEqual(got.slice(0, 3).sort(), ["a", "b", "c"]);
    assert.deepEqual(got.slice(3), got.slice(0, 3), "the rotation repeats");

    // b goes (its slice deleted), c turns not ready: only a answers, at once.
    w.slice("DELETED", slicesFor("web", [a, b, c])[1]);
    w.slice("MODIFIED", slice("web-2", "web", c, false));
    for (let i = 0; i < 4; i++) assert.equal(await ask(nodePort), "a");

    w.slice("DELETED", slicesFor("web", [a])[0]);
    assert.equal(await ask(nodePort), "RESET");
    const m = proxy.metrics().find((x) => x.service === "web")!;
    assert.equal(m.connections, 12);
    assert.equal(m.rejected, 2);
    assert.equal(m.endpoints, 0);

    // Service deleted: the listener goes.
    w.service("DELETED", svc("web", nodePort));
    await until(async () => (await ask(nodePort)) === "REFUSED");
    assert.deepEqual(proxy.status(), []);
  } finally {
    proxy.stop();
  }
});

test("a re-list (410 Gone) drops Services and slices deleted while the watch was away", async () => {
  const [a, b] = [await backend("a"), await backend("b")];
  const [np1, np2] = [await freePort(), await freePort()];
  const { w, proxy } = newProxy();
  try {
    w.service("ADDED", svc("keep", np1));
    w.service("ADDED", svc("gone", np2, { clusterIP: "10.96.9.12" }));
    const [sa, sb] = slicesFor("keep", [a, b]);
    w.slice("ADDED", sa);
    w.slice("ADDED", sb);
    await until(() => proxy.status().filter((l) => l.state === "open").length === 2);
    w.relist([svc("keep", np1)], [sb]);
    await until(async () => (await ask(np2)) === "REFUSED");
    for (let i = 0; i < 3; i++) assert.equal(await ask(np1), "b");
  } finally {
    proxy.stop();
  }
});

test("a backend that refuses is skipped for the next one", async () => {
  const a = await backend("a");
  const dead = await freePort();
  const nodePort = await freePort();
  const { w, proxy } = newProxy();
  try {
    w.service("ADDED", svc("fo", nodePort));
    for (const s of slicesFor("fo", [a, dead])) w.slice("ADDED", s);
    await until(() => proxy.status().some((l) => l.state === "open"));
    for (let i = 0; i < 4; i++) assert.equal(await ask(nodePort), "a");
    assert.ok(proxy.metrics()[0].errors >= 1);
  } finally {
    proxy.stop();
  }
});

test("sessionAffinity ClientIP pins each client address to one backend", async () => {
  const ports = [await backend("a"), await backend("b"), await backend("c")];
  const nodePort = await freePort();
  const { w, proxy } = newProxy();
  try {
    w.service("ADDED", svc("sticky", nodePort, { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } } }));
    for (const s of slicesFor("sticky", ports)) w.slice("ADDED", s);
    await until(() => proxy.status().some((l) => l.state === "open"));
    const byClient = new Map<string, Set<string>>();
    for (const client of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add(await ask(nodePort, client));
      byClient.set(client, seen);
    }
    for (const seen of byClient.values()) assert.equal(seen.size, 1);
    // Three clients, round-robin for their first connections: three different backends.
    assert.equal(new Set([...byClient.values()].map((s) => [...s][0])).size, 3);
  } finally {
    proxy.stop();
  }
});

test("a node port held by a sibling is taken over when the sibling stops", async () => {
  const a = await backend("a");
  const nodePort = await freePort();
  const first = newProxy(100);
  const second = newProxy(100);
  try {
    for (const { w } of [first, second]) {
      w.service("ADDED", svc("shared", nodePort));
      for (const s of slicesFor("shared", [a])) w.slice("ADDED", s);
    }
    await until(() => first.proxy.status()[0]?.state === "open" || second.proxy.status()[0]?.state === "open");
    const [winner, loser] = first.proxy.status()[0]?.state === "open" ? [first, second] : [second, first];
    await until(() => loser.proxy.status()[0]?.state === "busy");
    assert.equal(await ask(nodePort), "a");
    winner.proxy.stop();
    await until(() => loser.proxy.status()[0]?.state === "open", 2000);
    assert.equal(await ask(nodePort), "a");
  } finally {
    first.proxy.stop();
    second.proxy.stop();
  }
});

test("UDP: datagrams reach a backend and replies come back", async () => {
  const echo = createSocket("udp4");
  echo.on("message", (m, r) => echo.send(Buffer.from(`echo:${m}`), r.port, r.address));
  await new Promise<void>((r) => echo.bind(0, "127.0.0.1", r));
  const backendPort = echo.address().port;
  const nodePort = await freePort();
  const { w, proxy } = newProxy();
  const client = createSocket("udp4");
  try {
    w.service("ADDED", { metadata: { namespace: "t", name: "dns" }, spec: { type: "NodePort", clusterIP: "10.96.9.10", ports: [{ port: 53, protocol: "UDP", nodePort }] } });
    w.slice("ADDED", { metadata: { namespace: "t", name: "dns-1", labels: { "kubernetes.io/service-name": "dns" } }, addressType: "IPv4", ports: [{ name: "", port: backendPort, protocol: "UDP" }], endpoints: [{ addresses: ["127.0.0.1"] }] });
    await until(() => proxy.status()[0]?.state === "open");
    const reply = new Promise<string>((r) => client.once("message", (m) => r(String(m))));
    client.send("hi", nodePort, "127.0.0.1");
    assert.equal(await reply, "echo:hi");
  } finally {
    client.close();
    echo.close();
    proxy.stop();
  }
});

test("without the privilege to add addresses: one clear line, node ports still served", async () => {
  const a = await backend("a");
  const nodePort = await freePort();
  const lines: string[] = [];
  const w = new FakeWatch();
  const addresses = new LoopbackAddresses(async () => ({ code: 2, stdout: "", stderr: "RTNETLINK answers: Operation not permitted" }));
  const proxy = new ServiceProxy({ client: w, nodeName: "n1", addresses, log: (level, m) => level !== "debug" && lines.push(m) });
  proxy.start();
  try {
    w.service("ADDED", svc("web", nodePort));
    w.service("ADDED", svc("web2", await freePort(), { clusterIP: "10.96.9.11" }));
    for (const s of slicesFor("web", [a])) w.slice("ADDED", s);
    await until(() => proxy.status().length === 2 && proxy.status().every((l) => l.host === "0.0.0.0"));
    assert.equal(await ask(nodePort), "a");
    const warnings = lines.filter((l) => l.includes("not permitted"));
    assert.equal(warnings.length, 1, lines.join("\n"));
    assert.match(warnings[0], /serving node ports only/);
  } finally {
    proxy.stop();
  }
});
