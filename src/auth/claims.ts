/**
 * The claims of the tokens the cluster signs, and their structural checks
 * (pure; no store, no keys): ServiceAccount tokens as Kubernetes shapes
 * them, and node credentials with an issuer of their own so neither can
 * pass for the other.
 */
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import { intersectAudiences, type Claims } from "./jwt.js";

/** The issuer (iss) of ServiceAccount tokens, and the audience the API accepts by default. */
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";
export const API_AUDIENCES = [SERVICE_ACCOUNT_ISSUER];

export interface K8sClaim {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
}

export const serviceAccountUsername = (ns: string, name: string) => `system:serviceaccount:${ns}:${name}`;

export function serviceAccountGroups(ns: string): string[] {
  return ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"];
}

/** The user a ServiceAccount authenticates as (what CEL's authorizer.serviceAccount() checks for). */
export const serviceAccountUser = (sa: { namespace: string; name: string }): RequestUser => ({ username: serviceAccountUsername(sa.namespace, sa.name), groups: serviceAccountGroups(sa.namespace) });

/** The claims of a new token (pure: the caller signs). */
export function serviceAccountClaims(sa: KObject, pod: KObject | undefined, audiences: string[], expirationSeconds: number, nowSec: number, jti: string): Claims {
  const ns = sa.metadata.namespace ?? "";
  const k8s: K8sClaim = { namespace: ns, serviceaccount: { name: sa.metadata.name ?? "", uid: sa.metadata.uid ?? "" } };
  if (pod) k8s.pod = { name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "" };
  return {
    aud: audiences,
    exp: nowSec + expirationSeconds,
    iat: nowSec,
    iss: SERVICE_ACCOUNT_ISSUER,
    jti,
    "kubernetes.io": k8s,
    nbf: nowSec,
    sub: serviceAccountUsername(ns, sa.metadata.name ?? ""),
  };
}

/** The structural part of validation (pure): the claim's shape, issuer and audience. */
export function checkServiceAccountClaims(c: Claims, accepted: string[]): { k8s: K8sClaim; audiences: string[] } | null {
  if (c.iss !== SERVICE_ACCOUNT_ISSUER) return null;
  const k8s = c["kubernetes.io"] as K8sClaim | undefined;
  if (!k8s || typeof k8s.namespace !== "string" || typeof k8s.serviceaccount?.name !== "string" || typeof k8s.serviceaccount.uid !== "string") return null;
  if (c.sub !== serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name)) return null;
  const audiences = intersectAudiences(c, accepted);
  if (!audiences.length) return null;
  return { k8s, audiences };
}

export const NODE_ISSUER = "edgeplane.dev/node-credential";
export const NODE_CREDENTIAL_SECONDS = 365 * 24 * 3600;

export const nodeUser = (name: string): RequestUser => ({ username: `system:node:${name}`, groups: ["system:nodes", "system:authenticated"] });

export function nodeClaims(node: string, nowSec: number, seconds = NODE_CREDENTIAL_SECONDS): Claims {
  return { iss: NODE_ISSUER, sub: `system:node:${node}`, aud: [NODE_ISSUER], iat: nowSec, nbf: nowSec, exp: nowSec + seconds, "edgeplane.dev/node": { name: node } };
}

/** The node a verified credential's claims name, or null when they are not a node credential's. */
export function nodeOfClaims(c: Claims): string | null {
  const node = (c["edgeplane.dev/node"] as { name?: unknown } | undefined)?.name;
  if (c.iss !== NODE_ISSUER || typeof node !== "string" || c.sub !== `system:node:${node}`) return null;
  return node;
}
