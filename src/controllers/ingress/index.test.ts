import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { ingressStatusController as c } from "./index.js";
import { EDGEPLANE_INGRESS_CLASS, INGRESS_PORT_ANNOTATION, INGRESS_TLS_PORT_ANNOTATION } from "../../registry/kinds/networking/edgeplane-ingress.js";

const ING = "ingresses.networking.k8s.io";
const node = (name: string, ip: string, port: string | undefined, ready = "True", tlsPort?: string) => ({
  metadata: { name, annotations: { ...(port ? { [INGRESS_PORT_ANNOTATION]: port } : {}), ...(tlsPort ? { [INGRESS_TLS_PORT_ANNOTATION]: tlsPort } : {}) } as Record<string, string> },
  status: { addresses: [{ type: "InternalIP", address: ip }], conditions: [{ type: "Ready", status: ready }] },
});
const ingress = (name: string, cls?: string) => ({ metadata: { name, namespace: "web" }, spec: { ...(cls ? { ingressClassName: cls } : {}), defaultBackend: { service: { name: "s", port: { number: 80 } } } } });
const addressOf = (f: FakeCluster, name: string) => (f.get(ING, "web", name)?.status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress;

test("Ingresses Edgeplane serves list the Ready nodes whose agents serve them; other classes are left alone", async () => {
  const f = new FakeCluster();
  await f.create("ingressclasses.networking.k8s.io", EDGEPLANE_INGRESS_CLASS);
  await f.create("ingressclasses.networking.k8s.io", { metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } });
  await f.create("nodes", node("a", "10.0.0.2", "80", "True", "443"));
  await f.create("nodes", node("e", "10.0.0.5", "80", "True", "8443"));
  await f.create("nodes", node("b", "10.0.0.1", "8080"));
  await f.create("nodes", node("c", "10.0.0.3", undefined));
  await f.create("nodes", node("d", "10.0.0.4", "80", "Unknown"));
  for (const [name, cls] of [["plain", undefined], ["ours", "edgeplane"], ["theirs", "nginx"], ["unknown", "nope"]] as const) {
    await f.create(ING, ingress(name, cls));
    await c.reconcile({ namespace: "web", name }, f.context());
  }
  const want = [{ ip: "10.0.0.1", ports: [{ port: 8080, protocol: "TCP" }] }, { ip: "10.0.0.2" }, { ip: "10.0.0.5", ports: [{ port: 80, protocol: "TCP" }, { port: 8443, protocol: "TCP" }] }];
  assert.deepEqual(addressOf(f, "plain"), want);
  assert.deepEqual(addressOf(f, "ours"), want);
  assert.equal(addressOf(f, "theirs"), undefined);
  assert.equal(addressOf(f, "unknown"), undefined);
  // Idempotent; a node change reaches every Ingress and updates the address.
  const writes = f.writes.length;
  await c.reconcile({ namespace: "web", name: "ours" }, f.context());
  assert.equal(f.writes.length, writes);
  const b = f.get("nodes", "", "b")!;
  await f.updateStatus("nodes", { ...b, status: { ...(b.status as object), conditions: [{ type: "Ready", status: "False" }] } });
  const keys = c.watches![0].map(f.get("nodes", "", "b")!, f);
  assert.equal(keys.length, 4);
  assert.deepEqual(c.watches![0].map(f.get("nodes", "", "c")!, f), [], "a node that serves no Ingresses requeues none");
  for (const k of keys) await c.reconcile(k, f.context());
  assert.deepEqual(addressOf(f, "ours"), want.slice(1));
});
