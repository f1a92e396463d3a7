/**
 * The node tunnel end to end: the real Worker in workerd, the real kubectl,
 * and a TunnelClient dialling out from "the node" with NodeHandlers made of
 * child processes (a stand-in for the container runtime): kubectl logs
 * (-f, --tail, bad container), kubectl exec (output, stdin, exit codes),
 * kubectl port-forward (to a loopback server standing in for the pod's
 * port), errors without an agent, a reconnect, and client-node's Exec.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { connect as netConnect, type AddressInfo } from "node:net";
import { request as httpsRequest } from "node:https";
import { PassThrough, Writable } from "node:stream";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { TunnelClient } from "../../agent/src/tunnel/client.js";
import { NodeStatusError, type NodeHandlers, type LogRequest } from "../../agent/src/tunnel/types.js";
import type { ExecSession } from "../../agent/src/runtime/types.js";

let c: TestCluster;
let agent: TunnelClient | undefined;
const NODE = "tunnel-node";

/** Log lines per "namespace/pod/container", and who is following them. */
const logs = new Map<string, string[]>();
const followers = new Set<() => void>();
let logsClosed = false;
const logRequests: LogRequest[] = [];
const logSignals: AbortSignal[] = [];
function writeLog(key: string, line: string) {
  const l = logs.get(key) ?? [];
  l.push(line);
  logs.set(key, l);
  for (const f of followers) f();
}

const enc = new TextEncoder();

const handlers: NodeHandlers = {
  async logs(req, signal) {
    logRequests.push(req);
    logSignals.push(signal);
    if (req.previous) throw new NodeStatusError(400, "BadRequest", `previous terminated container "${req.container}" in pod "${req.pod}" not found`);
    const key = `${req.namespace}/${req.pod}/${req.container}`;
    return (async function* () {
      let sent = req.tailLines !== undefined ? Math.max(0, (logs.get(key) ?? []).length - req.tailLines) : 0;
      for (;;) {
        const lines = logs.get(key) ?? [];
        while (sent < lines.length) yield enc.encode(lines[sent++] + "\n");
        if (!req.follow || logsClosed || signal.aborted) return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            followers.delete(wake);
            resolve();
          };
          followers.add(wake);
          signal.addEventListener("abort", wake, { once: true });
        });
      }
    })();
  },
  async exec(req) {
    return processSession(req.command, req.stdin);
  },
  async attach() {
    throw new NodeStatusError(400, "BadRequest", "attach is not supported by the stand-in runtime");
  },
  // The "pod" is this machine's loopback: the port asked for is a server of this test.
  async portForward(req) {
    const sock = netConnect({ host: "127.0.0.1", port: req.port });
    await new Promise<void>((resolve, reject) => {
      sock.once("connect", resolve);
      sock.once("error", (e) => reject(new NodeStatusError(500, "InternalError", `failed to connect to port ${req.port}: ${e.message}`)));
    });
    sock.on("error", () => sock.destroy());
    return {
      write: (d) => void sock.write(d),
      end: () => sock.end(),
      onData: (fn) => void sock.on("data", (b: Buffer) => fn(new Uint8Array(b))),
      onEnd: (fn) => void sock.once("close", fn),
    };
  },
};

/** An ExecSession over a child process (what the runtime's exec will look like to the tunnel). */
function processSession(command: string[], stdin: boolean): ExecSession {
  const child = spawn(command[0], command.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  if (!stdin) child.stdin.end();
  child.stdin.on("error", () => {});
  const early: Array<[1 | 2, Uint8Array]> = [];
  let sink: ((s: 1 | 2, d: Uint8Array) => void) | undefined;
  const emit = (s: 1 | 2, d: Uint8Array) => (sink ? sink(s, d) : early.push([s, d]));
  child.stdout.on("data", (d: Buffer) => emit(1, new Uint8Array(d)));
  child.stderr.on("data", (d: Buffer) => emit(2, new Uint8Array(d)));
  const done = new Promise<number>((resolve) => {
    child.on("error", (e) => {
      emit(2, enc.encode(`exec: ${e.message}\n`));
      resolve(127);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 137 : 1)));
  });
  return {
    write: (d) => void child.stdin.write(d),
    closeStdin: () => child.stdin.end(),
    resize: async () => {},
    onOutput(fn) {
      sink = fn;
      for (const [s, d] of early.splice(0)) fn(s, d);
    },
    done,
    kill: () => child.kill("SIGKILL"),
  };
}

function startAgent(): TunnelClient {
  return new TunnelClient({ server: c.url, token: c.token, ca: c.caCert, node: NODE, handlers, minBackoffMs: 100, maxBackoffMs: 1000 });
}

const pod = (name: string, nodeName?: string, containers = ["app"]) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      ...(nodeName ? { nodeName } : { schedulerName: "nobody" }),
      tolerations: [{ operator: "Exists" }],
      containers: containers.map((n) => ({ name: n, image: "busybox" })),
    },
  });

before(async () => {
  c = await startCluster();
  for (const name of [NODE, "no-agent-node"]) await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name } }) });
  await c.kubectl(["apply", "-f", "-"], { input: pod("web", NODE) });
  await c.kubectl(["apply", "-f", "-"], { input: pod("multi", NODE, ["a", "b"]) });
  await c.kubectl(["apply", "-f", "-"], { input: pod("unbound") });
  await c.kubectl(["apply", "-f", "-"], { input: pod("elsewhere", "no-agent-node") });
  for (let i = 1; i <= 5; i++) writeLog("default/web/app", `line ${i}`);
  agent = startAgent();
  await agent.whenConnected();
});

after(async () => {
  await agent?.close();
  await c?.dispose();
});

test("kubectl logs, --tail, --timestamps options reach the agent", async () => {
  const r = await c.kubectl(["logs", "web"]);
  assert.equal(r.stdout, "line 1\nline 2\nline 3\nline 4\nline 5\n");
  const t = await c.kubectl(["logs", "web", "--tail=2"]);
  assert.equal(t.stdout, "line 4\nline 5\n");
  await c.kubectl(["logs", "web", "--since=5m", "--timestamps", "--limit-bytes=100"]);
  const last = logRequests.at(-1)!;
  assert.deepEqual(
    { container: last.container, sinceSeconds: last.sinceSeconds, timestamps: last.timestamps, limitBytes: last.limitBytes, follow: last.follow },
    { container: "app", sinceSeconds: 300, timestamps: true, limitBytes: 100, follow: false },
  );
});

test("kubectl logs -f streams lines as they are written and ends with the log", async () => {
  const f = c.kubectlStream(["logs", "-f", "web"]);
  try {
    await eventually(() => f.output().includes("line 5\n"), 15_000, "existing lines");
    writeLog("default/web/app", "live 1");
    await eventually(() => f.output().includes("live 1\n"), 10_000, "a line written while following");
    writeLog("default/web/app", "live 2");
    await eventually(() => f.output().includes("live 2\n"), 10_000, "a second live line");
    const exited = new Promise<number | null>((r) => f.child.on("close", (code) => r(code)));
    logsClosed = true;
    writeLog("default/web/app", "last");
    assert.equal(await exited, 0, f.output());
    assert.match(f.output(), /live 2\nlast\n$/);
  } finally {
    logsClosed = false;
    f.stop();
  }
});

test("stopping kubectl logs -f aborts the stream on the node", async () => {
  const f = c.kubectlStream(["logs", "-f", "web", "--tail=1"]);
  await eventually(() => f.output().includes("\n"), 15_000, "the first line");
  const signal = logSignals.at(-1)!;
  assert.equal(signal.aborted, false);
  f.stop();
  // workerd notices a departed client when the next bytes for it are written: the next line ends the stream.
  await new Promise((r) => setTimeout(r, 300));
  writeLog("default/web/app", "after stop");
  await eventually(() => signal.aborted, 10_000, "the handler's signal to abort");
});

test("logs errors: a wrong container, a multi-container pod, the agent's own NodeStatusError", async () => {
  const wrong = await c.kubectl(["logs", "web", "-c", "nope"], { allowFail: true });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /container nope is not valid for pod web/);
  const prev = await c.kubectl(["logs", "web", "--previous"], { allowFail: true });
  assert.notEqual(prev.code, 0);
  assert.match(prev.stderr, /previous terminated container "app" in pod "web" not found/);
  const multi = await c.api("/api/v1/namespaces/default/pods/multi/log");
  assert.equal(multi.status, 400);
  assert.match(((await multi.json()) as { message: string }).message, /a container name must be specified for pod multi, choose one of: \[a b\]/);
});

test("the API answers 404 for a missing pod and 400 for an unbound one", async () => {
  const missing = await c.api("/api/v1/namespaces/default/pods/ghost/log");
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { reason: string }).reason, "NotFound");
  const unbound = await c.api("/api/v1/namespaces/default/pods/unbound/log");
  assert.equal(unbound.status, 400);
  assert.equal(((await unbound.json()) as { message: string }).message, "pod unbound does not have a host assigned");
  const k = await c.kubectl(["logs", "ghost"], { allowFail: true });
  assert.match(k.stderr, /pods "ghost" not found/);
});

test("kubectl exec runs the command on the node and prints its output", async () => {
  const r = await c.kubectl(["exec", "web", "--", "node", "-e", "process.stdout.write('out\\n'); process.stderr.write('err\\n')"]);
  assert.equal(r.stdout, "out\n");
  assert.match(r.stderr, /err\n/);
  const h = await c.kubectl(["exec", "web", "--", "cat", "/etc/hostname"]);
  assert.ok(h.stdout.trim().length > 0);
});

test("kubectl exec -i pipes stdin through, and its EOF", async () => {
  const r = await c.kubectl(["exec", "-i", "web", "--", "sh", "-c", "tr a-z A-Z; echo done"], { input: "hello tunnel\nsecond line\n" });
  assert.equal(r.stdout, "HELLO TUNNEL\nSECOND LINE\ndone\n");
  const big = "x".repeat(600_000) + "\n";
  const w = await c.kubectl(["exec", "-i", "web", "--", "wc", "-c"], { input: big });
  assert.equal(w.stdout.trim(), String(big.length), "more than a window of stdin arrives intact");
});

test("a non-zero exit code becomes kubectl's exit code", async () => {
  const r = await c.kubectl(["exec", "web", "--", "sh", "-c", "echo before; exit 3"], { allowFail: true });
  assert.equal(r.code, 3);
  assert.equal(r.stdout, "before\n");
  assert.match(r.stderr, /command terminated with exit code 3/);
});

test("large exec output arrives intact (flow control)", async () => {
  const r = await c.kubectl(["exec", "web", "--", "node", "-e", "process.stdout.write('y'.repeat(2_000_000))"]);
  assert.equal(r.stdout.length, 2_000_000);
});

test("exec and logs on a node without an agent fail clearly", async () => {
  const e = await c.kubectl(["exec", "elsewhere", "--", "true"], { allowFail: true });
  assert.notEqual(e.code, 0);
  assert.match(e.stderr, /no tunnel from node "no-agent-node" is connected/);
  const l = await c.kubectl(["logs", "elsewhere"], { allowFail: true });
  assert.notEqual(l.code, 0);
  assert.match(l.stderr, /ServiceUnavailable|no tunnel from node "no-agent-node" is connected/);
});

test("SPDY upgrades get a Status pointing at WebSockets", async () => {
  // fetch() refuses Upgrade headers, so speak HTTP/1.1 directly, as kubectl's SPDY dialer does.
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(`${c.url}/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true`);
    const req = httpsRequest(u, {
      method: "POST",
      ca: c.caCert,
      headers: { authorization: `Bearer ${c.token}`, connection: "Upgrade", upgrade: "SPDY/3.1", "x-stream-protocol-version": "v4.channel.k8s.io" },
    });
    req.on("response", (res) => {
      let b = "";
      res.on("data", (d) => (b += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: "" });
    });
    req.on("error", reject);
    req.end();
  });
  assert.equal(status, 400, body);
  assert.match(JSON.parse(body).message, /use kubectl 1.30 or newer/);
  const pf = await c.api("/api/v1/namespaces/default/pods/web/portforward?ports=80", { headers: { "sec-websocket-protocol": "v4.channel.k8s.io" } });
  assert.equal(pf.status, 400);
  assert.match(((await pf.json()) as { message: string }).message, /Upgrade request required/);
});

test("the agent reconnects after its connection drops, and logs work again", async () => {
  agent!.dropConnection();
  await eventually(() => !agent!.connected, 5_000, "disconnect");
  await agent!.whenConnected();
  const r = await eventually(async () => {
    const x = await c.kubectl(["logs", "web", "--tail=1"], { allowFail: true });
    return x.code === 0 ? x : undefined;
  }, 15_000, "kubectl logs after the reconnect");
  assert.equal(r.stdout, "after stop\n");
});

/** GET over plain HTTP to a local port, on a fresh connection each time. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** POST n bytes over plain HTTP to a local port; the answer's body. */
function post(port: number, path: string, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { "content-length": n } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve(body));
      res.on("error", reject);
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(1 << 20, 0x61);
    for (let sent = 0; sent < n; sent += chunk.length) req.write(chunk.subarray(0, Math.min(chunk.length, n - sent)));
    req.end();
  });
}

/** kubectl port-forward to the "pod" (loopback) port; resolves with the local port kubectl listens on. */
async function portForward(remote: number, opts: { env?: Record<string, string>; bin?: string } = {}) {
  // kubectl forwards only to a Running pod: play the kubelet's status report.
  await c.kubectl(["patch", "pod", "web", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}']);
  const f = c.kubectlStream(["port-forward", "pod/web", `:${remote}`], opts);
  try {
    const m = await eventually(() => /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(f.output()) ?? undefined, 20_000, "kubectl port-forward to listen");
    return { f, local: Number(m[1]) };
  } catch (e) {
    f.stop();
    throw new Error(`${(e as Error).message}: ${f.output()}`);
  }
}

test("kubectl port-forward relays connections to the pod's port (WebSocket-tunnelled SPDY)", async () => {
  const server: Server = createServer((req, res) => {
    if (req.url === "/big") return res.end("z".repeat(3_000_000));
    if (req.url === "/count") {
      let n = 0;
      req.on("data", (d: Buffer) => (n += d.length));
      req.on("end", () => res.end(String(n)));
      return;
    }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => res.end(`hello from the pod: ${req.method} ${req.url} ${body}`));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const remote = (server.address() as AddressInfo).port;
  // kubectl 1.30 tunnels port-forward through a WebSocket when asked; 1.31 and later do it by default.
  const newer = ["1.33", "1.32", "1.31"].map((v) => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`).find((p) => existsSync(p));
  const runs: Array<{ env?: Record<string, string>; bin?: string }> = [{ env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: "true" } }];
  if (newer) runs.push({ bin: newer });
  try {
    for (const opts of runs) {
      const { f, local } = await portForward(remote, opts);
      try {
        assert.deepEqual(await get(local, "/one"), { status: 200, body: "hello from the pod: GET /one " });
        assert.deepEqual(await get(local, "/two"), { status: 200, body: "hello from the pod: GET /two " }, "a second connection");
        const many = await Promise.all([1, 2, 3, 4, 5].map((i) => get(local, `/c${i}`)));
        assert.deepEqual(
          many.map((r) => r.body),
          [1, 2, 3, 4, 5].map((i) => `hello from the pod: GET /c${i} `),
          "concurrent connections each get their own answer",
        );
        const big = await get(local, "/big");
        assert.equal(big.body.length, 3_000_000, "more than the tunnel's window arrives intact");
        assert.equal(await post(local, "/count", 20_000_000), "20000000", "an upload far beyond the tunnel's window and queue arrives intact");
      } finally {
        f.stop();
      }
    }
  } finally {
    server.close();
  }
});

test("kubectl port-forward to a port nothing listens on reports the kubelet's error", async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const remote = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const { f, local } = await portForward(remote, { env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: "true" } });
  try {
    await get(local, "/").then(
      () => assert.fail("the connection should fail"),
      () => {},
    );
    await eventually(() => /error forwarding port \d+ to pod web, uid [0-9a-f-]+: failed to connect to port \d+/.test(f.output()), 10_000, `the error in kubectl's output: ${f.output()}`);
  } finally {
    f.stop();
  }
  // kubectl 1.30 without the WebSocket opt-in upgrades to SPDY, which Workers cannot serve: it says what to do.
  const spdy = await c.kubectl(["port-forward", "pod/web", ":80"], { allowFail: true, env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" } });
  assert.notEqual(spdy.code, 0);
  assert.match(spdy.stderr, /pods\/portforward over SPDY is not supported.*kubectl 1\.31 or newer/);
});

test("pods/proxy and services/proxy reach the pod's port over the tunnel, through kubectl get --raw and kubectl proxy", async () => {
  const server: Server = createServer((req, res) => {
    if (req.url === "/chunked") {
      res.write("part one, ");
      setTimeout(() => res.end("part two"), 50);
      return;
    }
    if (req.url === "/missing") {
      res.statusCode = 404;
      return res.end("no such page");
    }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      res.setHeader("x-backend", "loopback");
      res.end(`${req.method} ${req.url} host=${req.headers.host} auth=${req.headers.authorization ?? "none"} ${body}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  // A Service without a selector, its Endpoints written by hand: the pod on the tunnel's node.
  await c.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "loop", namespace: "default" }, spec: { ports: [{ name: "http", port: 80, targetPort: port }] } }),
  });
  const pod = JSON.parse((await c.kubectl(["get", "pod", "web", "-o", "json"])).stdout);
  await c.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "loop", namespace: "default" },
      subsets: [{ addresses: [{ ip: "10.1.2.3", nodeName: NODE, targetRef: { kind: "Pod", name: "web", namespace: "default", uid: pod.metadata.uid } }], ports: [{ name: "http", port }] }],
    }),
  });
  try {
    const raw = await c.kubectl(["get", "--raw", `/api/v1/namespaces/default/pods/web:${port}/proxy/a/b?x=1`]);
    assert.equal(raw.stdout, `GET /a/b?x=1 host=web:${port} auth=none `, "the path after proxy/, the query; the caller's token not passed on");
    const chunked = await c.kubectl(["get", "--raw", `/api/v1/namespaces/default/services/loop:http/proxy/chunked`]);
    assert.equal(chunked.stdout, "part one, part two");
    const missing = await c.api(`/api/v1/namespaces/default/services/loop:80/proxy/missing`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), "no such page");
    const post = await c.api(`/api/v1/namespaces/default/pods/web:${port}/proxy/form`, { method: "POST", body: "a=1" });
    assert.equal(post.headers.get("x-backend"), "loopback");
    assert.equal(await post.text(), `POST /form host=web:${port} auth=none a=1`);
    // kubectl proxy: a local HTTP server in front of the API (no token needed by its clients).
    const proxy = c.kubectlStream(["proxy", "--port=0"]);
    try {
      const m = await eventually(() => /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(proxy.output()) ?? undefined, 20_000, "kubectl proxy to listen");
      const viaProxy = await get(Number(m[1]), "/api/v1/namespaces/default/services/loop:http/proxy/through-kubectl-proxy");
      assert.deepEqual(viaProxy, { status: 200, body: `GET /through-kubectl-proxy host=web:${port} auth=none ` });
    } finally {
      proxy.stop();
    }
    // Errors: no endpoints for a port, nothing listening (also for https:, which test/e2e/agent.test.ts reaches over TLS).
    const noPort = await c.api(`/api/v1/namespaces/default/services/loop:9999/proxy/`);
    assert.equal(noPort.status, 503);
    assert.match(((await noPort.json()) as { message: string }).message, /no service port "9999" found for service "loop"/);
    const closed = await c.api(`/api/v1/namespaces/default/pods/web:1/proxy/`);
    assert.equal(closed.status, 503);
    assert.match(((await closed.json()) as { message: string }).message, /error trying to reach service: failed to connect to port 1/);
    const tls = await c.api(`/api/v1/namespaces/default/pods/https:web:443/proxy/`);
    assert.equal(tls.status, 503);
    assert.match(((await tls.json()) as { message: string }).message, /error trying to reach service: failed to connect to port 443/);
  } finally {
    server.close();
    await c.kubectl(["delete", "service,endpoints", "loop"]);
  }
});

test("a newer connection for the node replaces the older one", async () => {
  const first = agent!;
  const second = startAgent();
  try {
    await second.whenConnected();
    await eventually(() => !first.connected, 5_000, "the older connection to be closed");
    await first.close(); // one agent per node: the replaced one would otherwise keep coming back
    const r = await c.kubectl(["exec", "web", "--", "echo", "via second"]);
    assert.equal(r.stdout, "via second\n");
  } finally {
    await second.close();
  }
  agent = startAgent();
  await agent.whenConnected();
  assert.equal((await c.kubectl(["exec", "web", "--", "echo", "back"])).stdout, "back\n");
});

test("@kubernetes/client-node's Exec works over the tunnel", async () => {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  const exec = new k8s.Exec(kc);
  let out = "";
  const stdout = new Writable({ write: (chunk, _e, cb) => ((out += chunk), cb()) });
  const stdin = new PassThrough();
  const status = await new Promise<{ status?: string; reason?: string }>((resolve, reject) => {
    exec
      .exec("default", "web", "app", ["sh", "-c", "read x; echo got $x; exit 4"], stdout, null, stdin, false, (s) => resolve(s as { status?: string; reason?: string }))
      .then(() => stdin.end("hi\n"), reject);
  });
  assert.equal(out, "got hi\n");
  assert.equal(status.status, "Failure");
  assert.equal(status.reason, "NonZeroExitCode");
});
