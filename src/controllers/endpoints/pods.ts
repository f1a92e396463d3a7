/**
 * What the Endpoints and EndpointSlice controllers share, as Kubernetes'
 * endpointslice util package does: which Services get endpoints and which
 * pods back them, whether a pod is listed at all, its address and the
 * container ports a Service's targetPorts resolve to on it, and which
 * Services a pod change concerns.
 */
import type { ObjectReference, Service, ServicePort } from "kubernetes-types/core/v1";
import { selectorFromSet, type LabelMatcher } from "../../apimachinery/selectors/labels.js";
import type { KObject } from "../../registry/types.js";
import type { Pod } from "../common/pods.js";
import type { KeyMapper, Lister } from "../types.js";

export const asService = (o: KObject) => o as unknown as Service;

/**
 * The selector of a Service these controllers fill; undefined for a Service
 * without one (its endpoints are written by hand) or of type ExternalName.
 * An empty selector is what a stored nil one looks like, so it counts as none.
 */
export function serviceSelector(svc: Service): LabelMatcher | undefined {
  const sel = svc.spec?.selector;
  if (svc.spec?.type === "ExternalName" || !sel || !Object.keys(sel).length) return undefined;
  return selectorFromSet(sel);
}

export function selectedPods(lister: Lister, svc: Service, selector: LabelMatcher): Pod[] {
  return lister.list("pods", svc.metadata?.namespace ?? "").filter((p) => selector(p.metadata.labels));
}

/**
 * ShouldPodBeInEndpoints: a pod that has an IP and has not finished; a
 * terminating one only when the caller keeps terminating endpoints.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** The Service's (first) IP family: what its endpoint addresses must be. */
export const serviceFamily = (svc: Service): "IPv4" | "IPv6" => (svc.spec?.ipFamilies?.[0] === "IPv6" ? "IPv6" : "IPv4");

/** The pod's IP of the Service's family, if it has one. */
export function podAddress(pod: Pod, svc: Service): string | undefined {
  const v6 = serviceFamily(svc) === "IPv6";
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : [pod.status?.podIP ?? ""];
  return ips.find((ip) => ip && ip.includes(":") === v6);
}

/**
 * FindPort: a numeric targetPort as is; a named one looked up among the
 * pod's container ports of the same protocol. Undefined when it does not
 * resolve on this pod (the pod then serves no endpoint for that port).
 */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  const protocol = port.protocol ?? "TCP";
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
  }
  return undefined;
}

/** ShouldSetHostname: a pod names itself in DNS under the Service its subdomain names. */
export function podHostname(pod: Pod, svc: Service): string | undefined {
  const h = pod.spec?.hostname;
  return h && pod.spec?.subdomain === svc.metadata?.name && pod.metadata.namespace === svc.metadata?.namespace ? h : undefined;
}

export const podRef = (pod: Pod): ObjectReference => ({ kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid });

/** The object without its undefined members, as it reads back once stored as JSON. */
export const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The Service carries no cluster IP ("None" or unset): its endpoints are labelled headless. */
export const isHeadless = (svc: Service) => !svc.spec?.clusterIP || svc.spec.clusterIP === "None";
export const HEADLESS_LABEL = "service.kubernetes.io/headless";

/**
 * Map a pod change to the keys of the Services of its namespace whose
 * selector matches it (the runtime maps the pod's old state too, so a pod
 * relabelled out of a Service reaches it as well).
 */
export const podToServices: KeyMapper = (o, lister) => {
  const namespace = o.metadata.namespace ?? "";
  return lister
    .list("services", namespace)
    .filter((s) => serviceSelector(asService(s))?.(o.metadata.labels))
    .map((s) => ({ namespace, name: s.metadata.name ?? "" }));
};
