/**
 * The ingress status controller: every Ingress Edgeplane's controller serves
 * (class `edgeplane`, or none named) shows where it is reachable, in
 * status.loadBalancer.ingress: the InternalIP of each Ready node whose agent
 * serves Ingresses (the agent annotates its Node with the ports it listens on;
 * ports other than 80 and 443 are listed too). This is what `kubectl get ingress`
 * prints as ADDRESS. The routing itself runs in the agents (agent/src/ingress/).
 * Ingresses of other classes are left alone: their controller writes theirs.
 */
import type { Node } from "kubernetes-types/core/v1";
import type { IngressLoadBalancerIngress } from "kubernetes-types/networking/v1";
import { deepEqual } from "../../apimachinery/objects.js";
import { INGRESS_PORT_ANNOTATION, INGRESS_TLS_PORT_ANNOTATION, servedByEdgeplane } from "../../registry/kinds/networking/edgeplane-ingress.js";
import type { KObject } from "../../registry/types.js";
import { conditionStatus } from "../nodelifecycle/taints.js";
import { keyOf, type Controller, type Lister } from "../types.js";

const INGRESSES = "ingresses.networking.k8s.io";
const CLASSES = "ingressclasses.networking.k8s.io";

/** Where the agents serve Ingresses: one entry per Ready serving node, by IP. */
export function ingressPoints(nodes: KObject[]): IngressLoadBalancerIngress[] {
  const points = new Map<string, IngressLoadBalancerIngress>();
  for (const o of nodes) {
    const node = o as unknown as Node;
    const port = Number(node.metadata?.annotations?.[INGRESS_PORT_ANNOTATION]);
    const tlsPort = Number(node.metadata?.annotations?.[INGRESS_TLS_PORT_ANNOTATION]) || undefined;
    if (!port || node.metadata?.deletionTimestamp || conditionStatus(node, "Ready") !== "True" || node.spec?.unschedulable) continue;
    const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    // The ports are listed when they are not the usual 80 and 443: HTTP first, then HTTPS.
    const usual = port === 80 && (tlsPort === undefined || tlsPort === 443);
    const ports = [port, ...(tlsPort ? [tlsPort] : [])].map((p) => ({ port: p, protocol: "TCP" }));
    if (ip) points.set(`${ip}:${port}`, usual ? { ip } : { ip, ports });
  }
  return [...points].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p);
}

const allIngresses = (_: KObject, lister: Lister) => lister.list(INGRESSES).map(keyOf);
/**
 * Only nodes whose agents serve Ingresses move an address: in a cluster of thousands of nodes, the
 * status heartbeats of the others would each requeue every Ingress. (A node that stops serving
 * drops its annotation when its agent registers again; the resync catches what a kick misses.)
 */
const servingNode = (node: KObject, lister: Lister) => (node.metadata.annotations?.[INGRESS_PORT_ANNOTATION] ? allIngresses(node, lister) : []);

export const ingressStatusController: Controller = {
  name: "ingress-status",
  component: "edgeplane-ingress",
  primary: INGRESSES,
  watches: [
    { resource: "nodes", map: servingNode },
    { resource: CLASSES, map: allIngresses },
  ],
  async reconcile(key, ctx) {
    const ing = ctx.lister.get(INGRESSES, key.namespace, key.name);
    if (!ing || !servedByEdgeplane(ing, (name) => ctx.lister.get(CLASSES, "", name))) return;
    const want = ingressPoints(ctx.lister.list("nodes"));
    const have = (ing.status as { loadBalancer?: { ingress?: IngressLoadBalancerIngress[] } } | undefined)?.loadBalancer?.ingress ?? [];
    if (deepEqual(have, want)) return;
    await ctx.client.updateStatus(INGRESSES, { ...ing, status: { ...(ing.status ?? {}), loadBalancer: want.length ? { ingress: want } : {} } });
  },
};
