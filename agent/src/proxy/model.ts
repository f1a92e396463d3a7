/**
 * What the proxy must serve, derived from API objects without any I/O: the
 * frontends of each Service port (cluster IP:port, node port) with its
 * affinity settings, and the ready endpoints its EndpointSlices publish for
 * that port. Kept pure so the translation is tested apart from sockets.
 */
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { DEFAULT_AFFINITY_SECONDS, endpointId, type Endpoint } from "./balancer.js";

export type Protocol = "TCP" | "UDP";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export interface ServicePort {
  /** "namespace/name:portName" ("namespace/name" alone for an unnamed port). */
  key: string;
  /** "namespace/name". */
  service: string;
  portName: string;
  protocol: Protocol;
  /** A virtual IPv4 to serve on, or undefined (headless, unset, or IPv6). */
  clusterIP?: string;
  port: number;
  nodePort?: number;
  affinity: boolean;
  affinityTimeoutMs: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export const isIPv4 = (s: string | undefined): s is string => !!s && IPV4.test(s) && s.split(".").every((x) => Number(x) <= 255);

/** The ports the proxy serves for a Service ([] for ExternalName and headless Services without node ports). */
export function servicePorts(svc: Service): ServicePort[] {
  const ns = svc.metadata?.namespace ?? "";
  const name = svc.metadata?.name ?? "";
  const spec = svc.spec ?? {};
  if (spec.type === "ExternalName") return [];
  const clusterIP = isIPv4(spec.clusterIP) ? spec.clusterIP : undefined;
  const withNodePorts = spec.type === "NodePort" || spec.type === "LoadBalancer";
  const affinity = spec.sessionAffinity === "ClientIP";
  const seconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
  const out: ServicePort[] = [];
  for (const p of spec.ports ?? []) {
    const protocol = (p.protocol ?? "TCP") as string;
    if (protocol !== "TCP" && protocol !== "UDP") continue; // SCTP: not served
    const nodePort = withNodePorts && p.nodePort ? p.nodePort : undefined;
    if (!clusterIP && !nodePort) continue;
    const portName = p.name ?? "";
    out.push({
      key: `${ns}/${name}${portName ? `:${portName}` : ""}`,
      service: `${ns}/${name}`,
      portName,
      protocol,
      clusterIP,
      port: p.port,
      nodePort,
      affinity,
      affinityTimeoutMs: seconds * 1000,
    });
  }
  return out;
}

/** The Service ("namespace/name") an EndpointSlice belongs to, from its kubernetes.io/service-name label. */
export function sliceService(slice: EndpointSlice): string | undefined {
  const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata?.namespace ?? ""}/${name}` : undefined;
}

/**
 * Ready IPv4 endpoints for one Service port across its slices: an endpoint
 * counts unless conditions.ready is false (nil means ready, as kube-proxy
 * reads it), and the slice's port of the same name and protocol gives the
 * target port. Duplicates (one address in two slices) collapse. Given the
 * local node, a pod on another node is marked to be relayed (TCP).
 */
export function readyEndpoints(slices: Iterable<EndpointSlice>, portName: string, protocol: Protocol, localNode?: string): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const s of slices) {
    if (s.addressType && s.addressType !== "IPv4") continue;
    const port = (s.ports ?? []).find((p) => (p.name ?? "") === portName && (p.protocol ?? "TCP") === protocol)?.port;
    if (!port) continue;
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.ready === false) continue;
      // Addresses of one endpoint are fungible; kube-proxy uses the first.
      const ip = e.addresses?.[0];
      if (!isIPv4(ip)) continue;
      const pod = e.targetRef?.kind === "Pod" ? e.targetRef : undefined;
      const remote = localNode !== undefined && protocol === "TCP" && e.nodeName && e.nodeName !== localNode && pod?.name;
      const ep: Endpoint = remote ? { ip, port, relay: { namespace: pod.namespace ?? s.metadata?.namespace ?? "", pod: pod.name!, node: e.nodeName! } } : { ip, port };
      seen.set(endpointId(ep), ep);
    }
  }
  return [...seen.values()];
}
