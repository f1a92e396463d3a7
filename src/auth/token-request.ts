/**
 * The TokenRequest API (POST .../serviceaccounts/NAME/token): a fresh
 * ServiceAccount token for the audiences and lifetime asked, optionally
 * bound to a Pod of that ServiceAccount so it dies with the pod. The kubelet
 * asks for one per projected serviceAccountToken volume; `kubectl create
 * token` asks for one directly. Answered in the Worker: nothing is stored.
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import { ApiError, errors, fieldErrors, invalidError, type FieldError } from "../apimachinery/status.js";
import { decodeObject } from "../apimachinery/codec.js";
import { getObject } from "./objects.js";
import { issueServiceAccountToken } from "./serviceaccount-token.js";
import { API_AUDIENCES } from "./claims.js";

const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;
const DEFAULT_SECONDS = 3600;

type Spec = { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } };

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Validate and default the request's spec (pure). */
export function tokenRequestSpec(body: Record<string, unknown>, name: string): Required<Pick<Spec, "audiences" | "expirationSeconds">> & Spec {
  const spec = ((body.spec ?? {}) as Spec) || {};
  const errs: FieldError[] = [];
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : API_AUDIENCES;
  const seconds = spec.expirationSeconds ?? DEFAULT_SECONDS;
  if (!Number.isInteger(seconds)) errs.push(fieldErrors.invalid("spec.expirationSeconds", seconds, "must be an integer"));
  else if (seconds < MIN_SECONDS) errs.push(fieldErrors.invalid("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes"));
  else if (seconds > MAX_SECONDS) errs.push(fieldErrors.invalid("spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"));
  const ref = spec.boundObjectRef;
  if (ref && ref.kind !== "Pod") errs.push(fieldErrors.notSupported("spec.boundObjectRef.kind", ref.kind, ["Pod"]));
  if (ref && !ref.name) errs.push(fieldErrors.required("spec.boundObjectRef.name"));
  if (errs.length) throw invalidError("TokenRequest", "authentication.k8s.io", name, errs);
  return { ...spec, audiences, expirationSeconds: seconds };
}

export async function tokenRequest(env: Env, namespace: string, name: string, bodyText: string, contentType: string | undefined): Promise<Response> {
  const body = bodyText.trim() ? decodeObject(bodyText, contentType) : {};
  const spec = tokenRequestSpec(body, name);
  const sa = await getObject(env, "serviceaccounts", namespace, name);
  if (!sa) throw errors.notFound({ group: "", resource: "serviceaccounts" }, name);
  let pod: KObject | undefined;
  const ref = spec.boundObjectRef;
  if (ref) {
    pod = await getObject(env, "pods", namespace, ref.name ?? "");
    if (!pod) throw errors.notFound({ group: "", resource: "pods" }, ref.name ?? "");
    if (ref.uid && ref.uid !== pod.metadata.uid) {
      throw new ApiError(409, "Conflict", `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    const podSa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? "default";
    if (podSa !== name) throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
  }
  const now = Date.now();
  const { token, expiresAt } = await issueServiceAccountToken(env, sa, pod, spec.audiences, spec.expirationSeconds, now);
  const out = {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace, creationTimestamp: rfc3339(now) },
    spec: {
      audiences: spec.audiences,
      expirationSeconds: spec.expirationSeconds,
      boundObjectRef: pod ? { kind: "Pod", apiVersion: "v1", name: pod.metadata.name, uid: pod.metadata.uid } : null,
    },
    status: { token, expirationTimestamp: rfc3339(expiresAt) },
  };
  return new Response(JSON.stringify(out), { status: 201, headers: { "content-type": "application/json", "cache-control": "no-cache, private" } });
}
