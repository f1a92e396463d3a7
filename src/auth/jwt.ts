/**
 * Compact JWS (JWT) with ES256 over WebCrypto: the signed tokens the API
 * server issues (ServiceAccount tokens, node credentials) are plain JWTs so
 * any OIDC-aware party can check them against /openid/v1/jwks. Only what we
 * issue is accepted: alg ES256 and a known kid; nothing is trusted from the
 * header beyond picking the key.
 */
import { fromBase64, toBase64 } from "../apimachinery/bytes.js";

export interface JwtHeader {
  alg: "ES256";
  typ?: "JWT";
  kid: string;
}

export type Claims = Record<string, unknown> & {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  nbf?: number;
};

const enc = new TextEncoder();
const dec = new TextDecoder();

export function b64url(data: Uint8Array | ArrayBuffer | string): string {
  const bytes = typeof data === "string" ? enc.encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error("not base64url");
  return fromBase64(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
}

export const ES256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

/** The three-part shape of a compact JWS (cheap test before any crypto). */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

export async function signJwt(claims: Claims, key: CryptoKey, kid: string): Promise<string> {
  const header: JwtHeader = { alg: "ES256", typ: "JWT", kid };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  // WebCrypto's ECDSA signature is already r||s (IEEE P1363), the form JWS uses.
  const sig = await crypto.subtle.sign(SIGN, key, enc.encode(input));
  return `${input}.${b64url(sig)}`;
}

export class JwtError extends Error {}

/**
 * Verify the signature with the key the header's kid names and return the
 * claims; throws JwtError on anything malformed or a bad signature. Time
 * and audience checks are the caller's (checkTimes, checkAudience).
 */
export async function verifyJwt(token: string, keyFor: (kid: string) => Promise<CryptoKey | undefined>): Promise<{ header: JwtHeader; claims: Claims }> {
  if (!looksLikeJwt(token)) throw new JwtError("not a JWT");
  const [h, p, s] = token.split(".");
  let header: JwtHeader;
  let claims: Claims;
  try {
    header = JSON.parse(dec.decode(unb64url(h)));
    claims = JSON.parse(dec.decode(unb64url(p)));
  } catch {
    throw new JwtError("malformed JWT");
  }
  if (header?.alg !== "ES256" || typeof header.kid !== "string") throw new JwtError("unexpected JWT header");
  if (typeof claims !== "object" || claims === null) throw new JwtError("malformed claims");
  const key = await keyFor(header.kid);
  if (!key) throw new JwtError("unknown signing key");
  const ok = await crypto.subtle.verify(SIGN, key, unb64url(s), enc.encode(`${h}.${p}`));
  if (!ok) throw new JwtError("invalid signature");
  return { header, claims };
}

/** exp, nbf and iat against now (seconds), with a little leeway for clock skew. */
export function checkTimes(c: Claims, nowSec: number, leewaySec = 60): void {
  if (typeof c.exp !== "number") throw new JwtError("token has no expiry");
  if (nowSec > c.exp + leewaySec) throw new JwtError("token has expired");
  if (typeof c.nbf === "number" && nowSec + leewaySec < c.nbf) throw new JwtError("token is not valid yet");
  if (typeof c.iat === "number" && nowSec + leewaySec < c.iat) throw new JwtError("token was issued in the future");
}

/** The audiences of the token that are among the accepted ones ([] when none: reject). */
export function intersectAudiences(c: Claims, accepted: string[]): string[] {
  const aud = typeof c.aud === "string" ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter((a): a is string => typeof a === "string") : [];
  return accepted.filter((a) => aud.includes(a));
}

/** The JWK thumbprint (RFC 7638) of an EC public key: a stable key id. */
export async function jwkThumbprint(jwk: JsonWebKey): Promise<string> {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return b64url(await crypto.subtle.digest("SHA-256", enc.encode(canonical)));
}
