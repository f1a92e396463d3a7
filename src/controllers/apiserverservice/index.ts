/**
 * The `kubernetes` Service in namespace default and its endpoints, as
 * kube-apiserver's endpoint reconciler keeps them: ClusterIP 10.96.0.1,
 * port 443 (https) → the API server's advertised address (the API_ENDPOINT
 * binding, "ip:port"), published as the Endpoints and the EndpointSlice
 * named `kubernetes`. Pods find the API through it (KUBERNETES_SERVICE_HOST
 * and _PORT, kubernetes.default.svc). Without API_ENDPOINT only the Service
 * exists.
 */
import type { KObject } from "../../registry/types.js";
import { deepEqual } from "../../apimachinery/objects.js";
import { isAlreadyExists } from "../common/errors.js";
import type { Controller, ReconcileContext } from "../types.js";
import { isActiveNamespace } from "../common/namespaces.js";

const NS = "default";
const NAME = "kubernetes";
const SLICES = "endpointslices.discovery.k8s.io";
const toKey = () => [{ namespace: NS, name: NAME }];
const isOurs = (o: KObject) => o.metadata.namespace === NS && o.metadata.name === NAME;

/** "ip:port" (or "[v6]:port") → its parts; undefined when absent or malformed. */
export function parseEndpoint(s: string | undefined): { ip: string; port: number; v6: boolean } | undefined {
  const m = /^\[?([0-9a-fA-F:.]+?)\]?:(\d{1,5})$/.exec(s?.trim() ?? "");
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return undefined;
  return { ip: m[1], port: Number(m[2]), v6: m[1].includes(":") };
}

export function desired(endpoint: string | undefined) {
  const ep = parseEndpoint(endpoint);
  const service = {
    metadata: { name: NAME, namespace: NS, labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { type: "ClusterIP", clusterIP: "10.96.0.1", sessionAffinity: "None", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: ep?.port ?? 443 }] },
  };
  if (!ep) return { service };
  const port = { name: "https", port: ep.port, protocol: "TCP" };
  const endpoints = { metadata: { name: NAME, namespace: NS, labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }, subsets: [{ addresses: [{ ip: ep.ip }], ports: [port] }] };
  const slice = {
    metadata: { name: NAME, namespace: NS, labels: { "kubernetes.io/service-name": NAME } },
    addressType: ep.v6 ? "IPv6" : "IPv4",
    endpoints: [{ addresses: [ep.ip], conditions: { ready: true } }],
    ports: [port],
  };
  return { service, endpoints, slice };
}

/** Whether `cur` has everything `want` says (store defaults may add fields; they are not a difference). */
export function covers(cur: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(cur) && cur.length === want.length && want.every((w, i) => covers(cur[i], w));
  if (want && typeof want === "object") return !!cur && typeof cur === "object" && Object.entries(want).every(([k, v]) => covers((cur as Record<string, unknown>)[k], v));
  return deepEqual(cur, want);
}

/** Create `want`, or bring the fields in `fields` of the existing object to it. */
async function ensure(ctx: ReconcileContext, resource: string, want: KObject, fields: string[]): Promise<void> {
  const cur = ctx.lister.get(resource, NS, NAME);
  if (!cur) {
    try {
      await ctx.client.create(resource, want);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    return;
  }
  if (fields.every((f) => covers(cur[f], want[f]))) return;
  await ctx.client.update(resource, { ...cur, ...Object.fromEntries(fields.map((f) => [f, want[f]])) });
}

export function apiServerServiceController(endpoint: string | undefined): Controller {
  const want = desired(endpoint);
  return {
    name: "apiserver-endpoints",
    primary: "services",
    watches: [
      { resource: "namespaces", map: (o) => (o.metadata.name === NS ? toKey() : []) },
      { resource: "endpoints", map: (o) => (isOurs(o) ? toKey() : []) },
      { resource: SLICES, map: (o) => (isOurs(o) ? toKey() : []) },
    ],
    async reconcile(key, ctx) {
      if (key.namespace !== NS || key.name !== NAME) return;
      if (!isActiveNamespace(ctx.lister, NS)) return;
      const svc = ctx.lister.get("services", NS, NAME);
      if (!svc) await ensure(ctx, "services", want.service as KObject, []);
      else {
        const ports = (svc.spec as { ports?: unknown }).ports;
        if (!covers(ports, want.service.spec.ports)) await ctx.client.update("services", { ...svc, spec: { ...(svc.spec as object), ports: want.service.spec.ports } });
      }
      if (want.endpoints) await ensure(ctx, "endpoints", want.endpoints as KObject, ["subsets"]);
      if (want.slice) await ensure(ctx, SLICES, want.slice as KObject, ["endpoints", "ports", "addressType"]);
    },
  };
}
