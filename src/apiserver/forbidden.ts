/**
 * Kubernetes' Forbidden message for a denied request, on its own so code that
 * only words denials (impersonation, tests) need not load the authorizers.
 */
import type { RequestUser } from "../store/protocol.js";
import type { RequestInfo } from "./request-info.js";

/** Kubernetes' Forbidden message for a denied request. */
export function forbiddenMessage(user: RequestUser, info: RequestInfo): string {
  if (!info.isResourceRequest) return `forbidden: User "${user.username}" cannot ${info.verb} path "${info.path}"`;
  const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const r = `resource "${res}" in API group "${info.group}"`;
  const scope = info.namespace ? ` in the namespace "${info.namespace}"` : " at the cluster scope";
  const what = info.name ? `${info.resource}${info.group ? "." + info.group : ""} "${info.name}"` : `${info.resource}${info.group ? "." + info.group : ""}`;
  return `${what} is forbidden: User "${user.username}" cannot ${info.verb} ${r}${scope}`;
}
