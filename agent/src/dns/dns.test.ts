/** Cluster DNS: answers from Services and EndpointSlices, pods' resolv.conf by dnsPolicy, and the server over real UDP/TCP on loopback. */
import { test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import * as dnsPacket from "dns-packet";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { answer, podDns, type ClusterView } from "./records.js";
import { ClusterDns, hostResolvers } from "./server.js";

const svc = (ns: string, name: string, spec: Service["spec"]): Service => ({ metadata: { namespace: ns, name }, spec });
const services = [
  svc("default", "web", { clusterIP: "10.96.1.2", ports: [{ port: 80 }] }),
  svc("db", "pg", { clusterIP: "None", ports: [{ port: 5432 }] }),
  svc("default", "ext", { type: "ExternalName", externalName: "example.com" }),
];
const slices: Record<string, EndpointSlice[]> = {
  "db/pg": [
    {
      addressType: "IPv4",
      metadata: { namespace: "db", name: "pg-1" },
      endpoints: [
        { addresses: ["10.88.0.5"], hostname: "pg-0", conditions: { ready: true } },
        { addresses: ["10.88.0.6"], hostname: "pg-1", conditions: { ready: true } },
        { addresses: ["10.88.0.7"], hostname: "pg-2", conditions: { ready: false } },
      ],
    },
  ],
};
const rcode = (p: dnsPacket.Packet) => ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN"][(p.flags ?? 0) & 15];
const data = (p: dnsPacket.Packet) => (p.answers ?? []).map((a) => (a as { data: unknown }).data);
const view: ClusterView = {
  service: (ns, name) => services.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
  slices: (ns, name) => slices[`${ns}/${name}`] ?? [],
};

test("Service names: cluster IP, headless endpoints and their hostnames, ExternalName, NXDOMAIN, not ours", () => {
  assert.deepEqual(answer("web.default.svc.cluster.local", view), { kind: "A", ips: ["10.96.1.2"] });
  assert.deepEqual(answer("WEB.default.svc.cluster.local.", view), { kind: "A", ips: ["10.96.1.2"] });
  assert.deepEqual(answer("pg.db.svc.cluster.local", view), { kind: "A", ips: ["10.88.0.5", "10.88.0.6"] }, "ready endpoints only");
  assert.deepEqual(answer("pg-1.pg.db.svc.cluster.local", view), { kind: "A", ips: ["10.88.0.6"] });
  assert.deepEqual(answer("pg-2.pg.db.svc.cluster.local", view), { kind: "NXDOMAIN" });
  assert.deepEqual(answer("ext.default.svc.cluster.local", view), { kind: "CNAME", target: "example.com" });
  assert.deepEqual(answer("nope.default.svc.cluster.local", view), { kind: "NXDOMAIN" });
  assert.deepEqual(answer("web.default.cluster.local", view), { kind: "NXDOMAIN" });
  assert.deepEqual(answer("example.com", view), { kind: "FORWARD" });
});

test("resolv.conf by dnsPolicy: ClusterFirst searches the pod's namespace; dnsConfig adds; None and Default leave the cluster out", () => {
  assert.deepEqual(podDns({}, "shop", "10.96.0.10"), { servers: ["10.96.0.10"], search: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"], options: ["ndots:5"] });
  assert.deepEqual(podDns({ dnsConfig: { nameservers: ["1.1.1.1"], searches: ["corp"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] } }, "a", "10.96.0.10"), {
    servers: ["10.96.0.10", "1.1.1.1"],
    search: ["a.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp"],
    options: ["ndots:2", "edns0"],
  });
  assert.equal(podDns({ dnsPolicy: "Default" }, "a", "10.96.0.10"), undefined);
  assert.equal(podDns({}, "a", undefined), undefined, "no cluster DNS on this node: the runtime's default");
  assert.equal(podDns({ hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }, "a", "10.96.0.10"), undefined);
  assert.deepEqual(podDns({ dnsPolicy: "None", dnsConfig: { nameservers: ["9.9.9.9"] } }, "a", "10.96.0.10"), { servers: ["9.9.9.9"], search: undefined, options: undefined });
  assert.deepEqual(hostResolvers("# x\nnameserver 10.96.0.10\nnameserver 192.0.2.53\nnameserver bogus\nsearch lan\n"), ["192.0.2.53"]);
});

test("the server answers over UDP and TCP, and relays other names to its upstream", async () => {
  // An upstream stand-in on loopback that answers every A query with 192.0.2.1.
  const up = dgram.createSocket("udp4");
  up.on("message", (m, r) => {
    const q = dnsPacket.decode(m);
    up.send(dnsPacket.encode({ type: "response", id: q.id, flags: dnsPacket.RECURSION_DESIRED, questions: q.questions, answers: [{ type: "A", name: q.questions![0].name, data: "192.0.2.1" }] }), r.port, r.address);
  });
  await new Promise<void>((r) => up.bind(0, "127.0.0.1", r));
  const upPort = (up.address() as net.AddressInfo).port;
  const dns = new ClusterDns({ view, address: "127.0.0.1", port: 0, upstream: [{ host: "127.0.0.1", port: upPort }] });
  await dns.start();
  try {
    const { udp: udpPort, tcp: tcpPort } = dns.boundPorts();
    assert.ok(udpPort && tcpPort);
    const ask = (name: string, type: "A" | "AAAA" = "A") =>
      new Promise<dnsPacket.Packet>((resolve) => {
        const s = dgram.createSocket("udp4");
        s.on("message", (m) => {
          s.close();
          resolve(dnsPacket.decode(m));
        });
        s.send(dnsPacket.encode({ type: "query", id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] }), udpPort, "127.0.0.1");
      });
    const a = await ask("web.default.svc.cluster.local");
    assert.deepEqual([a.id, rcode(a), data(a)], [7, "NOERROR", ["10.96.1.2"]]);
    assert.equal(rcode(await ask("nope.default.svc.cluster.local")), "NXDOMAIN");
    const aaaa = await ask("web.default.svc.cluster.local", "AAAA");
    assert.deepEqual([rcode(aaaa), aaaa.answers?.length], ["NOERROR", 0]);
    // TCP: length-prefixed.
    const tcp = await new Promise<dnsPacket.Packet>((resolve) => {
      const sock = net.connect(tcpPort, "127.0.0.1", () => sock.write(dnsPacket.streamEncode({ type: "query", id: 9, questions: [{ type: "A", name: "pg-0.pg.db.svc.cluster.local" }] })));
      sock.on("data", (d) => {
        sock.destroy();
        resolve(dnsPacket.streamDecode(d));
      });
    });
    assert.deepEqual([tcp.id, data(tcp)], [9, ["10.88.0.5"]]);
    // Not a cluster name: relayed to the upstream.
    const other = await ask("example.com");
    assert.deepEqual(data(other), ["192.0.2.1"]);
  } finally {
    dns.stop();
    up.close();
  }
});
