/**
 * The cluster's token signing key: an ES256 key pair generated once, on the
 * first token issued or checked, and kept in the cluster store as a Secret
 * in kube-system (so every isolate, and a redeployed Worker, signs and
 * verifies with the same key; Secrets are encrypted at rest by the store).
 * Loaded once per isolate. Rotating it means deleting the Secret and
 * letting isolates recycle; every issued token then stops working.
 *
 * Secret `kube-system/edgeplane-token-signing-key`, type
 * `edgeplane.dev/signing-key`, data `key.jwk`: the private JWK (JSON).
 */
import type { Env } from "../env.js";
import { createObject, getObject } from "./objects.js";
import { secretValue } from "./secret-data.js";
import { base64 } from "../registry/kinds/core/secret.js";
import { checkTimes, ES256, JwtError, jwkThumbprint, looksLikeJwt, signJwt, verifyJwt, type Claims } from "./jwt.js";

export const SIGNING_KEY_SECRET = "edgeplane-token-signing-key";
export const SIGNING_KEY_TYPE = "edgeplane.dev/signing-key";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as published at /openid/v1/jwks. */
  publicJwk: JsonWebKey & { kid: string; use: "sig"; alg: "ES256" };
}

let loaded: Promise<SigningKey> | undefined;

async function fromJwk(jwk: JsonWebKey): Promise<SigningKey> {
  const pub: JsonWebKey = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const kid = await jwkThumbprint(pub);
  return {
    kid,
    privateKey: await crypto.subtle.importKey("jwk", jwk, ES256, false, ["sign"]),
    publicKey: await crypto.subtle.importKey("jwk", pub, ES256, true, ["verify"]),
    publicJwk: { ...pub, kid, use: "sig", alg: "ES256" },
  };
}

async function loadOrCreate(env: Env): Promise<SigningKey> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const s = await getObject(env, "secrets", "kube-system", SIGNING_KEY_SECRET);
    const raw = s && secretValue(s, "key.jwk");
    if (raw) return fromJwk(JSON.parse(raw) as JsonWebKey);
    const pair = (await crypto.subtle.generateKey(ES256, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
    const made = await createObject(env, "secrets", "kube-system", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: SIGNING_KEY_SECRET, namespace: "kube-system" },
      type: SIGNING_KEY_TYPE,
      data: { "key.jwk": base64(JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d })) },
    });
    // Another isolate made one first: read theirs on the next turn.
    if (made) return fromJwk(jwk);
  }
  throw new Error("could not load or create the token signing key");
}

/** The signing key, loaded (or made) once per isolate. */
export function signingKey(env: Env): Promise<SigningKey> {
  loaded ??= loadOrCreate(env).catch((e) => {
    loaded = undefined;
    throw e;
  });
  return loaded;
}

/** Sign claims with the cluster key. */
export async function signClusterJwt(env: Env, claims: Claims): Promise<string> {
  const k = await signingKey(env);
  return signJwt(claims, k.privateKey, k.kid);
}

/** Verify a token signed with the cluster key and not expired; its claims, or null. */
export async function verifyClusterJwt(env: Env, token: string, nowSec = Math.floor(Date.now() / 1000)): Promise<Claims | null> {
  if (!looksLikeJwt(token)) return null;
  try {
    const k = await signingKey(env);
    const { claims } = await verifyJwt(token, async (kid) => (kid === k.kid ? k.publicKey : undefined));
    checkTimes(claims, nowSec);
    return claims;
  } catch (e) {
    if (e instanceof JwtError) return null;
    throw e;
  }
}
