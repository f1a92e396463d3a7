/** The Worker's bindings (wrangler.toml) as one type. */
import type { ObjectStore } from "./store/object-store.js";
import type { ControllerManager } from "./controllers/runtime/manager.js";
import type { NodeTunnel } from "./tunnel/node-tunnel.js";

export interface Env {
  STORE: DurableObjectNamespace<ObjectStore>;
  MANAGER: DurableObjectNamespace<ControllerManager>;
  /** One per node (idFromName(node)): the agent's outbound tunnel for logs/exec/attach. */
  TUNNEL: DurableObjectNamespace<NodeTunnel>;
  /** The cluster admin's bearer token (a Worker secret in production). */
  ADMIN_TOKEN?: string;
  /** Watch history kept per store, in seconds (default 900) and events (default 2000 at least). */
  EVENT_RETENTION_SECONDS?: string;
  EVENT_KEEP_MIN?: string;
  /** How long core/v1 Events live after their last update, in seconds (default 3600). */
  EVENT_TTL_SECONDS?: string;
  /** Node lifecycle: how long a node may miss heartbeats before NotReady (default 40), and the default eviction delay (default 300). */
  NODE_MONITOR_GRACE_SECONDS?: string;
  POD_EVICTION_SECONDS?: string;
  /** PEM of the CA that signed the API's serving certificate: published as ConfigMap kube-root-ca.crt in every namespace (optional). */
  CLUSTER_CA_PEM?: string;
  /** The API server's address for pods, "ip:port": the endpoint of Service default/kubernetes (optional). */
  API_ENDPOINT?: string;
  /** Where the API is reachable, for kubeconfigs and discovery (optional). */
  PUBLIC_URL?: string;
}
