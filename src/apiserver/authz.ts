/**
 * Authorization, the second stage: may this user do this verb on this
 * resource? The chain is Kubernetes' Node,RBAC: the node authorizer speaks
 * for kubelets about their own objects, RBAC (src/authz/) for everyone;
 * when neither allows, the request is denied.
 */
import type { Env } from "../env.js";
import type { RequestUser } from "../store/protocol.js";
import type { RequestInfo } from "./request-info.js";
import { nodeAuthorizer, rbacAuthorize } from "../authz/worker.js";
export { forbiddenMessage } from "./forbidden.js";

export interface Decision {
  allowed: boolean;
  reason?: string;
}

/** An allow, or null for no opinion (the next authorizer decides). */
export type Authorizer = (user: RequestUser, info: RequestInfo, env: Env) => Promise<true | null> | true | null;

// Wrapped, not referenced: this module sits in an import cycle (store ↔ controller manager) and must not read imports at load time.
export const authorizers: Authorizer[] = [(u, i, e) => nodeAuthorizer(u, i, e), (u, i, e) => rbacAuthorize(u, i, e)];

export async function authorize(user: RequestUser, info: RequestInfo, env: Env): Promise<Decision> {
  for (const a of authorizers) {
    if (await a(user, info, env)) return { allowed: true };
  }
  return { allowed: false };
}

