/**
 * Cluster DNS answers, as CoreDNS's kubernetes plugin gives them, computed
 * from Services and EndpointSlices without I/O:
 *   <svc>.<ns>.svc.<domain>            A: the cluster IP; headless: each ready endpoint
 *   <hostname>.<svc>.<ns>.svc.<domain> A: that endpoint (StatefulSet pods of a headless Service)
 *   ExternalName Services               CNAME to their external name
 * Names under the cluster domain that match nothing are NXDOMAIN; other
 * names are not ours (the server forwards them upstream).
 */
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

export const CLUSTER_DOMAIN = "cluster.local";
/** The cluster DNS address pods are given (kube-dns's conventional ClusterIP; the API never allocates it). */
export const CLUSTER_DNS_IP = "10.96.0.10";

export type Answer =
  | { kind: "A"; ips: string[] }
  | { kind: "CNAME"; target: string }
  /** The name exists but has no address of the asked type (e.g. a headless Service with no ready endpoint). */
  | { kind: "NODATA" }
  | { kind: "NXDOMAIN" }
  /** Not a cluster name: ask upstream. */
  | { kind: "FORWARD" };

export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, service: string): EndpointSlice[];
}

const ready = (e: { conditions?: { ready?: boolean } }) => e.conditions?.ready !== false;

/** The answer for a name (lowercase, without the trailing dot). */
export function answer(name: string, view: ClusterView, domain = CLUSTER_DOMAIN): Answer {
  const n = name.toLowerCase().replace(/\.$/, "");
  const suffix = `.svc.${domain}`;
  if (n !== domain && !n.endsWith(`.${domain}`)) return { kind: "FORWARD" };
  if (!n.endsWith(suffix)) return { kind: "NXDOMAIN" };
  const labels = n.slice(0, -suffix.length).split(".");
  if (labels.length < 2 || labels.length > 3) return { kind: "NXDOMAIN" };
  const [host, svcName, ns] = labels.length === 3 ? labels : [undefined, labels[0], labels[1]];
  const svc = view.service(ns, svcName);
  if (!svc) return { kind: "NXDOMAIN" };
  const spec = svc.spec ?? {};
  if (spec.type === "ExternalName") return host ? { kind: "NXDOMAIN" } : spec.externalName ? { kind: "CNAME", target: spec.externalName } : { kind: "NODATA" };
  const headless = spec.clusterIP === "None";
  if (!host && !headless) return spec.clusterIP ? { kind: "A", ips: [spec.clusterIP] } : { kind: "NODATA" };
  const ips = new Set<string>();
  for (const slice of view.slices(ns, svcName)) {
    if (slice.addressType !== "IPv4") continue;
    for (const e of slice.endpoints ?? []) {
      if (!ready(e)) continue;
      if (host && e.hostname !== host) continue;
      for (const a of e.addresses ?? []) ips.add(a);
    }
  }
  if (ips.size) return { kind: "A", ips: [...ips].sort() };
  return host ? { kind: "NXDOMAIN" } : { kind: "NODATA" };
}

/** resolv.conf settings of a pod by its dnsPolicy, as the kubelet writes them (undefined: the runtime's default, the host's). */
export function podDns(
  spec: { dnsPolicy?: string; hostNetwork?: boolean; dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name?: string; value?: string }[] } },
  namespace: string,
  clusterDns: string | undefined,
  domain = CLUSTER_DOMAIN,
): { servers?: string[]; search?: string[]; options?: string[] } | undefined {
  const policy = spec.dnsPolicy ?? "ClusterFirst";
  const extra = spec.dnsConfig ?? {};
  const options = (extra.options ?? []).filter((o) => o.name).map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name!));
  // Host-network pods keep the host's resolv.conf (the runtimes refuse DNS settings with the host's network).
  if (spec.hostNetwork) return undefined;
  const clusterFirst = clusterDns && (policy === "ClusterFirst" || policy === "ClusterFirstWithHostNet");
  if (clusterFirst) {
    const servers = [clusterDns, ...(extra.nameservers ?? [])].slice(0, 3);
    const search = [`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...(extra.searches ?? [])].slice(0, 32);
    const names = new Set(options.map((o) => o.split(":")[0]));
    return { servers, search, options: names.has("ndots") ? options : ["ndots:5", ...options] };
  }
  if (policy === "None" || extra.nameservers?.length || extra.searches?.length || options.length) {
    return { servers: extra.nameservers, search: extra.searches, options: options.length ? options : undefined };
  }
  return undefined;
}
