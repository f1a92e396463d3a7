/**
 * The kube-proxy role end to end: the real Worker in workerd, a selector-less
 * Service (ClusterIP + NodePort) whose EndpointSlice is written by hand to
 * point at test servers on this host, and the agent's ServiceProxy watching
 * it. Connects through the node port and (as root) the cluster IP.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect, type Server } from "node:net";
import { execFile, execFileSync } from "node:child_process";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { KubeClient } from "../../src/cli/kube-client.js";
import { loadKubeconfig } from "../../src/cli/kubeconfig.js";
import { ServiceProxy } from "../../agent/src/proxy/index.js";

const root = process.getuid?.() === 0;
let c: TestCluster;
let client: KubeClient;
let proxy: ServiceProxy;
const servers: Server[] = [];
/** Backends: 127.0.0.2, .3 and .4 on one port, as pods would be (one slice, one port). */
const IPS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
let backendPort = 0;
let clusterIP = "";
let nodePort = 0;

const onLo = () => execFileSync("ip", ["-4", "-o", "addr", "show", "dev", "lo"], { encoding: "utf8" });

async function listen(ip: string, port: number, name: string): Promise<number> {
  const s = createServer((sock) => sock.end(name));
  servers.push(s);
  await new Promise<void>((res, rej) => {
    s.once("error", rej);
    s.listen(port, ip, () => res());
  });
  return (s.address() as { port: number }).port;
}

/** Connect, read to the end: the backend's name, or "REFUSED"/"RESET"/"CLOSED". */
function ask(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let data = "";
    s.setTimeout(3000, () => s.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    s.on("data", (d) => (data += d));
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED" ? "REFUSED" : e.code === "ETIMEDOUT" ? "TIMEOUT" : "RESET"));
    s.on("end", () => resolve(data || "CLOSED"));
  });
}
const askMany = async (host: string, port: number, n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await ask(host, port));
  return out;
};

const slicePath = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
const endpointsOf = (ips: string[]) => ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } }));

before(async () => {
  c = await startCluster();
  client = new KubeClient(loadKubeconfig(c.kubeconfig));
  backendPort = await listen(IPS[0], 0, IPS[0]);
  for (const ip of IPS.slice(1)) await listen(ip, backendPort, ip);
  proxy = new ServiceProxy({ client, nodeName: "e2e-node", bindClusterIPs: root, log: (level, m) => level !== "debug" && console.error(`[proxy ${level}] ${m}`) });
  proxy.start();
});

after(async () => {
  proxy?.stop();
  for (const s of servers) s.close();
  // Whatever happened, leave no cluster IP on lo.
  if (root && clusterIP && onLo().includes(`inet ${clusterIP}/`)) execFileSync("ip", ["addr", "del", `${clusterIP}/32`, "dev", "lo"]);
  await client?.close();
  await c?.dispose();
});

test("a NodePort Service with a hand-written EndpointSlice is served round-robin on the node port and the cluster IP", async () => {
  const svc = await client.post<{ spec: { clusterIP: string; ports: { nodePort: number }[] } }>("/api/v1/namespaces/default/services", {
    metadata: { name: "web" },
    spec: { type: "NodePort", ports: [{ port: 80, targetPort: backendPort, protocol: "TCP" }] },
  });
  clusterIP = svc.spec.clusterIP;
  nodePort = svc.spec.ports[0].nodePort;
  assert.match(clusterIP, /^10\./);
  await client.post(slicePath, {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "web-manual", labels: { "kubernetes.io/service-name": "web" } },
    addressType: "IPv4",
    ports: [{ name: "", port: backendPort, protocol: "TCP" }],
    endpoints: endpointsOf(IPS),
  });

  await eventually(async () => IPS.includes(await ask("127.0.0.1", nodePort)), 10_000, "the node port to answer");
  const got = await askMany("127.0.0.1", nodePort, 6);
  assert.deepEqual([...got.slice(0, 3)].sort(), IPS);
  assert.deepEqual(got.slice(3), got.slice(0, 3));

  if (root) {
    await eventually(() => onLo().includes(`inet ${clusterIP}/32`), 5_000, "the cluster IP on lo");
    await eventually(async () => IPS.includes(await ask(clusterIP, 80)), 5_000, "the cluster IP to answer");
    const viaClusterIP = await askMany(clusterIP, 80, 3);
    assert.deepEqual([...viaClusterIP].sort(), IPS);
  }
});

test("endpoint changes are followed: a removed endpoint gets no more connections", async () => {
  await client.mergePatch(`${slicePath}/web-manual`, { endpoints: endpointsOf([IPS[1]]) });
  await eventually(async () => (await askMany("127.0.0.1", nodePort, 3)).every((x) => x === IPS[1]), 5_000, "only the remaining endpoint");

  // Not ready: nothing left, connections are refused at once (reset).
  await client.mergePatch(`${slicePath}/web-manual`, { endpoints: [{ addresses: [IPS[1]], conditions: { ready: false } }] });
  await eventually(async () => (await ask("127.0.0.1", nodePort)) === "RESET", 1_000, "a reset without ready endpoints");

  await client.mergePatch(`${slicePath}/web-manual`, { endpoints: endpointsOf(IPS) });
  await eventually(async () => new Set(await askMany("127.0.0.1", nodePort, 3)).size === 3, 1_000, "all three again");
});

test("sessionAffinity ClientIP sticks to one backend", async () => {
  await client.mergePatch("/api/v1/namespaces/default/services/web", { spec: { sessionAffinity: "ClientIP" } });
  await eventually(async () => new Set(await askMany("127.0.0.1", nodePort, 6)).size === 1, 3_000, "one backend for this client");
  await client.mergePatch("/api/v1/namespaces/default/services/web", { spec: { sessionAffinity: "None" } });
  await eventually(async () => new Set(await askMany("127.0.0.1", nodePort, 3)).size === 3, 3_000, "round-robin again");
  const m = proxy.metrics().find((x) => x.service === "web");
  assert.ok(m && m.connections > 20 && m.endpoints === 3, JSON.stringify(m));
});

/**
 * A "pod": a network namespace joined to the host by a veth pair, with the
 * host end as its default gateway, as on the runtime's bridge network. Only
 * as root, and skipped where network namespaces are not allowed.
 */
function podNetns(): { ns: string; gateway: string; remove: () => void } | undefined {
  if (!root) return undefined;
  const id = process.pid % 100_000;
  const ns = `epx-${id}`;
  const [h, p] = [`epx${id}h`, `epx${id}p`];
  const net = `10.250.${id % 250}`;
  const ip = (...a: string[]) => execFileSync("ip", a, { stdio: ["ignore", "pipe", "pipe"] });
  const remove = () => {
    for (const a of [["link", "del", h], ["netns", "del", ns]]) {
      try {
        ip(...a);
      } catch {
        /* already gone */
      }
    }
  };
  try {
    ip("netns", "add", ns);
    ip("link", "add", h, "type", "veth", "peer", "name", p);
    ip("link", "set", p, "netns", ns);
    ip("addr", "add", `${net}.1/30`, "dev", h);
    ip("link", "set", h, "up");
    ip("-n", ns, "addr", "add", `${net}.2/30`, "dev", p);
    ip("-n", ns, "link", "set", p, "up");
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "route", "add", "default", "via", `${net}.1`);
  } catch {
    remove();
    return undefined;
  }
  return { ns, gateway: `${net}.1`, remove };
}

test("a pod behind its default gateway reaches the cluster IP and the node port", { skip: root ? false : "needs root" }, async (t) => {
  const pod = podNetns();
  if (!pod) return t.skip("network namespaces not available");
  try {
    // Connect from inside the namespace with a child node; asynchronously, so the proxy in this process keeps running.
    const script = (host: string, port: number) =>
      `const s=require("net").connect(${port},"${host}");let d="";s.on("data",x=>d+=x);s.on("end",()=>console.log(d));s.on("error",e=>console.log(e.code));`;
    const ask = (host: string, port: number) =>
      new Promise<string>((resolve, reject) =>
        execFile("ip", ["netns", "exec", pod.ns, process.execPath, "-e", script(host, port)], { timeout: 10_000 }, (e, out) => (e ? reject(e) : resolve(out.trim()))),
      );
    const viaClusterIP = [await ask(clusterIP, 80), await ask(clusterIP, 80), await ask(clusterIP, 80)];
    assert.deepEqual([...viaClusterIP].sort(), IPS);
    assert.ok(IPS.includes(await ask(pod.gateway, nodePort)));
  } finally {
    pod.remove();
  }
});

test("deleting the Service closes its listeners and removes its cluster IP", async () => {
  await client.delete("/api/v1/namespaces/default/services/web");
  await eventually(async () => (await ask("127.0.0.1", nodePort)) === "REFUSED", 3_000, "the node port to close");
  // What is left is the API's own default/kubernetes Service.
  assert.deepEqual(proxy.status().filter((l) => !l.servicePort.startsWith("default/kubernetes")), []);
  if (root) {
    await eventually(() => !onLo().includes(`inet ${clusterIP}/`), 3_000, "the cluster IP gone from lo");
  }
  await client.delete(`${slicePath}/web-manual`);
});
