/**
 * Node credentials: what a node gets in exchange for a bootstrap token at
 * the join endpoint (POST /edgeplane/v1/join {nodeName}) — a long-lived JWT
 * signed with the cluster key, with an issuer of its own so it can never
 * pass for a ServiceAccount token (nor the reverse), authenticating as
 * system:node:<name> in system:nodes. It plays the part of the kubelet's
 * client certificate from TLS bootstrapping.
 */
import type { Env } from "../env.js";
import type { RequestUser } from "../store/protocol.js";
import { errors } from "../apimachinery/status.js";
import { isDNS1123Subdomain } from "../apimachinery/validation.js";
import { signClusterJwt } from "./signing-key.js";
import { NODE_CREDENTIAL_SECONDS, nodeClaims } from "./claims.js";


/** The join endpoint: a bootstrapper asks for its node's credential. */
export async function join(env: Env, user: RequestUser, body: unknown, now = Date.now()): Promise<Record<string, unknown>> {
  if (!user.groups.includes("system:bootstrappers") && !user.groups.includes("system:masters")) {
    throw errors.forbidden(`User "${user.username}" cannot join a node: only bootstrap tokens (group system:bootstrappers) may`);
  }
  const nodeName = (body as { nodeName?: unknown } | null)?.nodeName;
  if (typeof nodeName !== "string" || isDNS1123Subdomain(nodeName).length) {
    throw errors.badRequest("nodeName must be a lowercase RFC 1123 subdomain (the node's name)");
  }
  const nowSec = Math.floor(now / 1000);
  const token = await signClusterJwt(env, nodeClaims(nodeName, nowSec));
  return {
    apiVersion: "edgeplane.dev/v1",
    kind: "NodeCredential",
    nodeName,
    username: `system:node:${nodeName}`,
    token,
    expirationTimestamp: new Date((nowSec + NODE_CREDENTIAL_SECONDS) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}
