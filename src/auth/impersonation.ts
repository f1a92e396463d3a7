/**
 * User impersonation (kubectl --as/--as-group/--as-uid): the Impersonate-*
 * headers replace the authenticated user for the rest of the request, if
 * that user may `impersonate` each requested user (or serviceaccount),
 * group, uid and extra value — asked of the authorizer, as kube-apiserver's
 * WithImpersonation filter does, so RBAC decides who may act as whom.
 */
import { errors } from "../apimachinery/status.js";
import type { RequestUser } from "../store/protocol.js";
import type { ResourceRequest } from "../apiserver/request-info.js";

export interface ImpersonationRequest {
  username: string;
  groups: string[];
  uid?: string;
  extra: Record<string, string[]>;
}

const EXTRA_PREFIX = "impersonate-extra-";
const values = (raw: string | null) => (raw ?? "").split(",").map((v) => v.trim()).filter(Boolean);

/** The impersonation a request asks for, or null when it asks for none; 400 for groups/uid/extra without a user. */
export function parseImpersonation(headers: Headers): ImpersonationRequest | null {
  const username = headers.get("impersonate-user")?.trim() ?? "";
  const groups = values(headers.get("impersonate-group"));
  const uid = headers.get("impersonate-uid")?.trim() || undefined;
  const extra: Record<string, string[]> = {};
  headers.forEach((v, k) => {
    const name = k.toLowerCase();
    if (!name.startsWith(EXTRA_PREFIX)) return;
    let key = name.slice(EXTRA_PREFIX.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      /* keep the raw key */
    }
    (extra[key] ??= []).push(...values(v));
  });
  if (!username) {
    if (groups.length || uid || Object.keys(extra).length) throw errors.badRequest("requested impersonation of groups, uid or extra without impersonating a user (Impersonate-User)");
    return null;
  }
  return { username, groups, uid, extra };
}

const check = (resource: string, name: string, group = "", namespace = ""): ResourceRequest => ({
  isResourceRequest: true,
  verb: "impersonate",
  group,
  version: "v1",
  namespace,
  resource,
  name,
  subresource: "",
  allNamespaces: false,
});

const SA_PREFIX = "system:serviceaccount:";

/** The authorization checks an impersonation needs, one per requested attribute. */
export function impersonationChecks(r: ImpersonationRequest): ResourceRequest[] {
  const out: ResourceRequest[] = [];
  const sa = r.username.startsWith(SA_PREFIX) ? r.username.slice(SA_PREFIX.length).split(":") : undefined;
  if (sa?.length === 2) out.push(check("serviceaccounts", sa[1], "", sa[0]));
  else out.push(check("users", r.username));
  for (const g of r.groups) out.push(check("groups", g));
  if (r.uid) out.push(check("uids", r.uid, "authentication.k8s.io"));
  for (const [k, vs] of Object.entries(r.extra)) for (const v of vs) out.push({ ...check("userextras", v, "authentication.k8s.io"), subresource: k });
  return out;
}

/** The user the request continues as. */
export function impersonatedUser(r: ImpersonationRequest): RequestUser {
  const groups = [...r.groups];
  const sa = r.username.startsWith(SA_PREFIX) ? r.username.slice(SA_PREFIX.length).split(":") : undefined;
  if (sa?.length === 2 && !groups.length) groups.push("system:serviceaccounts", `system:serviceaccounts:${sa[0]}`);
  const implied = r.username === "system:anonymous" ? "system:unauthenticated" : "system:authenticated";
  if (!groups.includes(implied)) groups.push(implied);
  return { username: r.username, groups, ...(r.uid ? { uid: r.uid } : {}), ...(Object.keys(r.extra).length ? { extra: r.extra } : {}) };
}

/**
 * Apply the request's Impersonate-* headers: the user it continues as (the
 * real one when there are none). Throws 403 with Kubernetes' message for the
 * first attribute the real user may not impersonate.
 */
export async function impersonate(
  real: RequestUser,
  headers: Headers,
  authorize: (u: RequestUser, info: ResourceRequest) => Promise<{ allowed: boolean; reason?: string }>,
  message: (u: RequestUser, info: ResourceRequest) => string,
): Promise<RequestUser> {
  const r = parseImpersonation(headers);
  if (!r) return real;
  for (const info of impersonationChecks(r)) {
    const d = await authorize(real, info);
    if (!d.allowed) throw errors.forbidden(message(real, info) + (d.reason ? `: ${d.reason}` : ""));
  }
  return impersonatedUser(r);
}
