/**
 * Authorization, the second stage: may this user do this verb on this
 * resource? For now every authenticated user may do everything (the
 * AlwaysAllow mode); RBAC and the node authorizer replace `authorizers`.
 */
import type { RequestUser } from "../store/protocol.js";
import type { RequestInfo } from "./request-info.js";

export interface Decision {
  allowed: boolean;
  reason?: string;
}

export type Authorizer = (user: RequestUser, info: RequestInfo) => Promise<Decision | null> | Decision | null;

const alwaysAllow: Authorizer = () => ({ allowed: true });

export const authorizers: Authorizer[] = [alwaysAllow];

export async function authorize(user: RequestUser, info: RequestInfo): Promise<Decision> {
  for (const a of authorizers) {
    const d = await a(user, info);
    if (d) return d;
  }
  return { allowed: false, reason: "no authorizer allowed the request" };
}

/** Kubernetes' Forbidden message for a denied request. */
export function forbiddenMessage(user: RequestUser, info: RequestInfo): string {
  if (!info.isResourceRequest) return `forbidden: User "${user.username}" cannot ${info.verb} path "${info.path}"`;
  const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const r = `resource "${res}" in API group "${info.group}"`;
  const scope = info.namespace ? ` in the namespace "${info.namespace}"` : " at the cluster scope";
  const what = info.name ? `${info.resource}${info.group ? "." + info.group : ""} "${info.name}"` : `${info.resource}${info.group ? "." + info.group : ""}`;
  return `${what} is forbidden: User "${user.username}" cannot ${info.verb} ${r}${scope}`;
}
