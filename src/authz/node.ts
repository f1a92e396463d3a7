/**
 * The node authorizer, first in the chain: a kubelet ("system:node:<name>"
 * in group "system:nodes") may touch its own Node, Lease and metrics, the
 * pods bound to it, and only the Secrets, ConfigMaps, PVCs, PVs and
 * ServiceAccount tokens those pods use — so one compromised node cannot read
 * another's secrets — plus what its ingress controller role needs: Ingresses,
 * IngressClasses, and the TLS Secrets Ingresses name. Anything else gets no opinion and falls through to RBAC
 * (the system:node ClusterRole). The "which pods are bound here" graph comes
 * through NodeLookups (cached by the caller); a denial is re-checked against
 * fresh lookups so a just-bound pod's secret is readable at once.
 */
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import type { RequestInfo, ResourceRequest } from "../apiserver/request-info.js";

const NODE_PREFIX = "system:node:";
const NODES_GROUP = "system:nodes";

export interface NodeLookups {
  /** Pods bound to the node in one namespace (or every namespace when ns is undefined). */
  pods(node: string, ns: string | undefined, fresh: boolean): Promise<KObject[]>;
  /** The PV a claim is bound to. */
  claimVolume(ns: string, claim: string): Promise<string | undefined>;
  /** The Ingresses of a namespace (the TLS Secrets they name are the ingress controller's to read). */
  ingresses(ns: string): Promise<KObject[]>;
}

/** The node a user acts as, if it is a node identity. */
export function nodeName(user: RequestUser): string | undefined {
  return user.username.startsWith(NODE_PREFIX) && user.groups.includes(NODES_GROUP) ? user.username.slice(NODE_PREFIX.length) : undefined;
}

type PodSpec = {
  nodeName?: string;
  serviceAccountName?: string;
  volumes?: { secret?: { secretName?: string }; configMap?: { name?: string }; persistentVolumeClaim?: { claimName?: string }; projected?: { sources?: { secret?: { name?: string }; configMap?: { name?: string } }[] } }[];
  imagePullSecrets?: { name?: string }[];
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
};
type Container = {
  env?: { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
};

/** The objects of each kind a pod references by name. */
export function podReferences(pod: KObject): { secrets: Set<string>; configmaps: Set<string>; claims: Set<string>; serviceAccount: string } {
  const s = (pod.spec ?? {}) as PodSpec;
  const secrets = new Set<string>();
  const configmaps = new Set<string>();
  const claims = new Set<string>();
  const add = (set: Set<string>, n?: string) => n && set.add(n);
  for (const v of s.volumes ?? []) {
    add(secrets, v.secret?.secretName);
    add(configmaps, v.configMap?.name);
    add(claims, v.persistentVolumeClaim?.claimName);
    for (const src of v.projected?.sources ?? []) {
      add(secrets, src.secret?.name);
      add(configmaps, src.configMap?.name);
    }
  }
  for (const p of s.imagePullSecrets ?? []) add(secrets, p.name);
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? []), ...(s.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      add(secrets, e.valueFrom?.secretKeyRef?.name);
      add(configmaps, e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add(secrets, e.secretRef?.name);
      add(configmaps, e.configMapRef?.name);
    }
  }
  return { secrets, configmaps, claims, serviceAccount: s.serviceAccountName || "default" };
}

/** Does a list/watch's field selector pin spec.nodeName to this node? */
export function selectsNode(fieldSelector: string | undefined, node: string): boolean {
  if (!fieldSelector) return false;
  return fieldSelector.split(",").some((term) => {
    const m = /^\s*spec\.nodeName\s*==?\s*(.*?)\s*$/.exec(term);
    return !!m && m[1] === node;
  });
}

const is = (a: ResourceRequest, group: string, resource: string, sub = "") => a.group === group && a.resource === resource && a.subresource === sub;
const verbIn = (a: ResourceRequest, ...verbs: string[]) => verbs.includes(a.verb);

/** Decided without any lookup: true allow, false not this authorizer's to allow, "pods" needs the node's pods. */
function staticDecision(node: string, a: RequestInfo): boolean | "pods" | "volume" {
  if (!a.isResourceRequest) return a.verb === "get" && a.path === `/edgeplane/v1/nodes/${node}/tunnel`;
  if (is(a, "", "nodes") || is(a, "", "nodes", "status")) return a.name ? a.name === node && verbIn(a, "get", "update", "patch") : a.verb === "create" && !a.subresource;
  if (is(a, "coordination.k8s.io", "leases")) return a.namespace === "kube-node-lease" && (a.name ? a.name === node && verbIn(a, "get", "update", "patch") : a.verb === "create");
  if (is(a, "metrics.k8s.io", "nodes")) return a.name ? a.name === node && verbIn(a, "get", "update", "patch") : a.verb === "create";
  if (is(a, "metrics.k8s.io", "pods")) return a.name ? verbIn(a, "get", "update", "patch") && "pods" : a.verb === "create" && !!a.namespace;
  if ((is(a, "", "events") || is(a, "events.k8s.io", "events")) && verbIn(a, "create", "patch", "update")) return true;
  if ((is(a, "", "services") || is(a, "discovery.k8s.io", "endpointslices")) && verbIn(a, "get", "list", "watch")) return true;
  // Service traffic to a pod on another node is relayed through pods/portforward (the hosts share no pod network).
  if (is(a, "", "pods", "portforward") && verbIn(a, "get", "create")) return true;
  // The agent's ingress controller role (agent/src/ingress/) reads what it routes.
  if ((is(a, "networking.k8s.io", "ingresses") || is(a, "networking.k8s.io", "ingressclasses")) && verbIn(a, "get", "list", "watch")) return true;
  if (is(a, "", "pods")) {
    if (verbIn(a, "list", "watch")) return selectsNode(a.fieldSelector, node);
    return !!a.name && verbIn(a, "get", "delete") && "pods";
  }
  if (is(a, "", "pods", "status")) return !!a.name && verbIn(a, "get", "update", "patch") && "pods";
  if (is(a, "", "serviceaccounts", "token")) return !!a.name && a.verb === "create" && "pods";
  if (a.verb !== "get" || !a.name || a.subresource) return false;
  if (is(a, "", "secrets") || is(a, "", "configmaps") || is(a, "", "persistentvolumeclaims")) return "pods";
  if (is(a, "", "persistentvolumes")) return "volume";
  return false;
}

function podsAllow(a: ResourceRequest, pods: KObject[]): boolean {
  switch (a.resource) {
    case "pods":
      return pods.some((p) => p.metadata.name === a.name);
    case "secrets":
      return pods.some((p) => podReferences(p).secrets.has(a.name));
    case "configmaps":
      return pods.some((p) => podReferences(p).configmaps.has(a.name));
    case "persistentvolumeclaims":
      return pods.some((p) => podReferences(p).claims.has(a.name));
    case "serviceaccounts":
      return pods.some((p) => podReferences(p).serviceAccount === a.name);
  }
  return false;
}

async function volumeAllowed(node: string, pv: string, look: NodeLookups, fresh: boolean): Promise<boolean> {
  for (const p of await look.pods(node, undefined, fresh)) {
    for (const claim of podReferences(p).claims) if ((await look.claimVolume(p.metadata.namespace ?? "", claim)) === pv) return true;
  }
  return false;
}

/** true: allowed; null: no opinion (the chain goes on to RBAC). */
export async function nodeAuthorize(user: RequestUser, a: RequestInfo, look: NodeLookups): Promise<true | null> {
  const node = nodeName(user);
  if (!node) return null;
  const d = staticDecision(node, a);
  if (d === true) return true;
  if (d === false || !a.isResourceRequest) return null;
  for (const fresh of [false, true]) {
    const ok = d === "volume" ? await volumeAllowed(node, a.name, look, fresh) : podsAllow(a, await look.pods(node, a.namespace, fresh));
    if (ok) return true;
  }
  if (a.resource === "secrets" && (await look.ingresses(a.namespace)).some((i) => ingressTlsSecrets(i).includes(a.name))) return true;
  return null;
}

const ingressTlsSecrets = (ing: KObject) => ((ing.spec as { tls?: { secretName?: string }[] } | undefined)?.tls ?? []).flatMap((t) => (t.secretName ? [t.secretName] : []));
