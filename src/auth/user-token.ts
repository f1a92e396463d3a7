/**
 * User bearer tokens an admin hands out (`edgeplane token create --user NAME
 * --group G`): each is a Secret in kube-system that stores only a SHA-256 of
 * the token, so reading Secrets never reveals a usable credential. The
 * Secret is named after the hash, so a lookup is one get by name, and
 * results (misses too) are cached per isolate for USER_TOKEN_TTL_MS
 * (src/auth/tokens.ts): a deleted token stops working within that time.
 *
 * Secret `kube-system/user-token-<first 16 hex of sha256(token)>`, type
 * `edgeplane.dev/user-token`, data:
 *   token-sha256  hex SHA-256 of the whole token (required)
 *   username      the user name (required)
 *   groups        comma-separated groups (optional)
 *   uid           the user's uid (optional)
 *   expiration    RFC 3339 time after which the token is refused (optional)
 */
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import { sha256Hex, timingSafeEqual } from "./compare.js";
import { secretValue } from "./secret-data.js";
import { base64 } from "../registry/kinds/core/secret.js";

export const USER_TOKEN_TYPE = "edgeplane.dev/user-token";
export const USER_TOKEN_TTL_MS = 10_000;
export const userTokenSecretName = (hash: string) => `user-token-${hash.slice(0, 16)}`;

/** The user a user-token Secret grants for a token of this hash, or null (pure). */
export function userOfTokenSecret(s: KObject | undefined, hash: string, now: number): RequestUser | null {
  if (!s || s.type !== USER_TOKEN_TYPE || s.metadata.deletionTimestamp) return null;
  if (!timingSafeEqual(secretValue(s, "token-sha256") ?? "", hash)) return null;
  const username = secretValue(s, "username");
  if (!username) return null;
  const exp = secretValue(s, "expiration");
  if (exp !== undefined && !(Date.parse(exp) > now)) return null;
  const groups = (secretValue(s, "groups") ?? "").split(",").map((g) => g.trim()).filter(Boolean);
  if (!groups.includes("system:authenticated")) groups.push("system:authenticated");
  const uid = secretValue(s, "uid");
  return { username, groups, ...(uid ? { uid } : {}) };
}

/** Authenticate a user token, reading kube-system Secrets by name through `secret` (the caller caches). */
export async function authenticateUserToken(token: string, secret: (name: string) => Promise<KObject | undefined>, now = Date.now()): Promise<RequestUser | null> {
  if (token.length < 16 || token.length > 512) return null;
  const hash = await sha256Hex(token);
  return userOfTokenSecret(await secret(userTokenSecretName(hash)), hash, now);
}

/** A new random user token and its Secret (for the CLI helper). */
export async function newUserToken(opts: { username: string; groups?: string[]; uid?: string; ttlSeconds?: number; now?: number }): Promise<{ token: string; secret: KObject }> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = "ep-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  const hash = await sha256Hex(token);
  const data: Record<string, string> = { "token-sha256": hash, username: opts.username };
  if (opts.groups?.length) data.groups = opts.groups.join(",");
  if (opts.uid) data.uid = opts.uid;
  if (opts.ttlSeconds) data.expiration = new Date((opts.now ?? Date.now()) + opts.ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    token,
    secret: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: userTokenSecretName(hash), namespace: "kube-system", annotations: { "edgeplane.dev/username": opts.username } },
      type: USER_TOKEN_TYPE,
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64(v)])),
    },
  };
}
