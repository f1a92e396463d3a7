/**
 * The APIService objects kube-aggregator keeps, computed from what this
 * server serves: one per group version (`v1.apps`, `v1.` for the core
 * group), Local and Available, with Kubernetes' group and version
 * priorities; CustomResourceDefinition group versions as crd-autoregistration
 * makes them (priority 1000/100, automanaged "true"). Their age is the
 * cluster's (the kube-system namespace's creation).
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import { groupVersions } from "../registry/index.js";
import { clusterStore } from "../store/object-store.js";

/** kube-apiserver's apiVersionPriorities (group priority minimum, version priority). */
const PRIORITIES: Record<string, [number, number]> = {
  "v1.": [18000, 1],
  "v1.apps": [17800, 15],
  "v1.events.k8s.io": [17750, 15],
  "v1.authentication.k8s.io": [17700, 15],
  "v1.authorization.k8s.io": [17600, 15],
  "v1.autoscaling": [17500, 15],
  "v2.autoscaling": [17500, 30],
  "v1.batch": [17400, 15],
  "v1.certificates.k8s.io": [17300, 15],
  "v1.networking.k8s.io": [17200, 15],
  "v1.policy": [17100, 15],
  "v1.rbac.authorization.k8s.io": [17000, 15],
  "v1.storage.k8s.io": [16800, 15],
  "v1.apiextensions.k8s.io": [16700, 15],
  "v1.admissionregistration.k8s.io": [16700, 15],
  "v1.scheduling.k8s.io": [16600, 15],
  "v1.coordination.k8s.io": [16500, 15],
  "v1.node.k8s.io": [16300, 15],
  "v1.discovery.k8s.io": [16200, 15],
  "v1.flowcontrol.apiserver.k8s.io": [16100, 21],
  "v1.apiregistration.k8s.io": [18000, 15],
  "v1beta1.metrics.k8s.io": [100, 100],
};

export async function apiServices(env: Env): Promise<KObject[]> {
  const ns = await clusterStore(env).get("namespaces", "", "kube-system");
  const created = ns.code === 200 ? (JSON.parse(ns.body) as KObject).metadata.creationTimestamp : undefined;
  const seen = new Set<string>();
  const out: KObject[] = [];
  for (const gv of groupVersions()) {
    const name = `${gv.version}.${gv.group}`;
    if (seen.has(name)) continue;
    seen.add(name);
    const custom = gv.kinds.some((k) => k.custom);
    const [groupPriorityMinimum, versionPriority] = PRIORITIES[name] ?? (custom ? [1000, 100] : [1000, 15]);
    out.push({
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name, ...(created ? { creationTimestamp: created } : {}), labels: { "kube-aggregator.kubernetes.io/automanaged": custom ? "true" : "onstart" } },
      spec: { group: gv.group, version: gv.version, groupPriorityMinimum, versionPriority },
      status: { conditions: [{ type: "Available", status: "True", lastTransitionTime: created, reason: "Local", message: "Local APIServices are always available" }] },
    });
  }
  return out.sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
}
