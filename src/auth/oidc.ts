/**
 * ServiceAccount issuer discovery: the OIDC discovery document and the JWKS
 * with the cluster's public signing key, so other parties (a cloud's
 * workload identity, a service checking pod tokens) can verify
 * ServiceAccount tokens without calling TokenReview.
 */
import type { Env } from "../env.js";
import { signingKey } from "./signing-key.js";
import { SERVICE_ACCOUNT_ISSUER } from "./claims.js";

const headers = (type: string) => ({ "content-type": type, "cache-control": "public, max-age=3600" });

export function openidConfiguration(env: Env, requestUrl: string): Response {
  const base = (env.PUBLIC_URL ?? new URL(requestUrl).origin).replace(/\/$/, "");
  const doc = {
    issuer: SERVICE_ACCOUNT_ISSUER,
    jwks_uri: `${base}/openid/v1/jwks`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
  };
  return new Response(JSON.stringify(doc), { headers: headers("application/json") });
}

export async function jwks(env: Env): Promise<Response> {
  const k = await signingKey(env);
  return new Response(JSON.stringify({ keys: [k.publicJwk] }), { headers: headers("application/jwk-set+json") });
}
