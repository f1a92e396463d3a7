/** The Worker's bindings (wrangler.toml) as one type. */
import type { ObjectStore } from "./store/object-store.js";

export interface Env {
  STORE: DurableObjectNamespace<ObjectStore>;
  /** The cluster admin's bearer token (a Worker secret in production). */
  ADMIN_TOKEN?: string;
  /** Where the API is reachable, for kubeconfigs and discovery (optional). */
  PUBLIC_URL?: string;
}
