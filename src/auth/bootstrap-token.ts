/**
 * Bootstrap tokens in Kubernetes' format, for joining nodes: a token
 * `<id>.<secret>` (6 and 16 of [a-z0-9]) is backed by the Secret
 * `kube-system/bootstrap-token-<id>` of type bootstrap.kubernetes.io/token
 * with data token-id, token-secret, expiration (RFC 3339, optional),
 * usage-bootstrap-authentication ("true") and auth-extra-groups (comma
 * separated, each system:bootstrappers:*). It authenticates as
 * system:bootstrap:<id> in system:bootstrappers (+ the extra groups) until
 * it expires or the Secret is deleted.
 */
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import { timingSafeEqual } from "./compare.js";
import { secretValue } from "./secret-data.js";
import { base64 } from "../registry/kinds/core/secret.js";

export const BOOTSTRAP_TOKEN_TYPE = "bootstrap.kubernetes.io/token";
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export function parseBootstrapToken(token: string): { id: string; secret: string } | null {
  const m = BOOTSTRAP_TOKEN_PATTERN.exec(token);
  return m ? { id: m[1], secret: m[2] } : null;
}

export const bootstrapSecretName = (id: string) => `bootstrap-token-${id}`;

/** The user a bootstrap token's Secret grants, or null when it does not (pure). */
export function bootstrapUser(s: KObject | undefined, id: string, secret: string, now: number): RequestUser | null {
  if (!s || s.type !== BOOTSTRAP_TOKEN_TYPE || s.metadata.deletionTimestamp) return null;
  if (s.metadata.name !== bootstrapSecretName(id) || secretValue(s, "token-id") !== id) return null;
  if (!timingSafeEqual(secretValue(s, "token-secret") ?? "", secret)) return null;
  if (secretValue(s, "usage-bootstrap-authentication") !== "true") return null;
  const exp = secretValue(s, "expiration");
  if (exp !== undefined) {
    const t = Date.parse(exp);
    if (Number.isNaN(t) || t <= now) return null;
  }
  const extra = (secretValue(s, "auth-extra-groups") ?? "").split(",").map((g) => g.trim()).filter(Boolean);
  if (extra.some((g) => !EXTRA_GROUP.test(g))) return null;
  return { username: `system:bootstrap:${id}`, groups: ["system:bootstrappers", ...extra, "system:authenticated"] };
}

/** Authenticate a bootstrap token, reading kube-system Secrets by name through `secret`. */
export async function authenticateBootstrapToken(token: string, secret: (name: string) => Promise<KObject | undefined>, now = Date.now()): Promise<RequestUser | null> {
  const t = parseBootstrapToken(token);
  if (!t) return null;
  return bootstrapUser(await secret(bootstrapSecretName(t.id)), t.id, t.secret, now);
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
function randomString(n: number): string {
  // 252 is the largest multiple of 36 below 256: no modulo bias.
  let out = "";
  while (out.length < n) for (const b of crypto.getRandomValues(new Uint8Array(n * 2))) if (b < 252 && out.length < n) out += ALPHABET[b % 36];
  return out;
}

/** A new bootstrap token and the Secret that backs it. */
export function newBootstrapToken(opts: { ttlSeconds?: number; extraGroups?: string[]; description?: string; now?: number } = {}): { token: string; secret: KObject } {
  const id = randomString(6);
  const secret = randomString(16);
  const data: Record<string, string> = { "token-id": id, "token-secret": secret, "usage-bootstrap-authentication": "true" };
  if (opts.ttlSeconds) data.expiration = new Date((opts.now ?? Date.now()) + opts.ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  if (opts.extraGroups?.length) data["auth-extra-groups"] = opts.extraGroups.join(",");
  if (opts.description) data.description = opts.description;
  return {
    token: `${id}.${secret}`,
    secret: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: bootstrapSecretName(id), namespace: "kube-system" },
      type: BOOTSTRAP_TOKEN_TYPE,
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64(v)])),
    },
  };
}
