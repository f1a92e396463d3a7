/**
 * Issue 4's acceptance, end to end with real parts: the Worker in workerd,
 * the real kubectl, two real agents (`agent/src/main.ts`, as users start
 * them) on this host sharing one real Podman, and busybox containers built
 * locally. Each test is a thing a user does with a node.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync, statSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { startPodman, ensureTestImage, removeNodeContainers, TEST_IMAGE, type PodmanService } from "../helpers/podman.js";
import { DockerRuntime } from "../../agent/src/runtime/docker.js";
import { KubeClient } from "../../src/cli/kube-client.js";
import { createBootstrapToken } from "../../src/cli/tokens.js";
import { LABELS } from "../../agent/src/runtime/types.js";
import { servingCert } from "../../src/cli/pki.js";
import { relayDialer } from "../../agent/src/proxy/relay.js";

let c: TestCluster;
/** Node names unique to this run: agents of another run on this host (sharing Podman's store) never adopt our containers. */
const RUN = Math.random().toString(36).slice(2, 7);
const A = `e2e-a-${RUN}`;
const B = `e2e-b-${RUN}`;
const BINDINGS = { NODE_MONITOR_GRACE_SECONDS: "25", POD_EVICTION_SECONDS: "2" };
let podman: PodmanService;
let dir: string;
const agents = new Map<string, { child: ChildProcess; log: string[] }>();

function startAgent(name: string, token = c.token): void {
  const log: string[] = [];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "agent/src/main.ts", "--server", c.url, `--token=${token}`, "--ca", join(dir, "ca.crt"), "--name", name, "--runtime", podman.socket, "--data-dir", join(dir, name), "--port", "0", "--stats-period", "2", "--ingress-port", "0", "--ingress-tls-port", "0"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (d) => log.push(String(d)));
  child.stderr!.on("data", (d) => log.push(String(d)));
  agents.set(name, { child, log });
}

/** What each agent printed, for a failure's message. */
const agentLogs = () => [...agents].map(([n, a]) => `--- ${n} (exit ${a.child.exitCode}):\n${a.log.join("")}`).join("\n");

async function stopAgent(name: string, signal: NodeJS.Signals): Promise<void> {
  const a = agents.get(name);
  if (!a || a.child.exitCode !== null) return;
  const exited = new Promise((r) => a.child.once("exit", r));
  a.child.kill(signal);
  await exited;
}

const json = async (args: string[]) => JSON.parse((await c.kubectl([...args, "-o", "json"])).stdout);
const apply = (yaml: string) => c.kubectl(["apply", "-f", "-"], { input: yaml });

function get(url: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error(`${url} timed out`)));
    req.on("error", reject);
  });
}

/** Containers in the runtime carrying this node's label (through the agent's own runtime client). */
async function containersOf(node: string) {
  const rt = new DockerRuntime(podman.socket);
  try {
    return await rt.list(node).catch(() => []);
  } finally {
    rt.close();
  }
}

async function podsRunning(selector: string, n: number, timeoutMs = 60_000) {
  return eventually(async () => {
    const list = await json(["get", "pods", "-l", selector]);
    const ready = list.items.filter((p: { status: { phase: string; conditions?: { type: string; status: string }[] } }) => p.status.phase === "Running" && p.status.conditions?.find((x) => x.type === "Ready")?.status === "True");
    return ready.length === n && list.items.length === n ? list.items : undefined;
  }, timeoutMs, `${n} ready pods with ${selector}`);
}

before(async () => {
  podman = await startPodman();
  ensureTestImage();
  dir = mkdtempSync(join(tmpdir(), "edgeplane-agent-e2e-"));
  c = await startCluster({ home: join(dir, "control-plane"), bindings: BINDINGS });
  writeFileSync(join(dir, "ca.crt"), c.caCert);
  startAgent(A);
  startAgent(B);
  try {
    await eventually(async () => {
      const nodes = await json(["get", "nodes"]);
      return nodes.items.filter((n: { status: { conditions: { type: string; status: string }[] } }) => n.status.conditions.find((x) => x.type === "Ready")?.status === "True").length === 2;
    }, 60_000, "two Ready nodes");
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${agentLogs()}`);
  }
});

after(async () => {
  for (const name of agents.keys()) await stopAgent(name, "SIGTERM");
  // Everything the agents started goes, by node label.
  for (const name of agents.keys()) await removeNodeContainers(podman.socket, name);
  await c?.dispose();
  await podman?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("nodes register with real capacity, addresses, nodeInfo and a renewed Lease", async () => {
  const n = await json(["get", "node", A]);
  assert.ok(Number(n.status.capacity.cpu) >= 1);
  assert.match(n.status.capacity.memory, /^\d+Ki$/);
  assert.equal(n.status.capacity.pods, "110");
  assert.equal(n.metadata.labels["kubernetes.io/hostname"], A);
  assert.equal(n.metadata.labels["kubernetes.io/os"], "linux");
  assert.match(n.status.nodeInfo.containerRuntimeVersion, /^podman:\/\/|^docker:\/\//);
  assert.ok(n.status.addresses.some((a: { type: string }) => a.type === "InternalIP"));
  const lease = await json(["get", "lease", "-n", "kube-node-lease", A]);
  assert.equal(lease.spec.holderIdentity, A);
  const conds = n.status.conditions.map((x: { type: string }) => x.type).sort();
  assert.deepEqual(conds, ["DiskPressure", "MemoryPressure", "PIDPressure", "Ready"]);
  // The kubelet-style local endpoint, on the port the node reports.
  const port = n.status.daemonEndpoints.kubeletEndpoint.Port;
  assert.equal(await get(`http://127.0.0.1:${port}/healthz`), "ok");
  assert.equal(JSON.parse(await get(`http://127.0.0.1:${port}/pods`)).kind, "PodList");
  assert.ok(JSON.parse(await get(`http://127.0.0.1:${port}/spec`)).cpus >= 1);
  const m = await get(`http://127.0.0.1:${port}/metrics`);
  assert.match(m, /kubelet_running_pods \d+/);
  assert.match(m, /kubelet_runtime_operations_total\{operation_type="list"\} [1-9]/);
});

const WEB = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 3
      containers:
      - name: httpd
        image: ${TEST_IMAGE}
        command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && echo serving $(hostname) && exec httpd -f -v -p 8080 -h /www"]
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

test("a Deployment of 3 busybox httpd pods runs; logs, logs -f and exec work; its Service balances across the pods and resolves by name", async () => {
  await apply(WEB);
  const pods = await podsRunning("app=web", 3);
  for (const p of pods) {
    assert.match(p.status.podIP, /^\d+\.\d+\.\d+\.\d+$/);
    assert.ok(p.status.containerStatuses[0].containerID);
    assert.equal(p.status.containerStatuses[0].ready, true);
    assert.ok(p.status.startTime);
  }
  const name = pods[0].metadata.name;
  const hostname = (await c.kubectl(["exec", name, "--", "cat", "/etc/hostname"])).stdout.trim();
  assert.ok(hostname.length > 0);
  assert.match((await c.kubectl(["logs", name])).stdout, new RegExp(`serving ${hostname}`));

  // logs -f: a request served after following starts shows up in the stream.
  const follow = c.kubectlStream(["logs", "-f", name]);
  try {
    await eventually(() => follow.output().includes("serving"), 20_000, "logs -f shows the first line");
    await get(`http://${pods[0].status.podIP}:8080/`);
    await eventually(() => /response:200/.test(follow.output()), 20_000, "logs -f shows a new request");
  } catch (e) {
    throw new Error(`${(e as Error).message}; kubectl said: ${follow.output()}`);
  } finally {
    follow.stop();
  }

  const svc = await json(["get", "svc", "web"]);
  const ip = svc.spec.clusterIP;
  const nodePort = svc.spec.ports[0].nodePort;
  const names = new Set(pods.map((p: { metadata: { name: string } }) => p.metadata.name));
  await eventually(async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await get(`http://${ip}:80/`)).trim());
    return seen.size === 3 && [...seen].every((h) => names.has(h) || h.length > 0);
  }, 20_000, "ClusterIP round-robin over 3 pods");
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add((await get(`http://127.0.0.1:${nodePort}/`)).trim());
  assert.equal(seen.size, 3, `NodePort answers from each pod: ${[...seen]}`);

  // From inside a pod too (busybox-static's wget crashes in glibc's NSS, so nc speaks HTTP).
  const inside = await c.kubectl(["exec", name, "--", "sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} 80`]);
  assert.match(inside.stdout, /200 OK[\s\S]*\n\S+/, inside.stderr);

  // Cluster DNS: pods resolve Services by name through the node's DNS (dnsPolicy ClusterFirst).
  const resolv = (await c.kubectl(["exec", name, "--", "cat", "/etc/resolv.conf"])).stdout;
  assert.match(resolv, /^nameserver 10\.96\.0\.10$/m);
  assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
  const looked = await c.kubectl(["exec", name, "--", "nslookup", "web.default.svc.cluster.local"], { allowFail: true });
  assert.match(looked.stdout, new RegExp(`Address: ${ip.replace(/\./g, "\\.")}`), looked.stdout + looked.stderr);
  const byName = await c.kubectl(["exec", name, "--", "sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 web 80`]);
  assert.match(byName.stdout, /200 OK[\s\S]*\n\S+/, byName.stderr);
  const missing = await c.kubectl(["exec", name, "--", "nslookup", "nope.default.svc.cluster.local"], { allowFail: true });
  assert.match(missing.stdout + missing.stderr, /NXDOMAIN/);
});

/**
 * GET through an ingress port with a Host header: status and body; with `tls`, over HTTPS with that
 * server name (SNI), trusting `tls.ca` (any certificate without one), and the certificate's subject CN.
 */
function viaIngress(port: number, host: string, path: string, tls?: { ca?: string }): Promise<{ status: number; body: string; cn?: string }> {
  return new Promise((resolve, reject) => {
    const opts = { host: "127.0.0.1", port, path, headers: { host }, timeout: 5000, agent: false };
    const onResponse = (res: http.IncomingMessage) => {
      let body = "";
      const cn = tls ? String((res.socket as import("node:tls").TLSSocket).getPeerCertificate().subject?.CN ?? "") : undefined;
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, cn }));
    };
    const req = tls ? https.get({ ...opts, servername: host, ...(tls.ca ? { ca: tls.ca } : { rejectUnauthorized: false }) }, onResponse) : http.get(opts, onResponse);
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

test("an Ingress routes by host and path to its Services' pods through each node's ingress ports (HTTPS with its TLS Secret), and shows the nodes as its address", async () => {
  // A certificate for site.example, as a kubernetes.io/tls Secret made by kubectl.
  const site = await servingCert("CN=site.example", ["site.example"]);
  writeFileSync(join(dir, "site.crt"), site.cert);
  writeFileSync(join(dir, "site.key"), site.key);
  await c.kubectl(["create", "secret", "tls", "site-tls", `--cert=${join(dir, "site.crt")}`, `--key=${join(dir, "site.key")}`]);
  await apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: ${TEST_IMAGE}
        command: ["sh", "-c", "mkdir -p /www/api && echo api-backend > /www/api/index.html && exec httpd -f -p 8080 -h /www"]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: site}
spec:
  tls:
  - {hosts: [site.example], secretName: site-tls}
  rules:
  - host: site.example
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
`);
  await podsRunning("app=api", 1);
  const webPods = new Set((await podsRunning("app=web", 3)).map((p: { metadata: { name: string } }) => p.metadata.name));
  const nodes = (await json(["get", "nodes"])).items as { metadata: { name: string; annotations: Record<string, string> }; status: { addresses: { type: string; address: string }[] } }[];
  const ports = nodes.map((n) => Number(n.metadata.annotations["edgeplane.dev/ingress-port"]));
  assert.ok(ports.length === 2 && ports.every((p) => p > 0), `each agent serves Ingresses on its own port: ${ports}`);
  const tlsPorts = nodes.map((n) => Number(n.metadata.annotations["edgeplane.dev/ingress-tls-port"]));
  // Seen once in CI: one node without its HTTPS port. The agents' logs say why if it happens again.
  assert.ok(tlsPorts.every((p) => p > 0), `and HTTPS on another: ${tlsPorts}\n${agentLogs()}`);
  for (const port of ports) {
    const web = await eventually(async () => {
      const r = await viaIngress(port, "site.example", "/");
      return r.status === 200 && webPods.has(r.body.trim()) ? r : undefined;
    }, 30_000, `site.example/ through :${port} reaches a web pod`);
    assert.ok(webPods.has(web.body.trim()));
    const api = await viaIngress(port, "site.example:8080", "/api/");
    assert.equal(api.body.trim(), "api-backend", `/api goes to the api Service (${api.status})`);
    const other = await viaIngress(port, "other.example", "/");
    assert.equal(other.status, 404);
  }
  // HTTPS: the Secret's certificate for site.example (verified against it), the fallback for other names.
  for (const port of tlsPorts) {
    const secure = await eventually(async () => {
      const r = await viaIngress(port, "site.example", "/api/", { ca: site.cert }).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 30_000, `https://site.example/api/ through :${port} with the Secret's certificate`);
    assert.equal(secure.body.trim(), "api-backend");
    assert.equal(secure.cn, "site.example");
    const fallback = await viaIngress(port, "other.example", "/", {});
    assert.equal(fallback.cn, "Edgeplane Ingress Controller Fake Certificate");
    assert.equal(fallback.status, 404);
  }
  // The address: the nodes (one host here, so one IP twice with each agent's port), as kubectl shows it.
  const ip = nodes[0].status.addresses.find((a) => a.type === "InternalIP")!.address;
  const ing = await eventually(async () => {
    const o = await json(["get", "ingress", "site"]);
    return o.status?.loadBalancer?.ingress?.length === 2 ? o : undefined;
  }, 30_000, "the Ingress's status lists both nodes");
  assert.deepEqual(ing.status.loadBalancer.ingress.map((i: { ip: string; ports?: { port: number }[] }) => `${i.ip}:${i.ports?.map((p) => p.port).join("+")}`).sort(), ports.map((p, i) => `${ip}:${p}+${tlsPorts[i]}`).sort());
  assert.match((await c.kubectl(["get", "ingress", "site"])).stdout, new RegExp(`^site\\s+<none>\\s+site\\.example\\s+${ip.replace(/\./g, "\\.")},${ip.replace(/\./g, "\\.")}\\s`, "m"));
  // No ready endpoint: 503 with the reason.
  await c.kubectl(["scale", "deployment", "api", "--replicas=0"]);
  const gone = await eventually(async () => {
    const r = await viaIngress(ports[0], "site.example", "/api/");
    return r.status === 503 ? r : undefined;
  }, 30_000, "503 once api has no pods");
  assert.match(gone.body, /no ready endpoints for service "default\/api"/);
  await c.kubectl(["delete", "ingress", "site"]);
  await c.kubectl(["delete", "secret", "site-tls"]);
  await c.kubectl(["delete", "deployment", "api"]);
  await c.kubectl(["delete", "service", "api"]);
});

test("a pod on another node is reached through the control plane (the agents' relay for Service traffic)", async () => {
  const pods = await podsRunning("app=web", 3);
  const dial = relayDialer({ server: c.url, token: c.token, ca: c.caCert });
  for (const p of pods) {
    const conn = dial({ namespace: "default", pod: p.metadata.name, port: 8080 });
    const chunks: Buffer[] = [];
    conn.on("data", (d: Buffer) => chunks.push(d));
    conn.end("GET / HTTP/1.0\r\n\r\n");
    await new Promise<void>((resolve, reject) => {
      conn.once("end", resolve);
      conn.once("error", reject);
    });
    const text = Buffer.concat(chunks).toString();
    assert.match(text, /^HTTP\/1\.[01] 200/, text);
    assert.equal(text.split("\r\n\r\n")[1].trim(), p.metadata.name, "the body is the pod's hostname");
  }
  // A port nothing listens on: the relay fails with the node's reason.
  const refused = dial({ namespace: "default", pod: pods[0].metadata.name, port: 9 });
  refused.resume();
  const err = await new Promise<Error>((resolve) => refused.once("error", resolve));
  assert.match(err.message, /relay to default\/web-\S+:9: .*(refused|connect)/i, err.message);
});

test("exec carries stdin and the exit code; kubectl cp copies both ways", async () => {
  const [p] = await podsRunning("app=web", 3);
  const echoed = await c.kubectl(["exec", "-i", p.metadata.name, "--", "cat"], { input: "hello through the tunnel\n" });
  assert.equal(echoed.stdout, "hello through the tunnel\n");
  const failed = await c.kubectl(["exec", p.metadata.name, "--", "sh", "-c", "exit 3"], { allowFail: true });
  assert.equal(failed.code, 3);
  assert.match(failed.stderr, /command terminated with exit code 3/);
  // kubectl cp is tar over exec, both ways.
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-cp-"));
  try {
    writeFileSync(join(dir, "up.txt"), "x".repeat(100_000) + "\nend\n");
    await c.kubectl(["cp", join(dir, "up.txt"), `${p.metadata.name}:/tmp/up.txt`]);
    assert.equal((await c.kubectl(["exec", p.metadata.name, "--", "tail", "-n", "1", "/tmp/up.txt"])).stdout, "end\n");
    await c.kubectl(["cp", `${p.metadata.name}:/tmp/up.txt`, join(dir, "down.txt")]);
    assert.equal(readFileSync(join(dir, "down.txt"), "utf8"), readFileSync(join(dir, "up.txt"), "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kubectl port-forward reaches a pod's port, directly and through its Service", async () => {
  const pods = await podsRunning("app=web", 3);
  // Each pod serves its hostname: what the pods answer directly, port-forward must answer too.
  const pages = await Promise.all(pods.map(async (p: { status: { podIP: string } }) => (await get(`http://${p.status.podIP}:8080/`)).trim()));
  // kubectl 1.30 tunnels port-forward through a WebSocket when asked (1.31 and later by default).
  for (const args of [["pod/" + pods[0].metadata.name, ":8080"], ["svc/web", ":80"]]) {
    const f = c.kubectlStream(["port-forward", ...args], { env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: "true" } });
    try {
      const m = await eventually(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(f.output()) ?? undefined, 20_000, "kubectl port-forward to listen");
      for (let i = 0; i < 3; i++) {
        const body = (await get(`http://127.0.0.1:${m[1]}/`)).trim();
        if (args[0].startsWith("pod/")) assert.equal(body, pages[0]);
        else assert.ok(pages.includes(body), `one of the pods' pages ${JSON.stringify(pages)}, got ${JSON.stringify(body)}`);
      }
    } catch (e) {
      throw new Error(`${(e as Error).message}; kubectl said: ${f.output()}`);
    } finally {
      f.stop();
    }
  }
});

test("services/proxy and pods/proxy reach the pods through the API (kubectl get --raw)", async () => {
  const pods = await podsRunning("app=web", 3);
  const pages = await Promise.all(pods.map(async (p: { status: { podIP: string } }) => (await get(`http://${p.status.podIP}:8080/`)).trim()));
  const direct = await c.kubectl(["get", "--raw", `/api/v1/namespaces/default/pods/${pods[1].metadata.name}:8080/proxy/`]);
  assert.equal(direct.stdout.trim(), pages[1]);
  const seen = new Set<string>();
  for (let i = 0; i < 12; i++) seen.add((await c.kubectl(["get", "--raw", "/api/v1/namespaces/default/services/web:80/proxy/"])).stdout.trim());
  for (const page of seen) assert.ok(pages.includes(page), `a pod's page: ${page}`);
  assert.ok(seen.size >= 2, `the Service's endpoints share the requests: ${[...seen]}`);
});

const WEBHOOK_SERVER = `
const https = require("node:https");
const fs = require("node:fs");
const opts = { cert: fs.readFileSync("/hook/tls.crt"), key: fs.readFileSync("/hook/tls.key") };
https.createServer(opts, (req, res) => {
  if (req.method === "GET") return res.end("hello over TLS from " + req.url);
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    const review = JSON.parse(body);
    const r = review.request;
    let response = { uid: r.uid, allowed: true };
    if (req.url === "/mutate") {
      const labels = (r.object.metadata && r.object.metadata.labels) || {};
      const patch = [{ op: "add", path: "/metadata/labels", value: Object.assign({}, labels, { "mutated-by": "webhook", "op": r.operation.toLowerCase(), "seen-name": r.object.metadata.name || "" }) }];
      response.patch = Buffer.from(JSON.stringify(patch)).toString("base64");
      response.patchType = "JSONPatch";
    } else if (req.url === "/validate") {
      const data = (r.object && r.object.data) || {};
      if ("forbidden" in data) response = { uid: r.uid, allowed: false, status: { code: 403, message: "the key 'forbidden' is not allowed (seen " + (r.object.metadata.labels || {})["mutated-by"] + ")" } };
      else response.warnings = ["checked by the validating webhook"];
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: "AdmissionReview", response }));
  });
}).listen(8443);
`;

test("admission webhooks are called through the webhook pod's node tunnel (TLS with the caBundle): a mutating one patches, a validating one warns or refuses; failurePolicy decides when none answers; the proxy subresources reach the https pod", async () => {
  // The webhook server: Node itself, from the host through hostPath mounts, in a busybox pod.
  const hookDir = join(dir, "webhook");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(hookDir, { recursive: true });
  const { cert, key } = await servingCert("CN=webhook.hooks.svc", ["webhook.hooks.svc"]);
  writeFileSync(join(hookDir, "tls.crt"), cert);
  writeFileSync(join(hookDir, "tls.key"), key);
  writeFileSync(join(hookDir, "server.js"), WEBHOOK_SERVER);
  await c.kubectl(["create", "namespace", "hooks"]);
  await c.kubectl(["-n", "hooks", "apply", "-f", "-"], {
    input: `apiVersion: v1
kind: Pod
metadata: {name: webhook, labels: {app: webhook}}
spec:
  containers:
  - name: server
    image: ${TEST_IMAGE}
    command: [/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, --library-path, /lib/x86_64-linux-gnu, /nodebin/node, /hook/server.js]
    ports: [{containerPort: 8443}]
    readinessProbe: {tcpSocket: {port: 8443}, periodSeconds: 1}
    volumeMounts:
    - {name: libs, mountPath: /lib/x86_64-linux-gnu, readOnly: true}
    - {name: node, mountPath: /nodebin, readOnly: true}
    - {name: hook, mountPath: /hook, readOnly: true}
  volumes:
  - {name: libs, hostPath: {path: /usr/lib/x86_64-linux-gnu}}
  - {name: node, hostPath: {path: /usr/bin}}
  - {name: hook, hostPath: {path: ${hookDir}}}
---
apiVersion: v1
kind: Service
metadata: {name: webhook}
spec:
  selector: {app: webhook}
  ports: [{port: 443, targetPort: 8443}]
`,
  });
  await eventually(async () => {
    const eps = await json(["-n", "hooks", "get", "endpoints", "webhook"]);
    return eps.subsets?.[0]?.addresses?.length === 1;
  }, 60_000, "the webhook pod ready behind its Service");
  // pods/proxy and services/proxy to an https backend: TLS by the agent, unverified as kube-apiserver's proxy.
  assert.equal((await c.kubectl(["get", "--raw", "/api/v1/namespaces/hooks/services/https:webhook:443/proxy/hello"])).stdout, "hello over TLS from /hello");
  assert.equal((await c.kubectl(["get", "--raw", "/api/v1/namespaces/hooks/pods/https:webhook:8443/proxy/x?y=1"])).stdout, "hello over TLS from /x?y=1");
  const caBundle = Buffer.from(cert).toString("base64");
  const hook = (name: string, path: string, extra = "") => `- name: ${name}
  clientConfig: {service: {namespace: hooks, name: webhook, path: ${path}}, caBundle: ${caBundle}}
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [configmaps]}]
  namespaceSelector: {matchLabels: {webhooks: "on"}}
  sideEffects: None
  admissionReviewVersions: [v1]
${extra}`;
  await apply(`apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: label-adder}
webhooks:
${hook("mutate.example.com", "/mutate")}
- name: mutate-pods.example.com
  clientConfig: {service: {namespace: hooks, name: webhook, path: /mutate}, caBundle: ${caBundle}}
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
  namespaceSelector: {matchLabels: {webhooks: "on"}}
  sideEffects: None
  admissionReviewVersions: [v1]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: key-checker}
webhooks:
${hook("validate.example.com", "/validate")}
`);
  await c.kubectl(["create", "namespace", "hooked"]);
  await c.kubectl(["label", "namespace", "hooked", "webhooks=on"]);

  // The configurations reach every isolate within about a second.
  const created = await eventually(async () => {
    const r = await c.kubectl(["-n", "hooked", "create", "configmap", `probe-${Date.now()}`, "--from-literal=a=b"]);
    const name = /configmap\/(\S+) created/.exec(r.stdout)?.[1];
    const cm = await json(["-n", "hooked", "get", "configmap", name ?? ""]);
    return cm.metadata.labels?.["mutated-by"] === "webhook" ? { r, cm } : undefined;
  }, 20_000, "the mutating webhook's label");
  assert.equal(created.cm.metadata.labels.op, "create");
  assert.match(created.r.stderr, /Warning: checked by the validating webhook/);
  const refused = await c.kubectl(["-n", "hooked", "create", "configmap", "bad", "--from-literal=forbidden=x"], { allowFail: true });
  assert.notEqual(refused.code, 0);
  // The validating webhook saw the object as the mutating one left it.
  assert.match(refused.stderr, /admission webhook "validate\.example\.com" denied the request: the key 'forbidden' is not allowed \(seen webhook\)/);
  assert.equal((await c.kubectl(["-n", "hooked", "get", "configmap", "bad"], { allowFail: true })).code, 1, "nothing stored");
  // An update goes through them too; elsewhere (no label on the namespace) nothing is called.
  await c.kubectl(["-n", "hooked", "label", "configmap", created.cm.metadata.name, "extra=1"]);
  assert.equal((await json(["-n", "hooked", "get", "configmap", created.cm.metadata.name])).metadata.labels.op, "update");
  await c.kubectl(["-n", "default", "create", "configmap", "unhooked", "--from-literal=forbidden=x"]);
  // Pods a controller creates go through them too (what sidecar injectors rely on).
  await c.kubectl(["-n", "hooked", "create", "deployment", "injected", `--image=${TEST_IMAGE}`, "--", "sleep", "3600"]);
  const pod = await eventually(async () => (await json(["-n", "hooked", "get", "pods", "-l", "app=injected"])).items[0], 20_000, "the Deployment's pod");
  assert.deepEqual([pod.metadata.labels["mutated-by"], pod.metadata.labels.op], ["webhook", "create"]);
  // Its generated name is the one the webhook saw (as kube-apiserver names objects before admission).
  assert.equal(pod.metadata.labels["seen-name"], pod.metadata.name);
  assert.equal((await json(["-n", "default", "get", "configmap", "unhooked"])).metadata.labels, undefined);

  // A webhook nobody answers: Ignore lets the write through, Fail refuses it with the reason.
  const missing = (policy: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: missing-${policy.toLowerCase()}}
webhooks:
- name: missing.example.com
  clientConfig: {service: {namespace: hooks, name: nobody}}
  rules:
  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [secrets]}
  - {apiGroups: ["*"], apiVersions: ["*"], operations: [DELETE], resources: [validatingwebhookconfigurations]}
  namespaceSelector: {matchLabels: {webhooks: "on"}}
  failurePolicy: ${policy}
  sideEffects: None
  admissionReviewVersions: [v1]
`;
  await apply(missing("Ignore"));
  await new Promise((r) => setTimeout(r, 1500));
  await c.kubectl(["-n", "hooked", "create", "secret", "generic", "s1", "--from-literal=a=b"]);
  await c.kubectl(["delete", "validatingwebhookconfiguration", "missing-ignore"]);
  await apply(missing("Fail"));
  const failed = await eventually(async () => {
    const r = await c.kubectl(["-n", "hooked", "create", "secret", "generic", `s-${Date.now()}`, "--from-literal=a=b"], { allowFail: true });
    return r.code !== 0 ? r : undefined;
  }, 10_000, "failurePolicy Fail");
  assert.match(failed.stderr, /Internal error occurred: failed calling webhook "missing\.example\.com": service "nobody" not found/);
  // A server-side dry run reaches the webhooks too (admissionregistration/v1 webhooks have no side effects on dry runs: they are told dryRun).
  const dry = JSON.parse((await c.kubectl(["-n", "hooked", "create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server", "-o", "json"])).stdout);
  assert.equal(dry.metadata.labels["mutated-by"], "webhook");
  assert.equal((await c.kubectl(["-n", "hooked", "get", "configmap", "dry"], { allowFail: true })).code, 1, "a dry run stores nothing");
  // Webhooks never see the admission configuration itself, so the broken one can still be removed.
  await c.kubectl(["delete", "validatingwebhookconfiguration/missing-fail", "validatingwebhookconfiguration/key-checker", "mutatingwebhookconfiguration/label-adder"]);
  await c.kubectl(["delete", "namespace", "hooks", "hooked", "--wait=false"]);
});

test("kubectl attach reaches a container's own stdin and stdout", async () => {
  await apply(`
apiVersion: v1
kind: Pod
metadata: {name: attached}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "while read line; do echo got:$line; done"]
    stdin: true
`);
  await eventually(async () => (await json(["get", "pod", "attached"])).status.phase === "Running", 60_000, "attached Running");
  const r = await c.kubectl(["attach", "-i", "attached"], { input: "ping\n", allowFail: true });
  assert.match(r.stdout + r.stderr, /got:ping/);
  await c.kubectl(["delete", "pod", "attached", "--wait=false"]);
});

test("kubectl run --rm -i streams the command's output until it exits, then removes the pod", async () => {
  // kubectl attaches once the pod runs; stdin (empty here) closes at once, the output keeps coming until the process ends.
  // As with a real kubelet, output written before the attach is not replayed: the command starts with a pause.
  const r = await c.kubectl(["run", "once", `--image=${TEST_IMAGE}`, "--restart=Never", "--rm", "-i", "--command", "--", "sh", "-c", "sleep 2; echo first; sleep 2; echo second"], { input: "" });
  assert.match(r.stdout, /first\n(.|\n)*second/);
  assert.match(r.stdout, /pod "once" deleted/);
  await eventually(async () => (await c.kubectl(["get", "pod", "once"], { allowFail: true })).code !== 0, 30_000, "pod once gone");
});

test("kubectl debug adds an ephemeral container to a running pod: it shares the target's processes, takes stdin, and is reported", async () => {
  await apply(`
apiVersion: v1
kind: Pod
metadata: {name: debugged}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${TEST_IMAGE}
    command: ["sleep", "3601"]
`);
  await eventually(async () => (await json(["get", "pod", "debugged"])).status.phase === "Running", 60_000, "debugged Running");
  // kubectl waits for the container to run, then attaches: the shell reads what we send, ps shows the target's sleep.
  const r = await c.kubectl(["debug", "-i", "debugged", `--image=${TEST_IMAGE}`, "--image-pull-policy=Never", "-c", "dbg", "--target=app", "--", "sh"], { input: "echo from-debugger; ps\nexit\n", allowFail: true });
  assert.match(r.stdout, /from-debugger/, r.stdout + r.stderr);
  assert.match(r.stdout, /sleep 3601/, `the target's processes are visible: ${r.stdout}`);
  const pod = await json(["get", "pod", "debugged"]);
  assert.deepEqual(pod.spec.ephemeralContainers.map((e: { name: string }) => e.name), ["dbg"]);
  const st = await eventually(async () => {
    const p = await json(["get", "pod", "debugged"]);
    const s = p.status.ephemeralContainerStatuses?.find((e: { name: string }) => e.name === "dbg");
    return s?.state?.terminated ? s : undefined;
  }, 30_000, "the debug container's status terminated");
  assert.equal(st.state.terminated.exitCode, 0);
  assert.equal(st.ready, false);
  // It is not restarted, and the pod goes on running its app container.
  await new Promise((r) => setTimeout(r, 2000));
  const after = await json(["get", "pod", "debugged"]);
  assert.equal(after.status.phase, "Running");
  assert.equal(after.status.containerStatuses[0].restartCount, 0);
  const dbg = (await containersOf(after.spec.nodeName)).filter((x) => x.labels[LABELS.podUid] === after.metadata.uid && x.labels[LABELS.containerName] === "dbg");
  assert.equal(dbg.length, 1, "one instance of the debug container, never restarted");
  await c.kubectl(["delete", "pod", "debugged", "--wait=false"]);
});

test("kubectl debug node/NAME runs a pod in the host's process, IPC and network namespaces with the host's filesystem at /host", async () => {
  const node = (await json(["get", "nodes"])).items[0].metadata.name;
  const r = await c.kubectl(["debug", `node/${node}`, "-i", `--image=${TEST_IMAGE}`, "--image-pull-policy=Never", "--", "sh"], { input: "ps -o comm; ls /host; exit\n", allowFail: true });
  // The host's processes: the agents themselves (node) and Podman's API service.
  assert.match(r.stdout, /^podman$/m, r.stdout + r.stderr);
  assert.match(r.stdout, /^node$/m);
  assert.match(r.stdout, /^etc$/m);
  const pod = (await json(["get", "pods"])).items.find((p: { metadata: { name: string } }) => p.metadata.name.startsWith(`node-debugger-${node}-`));
  assert.ok(pod?.spec.hostPID && pod.spec.hostIPC && pod.spec.hostNetwork, JSON.stringify(pod?.spec));
  assert.equal(pod.spec.nodeName, node);
  await c.kubectl(["delete", "pod", pod.metadata.name, "--wait=false"]);
});

test("a container that exits is restarted with back-off; CrashLoopBackOff shows; logs --previous has the last run", async () => {
  await apply(`
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo run; exit 1"]
`);
  const p = await eventually(async () => {
    const pod = await json(["get", "pod", "crasher"]);
    const cs = pod.status.containerStatuses?.[0];
    return cs && cs.restartCount >= 2 && cs.state.waiting?.reason === "CrashLoopBackOff" ? pod : undefined;
  }, 60_000, "restartCount ≥ 2 and CrashLoopBackOff");
  assert.equal(p.status.containerStatuses[0].lastState.terminated.exitCode, 1);
  assert.match((await c.kubectl(["get", "pod", "crasher"])).stdout, /CrashLoopBackOff/);
  assert.match((await c.kubectl(["logs", "crasher", "--previous"])).stdout, /run/);
  const ev = await c.kubectl(["get", "events", "--field-selector", "involvedObject.name=crasher,reason=BackOff"]);
  assert.match(ev.stdout, /Back-off restarting failed container c/);
  const described = (await c.kubectl(["describe", "pod", "crasher"])).stdout;
  assert.match(described, /Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/crasher to e2e-/);
  assert.match(described, /Started\s+\S+( \(x\d+ over \S+\))?\s+kubelet\s+Started container c/);
  await c.kubectl(["delete", "pod", "crasher", "--wait=false"]);
});

test("a Job's podFailurePolicy reads real exit codes: an Indexed Job whose index 1 exits 42 fails by its FailJob rule; kubectl wait sees it", async () => {
  await apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: pfp}
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 3
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes: {containerName: main, operator: In, values: [42]}
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: ${TEST_IMAGE}
        command: ["sh", "-c", "if [ $JOB_COMPLETION_INDEX = 1 ]; then exit 42; fi; sleep 30"]
`);
  await c.kubectl(["wait", "--for=condition=Failed", "job/pfp", "--timeout=60s"]);
  const job = await json(["get", "job", "pfp"]);
  const failed = job.status.conditions.find((x: { type: string }) => x.type === "Failed");
  assert.equal(failed.reason, "PodFailurePolicy");
  assert.match(failed.message, /^Container main for pod default\/pfp-1-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$/);
  assert.ok(job.status.conditions.some((x: { type: string; status: string }) => x.type === "FailureTarget" && x.status === "True"));
  // The indexes still sleeping are deleted with the Job's failure.
  await eventually(async () => ((await json(["get", "pods", "-l", "job-name=pfp"])).items.every((p: { metadata: { deletionTimestamp?: string }; status: { phase: string } }) => p.metadata.deletionTimestamp || p.status.phase === "Failed") ? true : undefined), 30_000, "the other pods deleted");
  assert.match((await c.kubectl(["get", "job", "pfp"])).stdout, /pfp\s+Failed/);
  await c.kubectl(["delete", "job", "pfp", "--wait=false"]);
});

test("a failing liveness probe restarts the container; a failing readiness probe takes it out of the endpoints", async () => {
  await apply(`
apiVersion: v1
kind: Pod
metadata: {name: probed, labels: {app: probed}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "touch /tmp/live /tmp/ready; exec httpd -f -p 8080 -h /tmp"]
    ports: [{containerPort: 8080}]
    livenessProbe: {exec: {command: ["cat", "/tmp/live"]}, periodSeconds: 1, failureThreshold: 2}
    readinessProbe: {exec: {command: ["cat", "/tmp/ready"]}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: v1
kind: Service
metadata: {name: probed}
spec:
  selector: {app: probed}
  ports: [{port: 80, targetPort: 8080}]
`);
  await podsRunning("app=probed", 1);
  const addresses = async () => {
    const ep = await json(["get", "endpoints", "probed"]);
    return (ep.subsets ?? []).flatMap((s: { addresses?: unknown[] }) => s.addresses ?? []).length;
  };
  await eventually(async () => (await addresses()) === 1, 10_000, "ready pod in endpoints");
  await c.kubectl(["exec", "probed", "--", "rm", "/tmp/ready"]);
  await eventually(async () => (await addresses()) === 0, 10_000, "unready pod out of endpoints");
  await c.kubectl(["exec", "probed", "--", "rm", "/tmp/live"]);
  await eventually(async () => (await json(["get", "pod", "probed"])).status.containerStatuses[0].restartCount >= 1, 30_000, "liveness restart");
  // The restarted container has its files again: ready and back in the endpoints.
  await eventually(async () => (await addresses()) === 1, 20_000, "back in endpoints after the restart");
  const ev = await c.kubectl(["get", "events", "--field-selector", "involvedObject.name=probed,reason=Unhealthy"]);
  assert.match(ev.stdout, /Liveness probe failed/);
  assert.match(ev.stdout, /Readiness probe failed/);
  // The node's agent counts probe results on its /metrics.
  const node = await json(["get", "node", (await json(["get", "pod", "probed"])).spec.nodeName]);
  const m = await get(`http://127.0.0.1:${node.status.daemonEndpoints.kubeletEndpoint.Port}/metrics`);
  assert.match(m, /prober_probe_total\{probe_type="Liveness",result="failed"\} [1-9]/);
  assert.match(m, /prober_probe_total\{probe_type="Readiness",result="successful"\} [1-9]/);
  await c.kubectl(["delete", "pod,svc", "probed", "--wait=false"]);
});

test("ConfigMap and Secret reach a pod as env and files; emptyDir is shared by two containers", async () => {
  await c.kubectl(["create", "configmap", "cfg", "--from-literal=color=blue"]);
  await c.kubectl(["create", "secret", "generic", "sec", "--from-literal=password=s3cr3t"]);
  await apply(`
apiVersion: v1
kind: Pod
metadata: {name: config}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: cfg, configMap: {name: cfg}}
  - {name: sec, secret: {secretName: sec}}
  - {name: shared, emptyDir: {}}
  initContainers:
  - name: first
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo one >> /shared/order"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: second
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo two >> /shared/order"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: writer
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo from-writer > /shared/note; sleep 3600"]
    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: cfg, key: color}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: sec, key: password}}}
    envFrom: [{configMapRef: {name: cfg}, prefix: CM_}]
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
    - {name: sec, mountPath: /etc/sec}
    - {name: shared, mountPath: /shared}
  - name: reader
    image: ${TEST_IMAGE}
    command: ["sleep", "3600"]
    volumeMounts: [{name: shared, mountPath: /data}]
`);
  await eventually(async () => (await json(["get", "pod", "config"])).status.phase === "Running", 60_000, "config pod Running");
  const env = (await c.kubectl(["exec", "config", "-c", "writer", "--", "env"])).stdout;
  assert.match(env, /^COLOR=blue$/m);
  assert.match(env, /^PASSWORD=s3cr3t$/m);
  assert.match(env, /^CM_color=blue$/m);
  assert.match(env, /^WEB_SERVICE_HOST=\d+\.\d+\.\d+\.\d+$/m, "service links of the namespace");
  assert.equal((await c.kubectl(["exec", "config", "-c", "writer", "--", "cat", "/etc/cfg/color"])).stdout, "blue");
  assert.equal((await c.kubectl(["exec", "config", "-c", "writer", "--", "cat", "/etc/sec/password"])).stdout, "s3cr3t");
  await eventually(async () => (await c.kubectl(["exec", "config", "-c", "reader", "--", "cat", "/data/note"], { allowFail: true })).stdout.trim() === "from-writer", 10_000, "emptyDir shared");
  assert.equal((await c.kubectl(["exec", "config", "-c", "reader", "--", "cat", "/data/order"])).stdout, "one\ntwo\n", "init containers ran in order");
  const pod = await json(["get", "pod", "config"]);
  assert.deepEqual(pod.status.initContainerStatuses.map((s: { state: { terminated?: { reason: string } } }) => s.state.terminated?.reason), ["Completed", "Completed"]);
  const ro = await c.kubectl(["exec", "config", "-c", "writer", "--", "sh", "-c", "echo x > /etc/cfg/new"], { allowFail: true });
  assert.notEqual(ro.code, 0, "configMap volumes are read-only");
  await c.kubectl(["delete", "pod", "config", "--wait=false"]);
});

test("kubectl top pods and top nodes show numbers from the runtime", async () => {
  await podsRunning("app=web", 3);
  await eventually(async () => {
    const r = await c.kubectl(["top", "pods", "-l", "app=web"], { allowFail: true });
    return r.code === 0 && (r.stdout.match(/web-\S+\s+\d+m\s+\d+Mi/g) ?? []).length === 3;
  }, 30_000, "kubectl top pods lists the web pods");
  const nodes = await eventually(async () => {
    const r = await c.kubectl(["top", "nodes"], { allowFail: true });
    return r.code === 0 && new RegExp(`${A}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi`).test(r.stdout) ? r.stdout : undefined;
  }, 30_000, "kubectl top nodes");
  assert.match(nodes, new RegExp(B));
});

test("kubectl delete pod stops its containers, then the pod is gone; the ReplicaSet's replacement starts", async () => {
  const pods = await podsRunning("app=web", 3);
  const victim = pods[0];
  const node = victim.spec.nodeName;
  // kubectl delete waits until the agent has confirmed the containers stopped (its grace-0 delete).
  await c.kubectl(["delete", "pod", victim.metadata.name]);
  const left = (await containersOf(node)).filter((x) => x.labels["io.kubernetes.pod.uid"] === victim.metadata.uid && x.state === "running");
  assert.equal(left.length, 0, "no container of the deleted pod still runs");
  const after = await podsRunning("app=web", 3);
  assert.ok(!after.some((p: { metadata: { name: string } }) => p.metadata.name === victim.metadata.name));
});

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** `kubectl auth whoami` over HTTPS from inside the pod: busybox's nc connects, its ssl_client speaks TLS (its wget segfaults in static glibc). */
const IN_POD_WHOAMI = `
T=$(cat ${SA_DIR}/token)
B='{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}'
printf 'POST /apis/authentication.k8s.io/v1/selfsubjectreviews HTTP/1.1\\r\\nHost: kubernetes.default.svc\\r\\nAuthorization: Bearer %s\\r\\nContent-Type: application/json\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s' "$T" "\${#B}" "$B" > /tmp/req
echo 'exec 3<&0; ssl_client -s 3 -n kubernetes.default.svc < /tmp/req > /tmp/resp' > /tmp/tls.sh
nc -w 10 $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT -e sh /tmp/tls.sh
cat /tmp/resp`;

test("a pod's ServiceAccount token works against the API from inside the pod, and stops working once the pod is deleted", async () => {
  await c.kubectl(["run", "sa-client", `--image=${TEST_IMAGE}`, "--restart=Never", "--", "sleep", "3600"]);
  await eventually(async () => (await json(["get", "pod", "sa-client"])).status.phase === "Running", 60_000, "sa-client Running");
  const exec = async (cmd: string) => (await c.kubectl(["exec", "sa-client", "--", "sh", "-c", cmd])).stdout;
  assert.equal(await exec(`cat ${SA_DIR}/namespace`), "default");
  assert.equal(await exec(`cat ${SA_DIR}/ca.crt`), c.caCert);
  assert.equal((await exec("echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT")).trim(), "10.96.0.1:443");
  // Through the kubernetes Service (the agent's proxy → the API's advertised endpoint), over TLS, with the pod's token.
  const inPod = await eventually(async () => {
    const out = await exec(IN_POD_WHOAMI);
    return out.includes("system:serviceaccount:default:default") ? out : undefined;
  }, 20_000, "whoami from inside the pod");
  assert.match(inPod, /HTTP\/1\.1 201/);
  assert.match(inPod, /"authentication.kubernetes.io\/pod-name":\["sa-client"\]/);
  // The same token, read out of the pod, from here; then gone with the pod.
  const token = await exec(`cat ${SA_DIR}/token`);
  const me = JSON.parse((await c.kubectl(["--token", token, "auth", "whoami", "-o", "json"])).stdout).status.userInfo;
  assert.equal(me.username, "system:serviceaccount:default:default");
  await c.kubectl(["delete", "pod", "sa-client", "--grace-period=1"]);
  await eventually(async () => (await c.kubectl(["--token", token, "get", "pods"], { allowFail: true })).code !== 0, 30_000, "the token to be refused");
});

test("an agent started with a bootstrap token joins as its own node, and keeps its credential across restarts", async () => {
  const admin = new KubeClient({ server: c.url, token: c.token, ca: c.caCert }, 1);
  const bootstrap = await createBootstrapToken(admin, { ttlSeconds: 600 });
  await admin.close();
  startAgent("e2e-join", bootstrap);
  const ready = async () => {
    const n = await json(["get", "node", "e2e-join"]);
    return n.status.conditions.find((x: { type: string }) => x.type === "Ready")?.status === "True";
  };
  await eventually(ready, 60_000, "e2e-join Ready");
  const file = join(dir, "e2e-join", "node-credential.json");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const cred = JSON.parse(readFileSync(file, "utf8")) as { token: string };
  const me = JSON.parse((await c.kubectl(["--token", cred.token, "auth", "whoami", "-o", "json"])).stdout).status.userInfo;
  assert.equal(me.username, "system:node:e2e-join");
  assert.deepEqual(me.groups, ["system:nodes", "system:authenticated"]);
  // Restarted after its bootstrap token is gone, it comes back with the saved credential.
  await stopAgent("e2e-join", "SIGTERM");
  await c.kubectl(["delete", "secret", "-n", "kube-system", `bootstrap-token-${bootstrap.split(".")[0]}`]);
  agents.get("e2e-join")!.log.length = 0;
  startAgent("e2e-join", bootstrap);
  await eventually(async () => (agents.get("e2e-join")!.log.join("").includes("registered") ? true : undefined), 30_000, "e2e-join back");
  assert.equal(JSON.parse(readFileSync(file, "utf8")).token, cred.token, "the saved credential was reused");
  // Out of the way of the next tests, which count nodes and pods.
  await stopAgent("e2e-join", "SIGTERM");
  await c.kubectl(["delete", "node", "e2e-join"]);
});

test("killing an agent leaves its pods running; restarting it adopts them without duplicates", async () => {
  const before = await podsRunning("app=web", 3);
  const onA = before.filter((p: { spec: { nodeName: string } }) => p.spec.nodeName === A);
  const running = async () => (await containersOf(A)).filter((x) => x.state === "running").map((x) => x.id).sort();
  const ids = await running();
  await stopAgent(A, "SIGKILL");
  for (const p of onA) assert.ok((await get(`http://${p.status.podIP}:8080/`)).length > 0, "pod still serves with its agent dead");
  assert.deepEqual(await running(), ids, "containers untouched while the agent is down");
  startAgent(A);
  await eventually(async () => (agents.get(A)!.log.join("").includes("registered") ? true : undefined), 20_000, "agent back");
  // Give it a few sync rounds, then the same containers run: nothing created, nothing lost.
  await new Promise((r) => setTimeout(r, 4000));
  assert.deepEqual(await running(), ids, "adopted, not duplicated");
  const now = await podsRunning("app=web", 3);
  assert.deepEqual(now.map((p: { metadata: { uid: string } }) => p.metadata.uid).sort(), before.map((p: { metadata: { uid: string } }) => p.metadata.uid).sort());
});

test("a control-plane outage: pods keep running; when the API returns the agents reconcile", async () => {
  const before = await podsRunning("app=web", 3);
  const ids = async () => [...(await containersOf(A)), ...(await containersOf(B))].filter((x) => x.state === "running").map((x) => x.id).sort();
  const running = await ids();
  const port = Number(new URL(c.url).port);
  await c.stop();
  await new Promise((r) => setTimeout(r, 3000));
  for (const p of before) assert.ok((await get(`http://${p.status.podIP}:8080/`)).length > 0, "pods serve while the API is away");
  assert.deepEqual(await ids(), running, "nothing stopped or started during the outage");
  c = await startCluster({ home: join(dir, "control-plane"), port, bindings: BINDINGS });
  // The agents' watches resume: a pod deleted now is stopped, its replacement started.
  const victim = before[0];
  await c.kubectl(["delete", "pod", victim.metadata.name, "--wait=false"]);
  await eventually(async () => {
    const list = await json(["get", "pods", "-l", "app=web"]);
    return list.items.length === 3 && !list.items.some((p: { metadata: { uid: string } }) => p.metadata.uid === victim.metadata.uid) ? true : undefined;
  }, 60_000, "the deleted pod gone and replaced after the outage");
  await podsRunning("app=web", 3);
  await eventually(async () => !(await ids()).some((id) => (victim.status.containerStatuses[0].containerID as string).endsWith(id)), 20_000, "the deleted pod's container stopped");
});

test("an agent stopped for good: its node goes NotReady and its pods are recreated on the other node", async () => {
  await c.kubectl(["scale", "deploy", "web", "--replicas=4"]);
  const pods = await podsRunning("app=web", 4);
  const victimNode = pods.some((p: { spec: { nodeName: string } }) => p.spec.nodeName === B) ? B : A;
  const survivor = victimNode === A ? B : A;
  await stopAgent(victimNode, "SIGTERM");
  await eventually(async () => /NotReady/.test((await c.kubectl(["get", "node", victimNode])).stdout), 40_000, `${victimNode} NotReady`);
  await eventually(async () => {
    const list = await json(["get", "pods", "-l", "app=web"]);
    const live = list.items.filter((p: { metadata: { deletionTimestamp?: string }; spec: { nodeName: string }; status: { phase: string } }) => !p.metadata.deletionTimestamp && p.spec.nodeName === survivor && p.status.phase === "Running");
    return live.length === 4;
  }, 90_000, `4 web pods Running on ${survivor}`);
});
