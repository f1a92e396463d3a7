/**
 * The create-only review kinds of authentication.k8s.io/v1, answered in the
 * Worker: SelfSubjectReview tells callers who they are (`kubectl auth
 * whoami`, after impersonation), TokenReview tells a service whether a
 * bearer token is good and for whom (webhook token authentication).
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import { fieldErrors, invalidError } from "../apimachinery/status.js";
import { authenticateToken } from "../apiserver/authn.js";
import { looksLikeJwt } from "./jwt.js";
import { authenticateClusterToken } from "./tokens.js";
import { API_AUDIENCES } from "./claims.js";

const API_VERSION = "authentication.k8s.io/v1";

export function userInfo(u: RequestUser): Record<string, unknown> {
  return { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}) };
}

export function selfSubjectReview(user: RequestUser): KObject {
  return { kind: "SelfSubjectReview", apiVersion: API_VERSION, metadata: {}, status: { userInfo: userInfo(user) } };
}

export async function tokenReview(env: Env, body: Record<string, unknown>): Promise<KObject> {
  const spec = (body.spec ?? {}) as { token?: unknown; audiences?: unknown };
  if (typeof spec.token !== "string" || !spec.token) throw invalidError("TokenReview", "authentication.k8s.io", "", [fieldErrors.required("spec.token")]);
  const asked = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : undefined;
  let result: { user: RequestUser; audiences: string[] } | null = null;
  if (asked && looksLikeJwt(spec.token)) result = await authenticateClusterToken(spec.token, env, asked);
  else {
    const forApi = (asked ?? API_AUDIENCES).filter((a) => API_AUDIENCES.includes(a));
    const user = forApi.length ? await authenticateToken(spec.token, env) : null;
    result = user ? { user, audiences: forApi } : null;
  }
  const status = result ? { authenticated: true, user: userInfo(result.user), audiences: result.audiences } : { authenticated: false, user: {}, error: "invalid bearer token" };
  const metadata = { ...((body.metadata as object | undefined) ?? {}) };
  return { kind: "TokenReview", apiVersion: API_VERSION, metadata, spec: { token: spec.token, ...(asked ? { audiences: asked } : {}) }, status };
}

/** Create handlers of the authentication review kinds, by registry key. */
export const authenticationReviews: Record<string, (env: Env, user: RequestUser, body: Record<string, unknown>) => Promise<KObject>> = {
  "selfsubjectreviews.authentication.k8s.io": async (_env, user) => selfSubjectReview(user),
  "tokenreviews.authentication.k8s.io": (env, _user, body) => tokenReview(env, body),
};
