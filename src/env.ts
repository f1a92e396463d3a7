/** The Worker's bindings (wrangler.toml) as one type. */
import type { ObjectStore } from "./store/object-store.js";
import type { ControllerManager } from "./controllers/runtime/manager.js";
import type { NodeTunnel } from "./tunnel/node-tunnel.js";
import type { AuditLog } from "./audit/audit-log.js";

export interface Env {
  STORE: DurableObjectNamespace<ObjectStore>;
  MANAGER: DurableObjectNamespace<ControllerManager>;
  /** One per node (idFromName(node)): the agent's outbound tunnel for logs/exec/attach. */
  TUNNEL: DurableObjectNamespace<NodeTunnel>;
  /** The audit log (one instance): who did what, bounded. */
  AUDIT: DurableObjectNamespace<AuditLog>;
  /** Audit entries kept: the newest this many (default 10000), none older than this many days (default 7). */
  AUDIT_MAX_ENTRIES?: string;
  AUDIT_MAX_DAYS?: string;
  /** Per-user token bucket (src/limits/): requests a second (default 100) and burst (default 2×qps). */
  RATE_LIMIT_QPS?: string;
  RATE_LIMIT_BURST?: string;
  /** Groups not rate limited, comma-separated (default "system:masters"; "" limits everyone). */
  RATE_LIMIT_EXEMPT_GROUPS?: string;
  /** Concurrent watches one (non-exempt) user may hold per isolate (default 200). */
  MAX_WATCHES_PER_USER?: string;
  /** The cluster admin's bearer token (a Worker secret in production). */
  ADMIN_TOKEN?: string;
  /** Static bearer tokens, "token,username,uid,group1|group2" per line (as --token-auth-file). */
  STATIC_TOKENS?: string;
  /** Watch history kept per store, in seconds (default 900) and events (default 2000 at least). */
  EVENT_RETENTION_SECONDS?: string;
  EVENT_KEEP_MIN?: string;
  /** How long core/v1 Events live after their last update, in seconds (default 3600). */
  EVENT_TTL_SECONDS?: string;
  /** Node lifecycle: how long a node may miss heartbeats before NotReady (default 40), and the default eviction delay (default 300). */
  NODE_MONITOR_GRACE_SECONDS?: string;
  POD_EVICTION_SECONDS?: string;
  /**
   * Encryption at rest: "k2:<base64 AES key>,k1:<base64 AES key>" (a Worker
   * secret); the first key encrypts, every key decrypts. Unset: stored as is.
   */
  ENCRYPTION_KEYS?: string;
  /** Registry resources encrypted at rest, comma-separated (default "secrets"). */
  ENCRYPTED_RESOURCES?: string;
  /** PEM of the CA that signed the API's serving certificate: published as ConfigMap kube-root-ca.crt in every namespace (optional). */
  CLUSTER_CA_PEM?: string;
  /** The API server's address for pods, "ip:port": the endpoint of Service default/kubernetes (optional). */
  API_ENDPOINT?: string;
  /** Where the API is reachable, for kubeconfigs and discovery (optional). */
  PUBLIC_URL?: string;
  /**
   * Local only (src/actors.ts, src/cli/local.ts): the other workerd process
   * of `npm start` — workerd's debug-port binding, that process's debug-port
   * address, and the Durable Object classes it hosts (comma-separated).
   */
  PEER?: unknown;
  PEER_ADDRESS?: string;
  PEER_CLASSES?: string;
}
