/**
 * Where each kind the dashboard shows lives in the API, and how an object's
 * own URL is built from its collection's: views and actions address objects
 * by path, never by a hard-coded URL per page.
 */
export interface KindRef {
  prefix: string;
  plural: string;
  namespaced: boolean;
}

export const K = {
  nodes: { prefix: "/api/v1", plural: "nodes", namespaced: false },
  namespaces: { prefix: "/api/v1", plural: "namespaces", namespaced: false },
  pods: { prefix: "/api/v1", plural: "pods", namespaced: true },
  services: { prefix: "/api/v1", plural: "services", namespaced: true },
  endpoints: { prefix: "/api/v1", plural: "endpoints", namespaced: true },
  configmaps: { prefix: "/api/v1", plural: "configmaps", namespaced: true },
  events: { prefix: "/api/v1", plural: "events", namespaced: true },
  deployments: { prefix: "/apis/apps/v1", plural: "deployments", namespaced: true },
  statefulsets: { prefix: "/apis/apps/v1", plural: "statefulsets", namespaced: true },
  daemonsets: { prefix: "/apis/apps/v1", plural: "daemonsets", namespaced: true },
  jobs: { prefix: "/apis/batch/v1", plural: "jobs", namespaced: true },
  nodemetrics: { prefix: "/apis/metrics.k8s.io/v1beta1", plural: "nodes", namespaced: false },
  podmetrics: { prefix: "/apis/metrics.k8s.io/v1beta1", plural: "pods", namespaced: true },
} satisfies Record<string, KindRef>;

/** The collection across all namespaces (what the informers watch). */
export const collection = (k: KindRef) => `${k.prefix}/${k.plural}`;

export function objectPath(k: KindRef, name: string, namespace?: string): string {
  const ns = k.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${k.prefix}${ns}/${k.plural}/${encodeURIComponent(name)}`;
}
