/**
 * ServiceAccount tokens as Kubernetes issues them through the TokenRequest
 * API: JWTs signed with the cluster key, naming the namespace and the
 * ServiceAccount (and, when bound, the Pod) by name and uid. A token is
 * accepted only while those objects still exist with the same uid, so a
 * pod's token dies with the pod — the property that makes short-lived
 * projected tokens safe to hand to containers.
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import { cachedObject } from "./objects.js";
import { signClusterJwt } from "./signing-key.js";
import type { Claims } from "./jwt.js";
import { API_AUDIENCES, checkServiceAccountClaims, serviceAccountClaims, serviceAccountGroups, serviceAccountUsername } from "./claims.js";

/** A deleted pod's tokens stay valid this long after its deletionTimestamp (as kube-apiserver). */
const DELETED_POD_GRACE_SECONDS = 60;

export async function issueServiceAccountToken(env: Env, sa: KObject, pod: KObject | undefined, audiences: string[], expirationSeconds: number, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const nowSec = Math.floor(now / 1000);
  const claims = serviceAccountClaims(sa, pod, audiences, expirationSeconds, nowSec, crypto.randomUUID());
  return { token: await signClusterJwt(env, claims), expiresAt: (nowSec + expirationSeconds) * 1000 };
}

/**
 * The user verified ServiceAccount token claims stand for, or null: issuer,
 * audience, and that its ServiceAccount (and bound Pod) still exist with the
 * uid the token names. (The signature and expiry are checked by the caller,
 * verifyClusterJwt.)
 */
export async function serviceAccountUser(env: Env, claims: Claims, accepted: string[] = API_AUDIENCES): Promise<{ user: RequestUser; audiences: string[] } | null> {
  const checked = checkServiceAccountClaims(claims, accepted);
  if (!checked) return null;
  const { k8s } = checked;
  const sa = await cachedObject(env, "serviceaccounts", k8s.namespace, k8s.serviceaccount.name);
  if (!sa || sa.metadata.uid !== k8s.serviceaccount.uid || sa.metadata.deletionTimestamp) return null;
  const extra: Record<string, string[]> = {};
  if (k8s.pod) {
    const pod = await cachedObject(env, "pods", k8s.namespace, k8s.pod.name);
    if (!pod || pod.metadata.uid !== k8s.pod.uid) return null;
    const deleted = pod.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : undefined;
    if (deleted !== undefined && Date.now() - deleted > DELETED_POD_GRACE_SECONDS * 1000) return null;
    extra["authentication.kubernetes.io/pod-name"] = [k8s.pod.name];
    extra["authentication.kubernetes.io/pod-uid"] = [k8s.pod.uid];
  }
  if (typeof claims.jti === "string") extra["authentication.kubernetes.io/credential-id"] = [`JTI=${claims.jti}`];
  return {
    user: { username: serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name), uid: k8s.serviceaccount.uid, groups: serviceAccountGroups(k8s.namespace), extra },
    audiences: checked.audiences,
  };
}
