/**
 * admission.k8s.io/v1 AdmissionRequest from a write's attributes, as
 * kube-apiserver builds it (CreateAdmissionRequest): what an admission
 * webhook is sent and what CEL's `request` reads in policies and match
 * conditions. Empty fields are left out, as the JSON has them (omitempty).
 */
import type { Attributes } from "./types.js";
import type { RequestUser } from "../store/protocol.js";
import { celAuthorizer, type AuthzAnswer, type AuthzQuery } from "../apimachinery/cel.js";
import { serviceAccountUser } from "../auth/claims.js";

/**
 * CEL's `authorizer` for a request (policies and webhook matchConditions):
 * checks decided for the request's user, or for the ServiceAccount a check
 * names with serviceAccount(); requestResource is the request's own.
 */
export function requestAuthorizer(a: Attributes, decide: (user: RequestUser, q: AuthzQuery) => AuthzAnswer): unknown {
  return celAuthorizer((sa, q) => decide(sa ? serviceAccountUser(sa) : a.user, q), { group: a.kind.group, resource: a.kind.plural, subresource: a.subresource ?? "", namespace: a.namespace, name: a.name });
}

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind: { group: string; version: string; kind: string };
  requestResource: { group: string; version: string; resource: string };
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: string;
  userInfo: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  dryRun: boolean;
  options: Record<string, unknown> | null;
}

export function admissionRequest(a: Attributes, uid: string): AdmissionRequest {
  const { group, version, kind, plural } = a.kind;
  const optionsKind = a.operation === "CREATE" ? "CreateOptions" : a.operation === "UPDATE" ? "UpdateOptions" : "DeleteOptions";
  return {
    uid,
    kind: { group, version, kind },
    resource: { group, version, resource: plural },
    ...(a.subresource ? { subResource: a.subresource, requestSubResource: a.subresource } : {}),
    requestKind: { group, version, kind },
    requestResource: { group, version, resource: plural },
    ...(a.name ? { name: a.name } : {}),
    ...(a.kind.namespaced ? { namespace: a.namespace } : {}),
    operation: a.operation,
    userInfo: { username: a.user.username, ...(a.user.uid ? { uid: a.user.uid } : {}), groups: a.user.groups, ...(a.user.extra ? { extra: a.user.extra } : {}) },
    dryRun: a.dryRun,
    options: { kind: optionsKind, apiVersion: "meta.k8s.io/v1" },
  };
}
