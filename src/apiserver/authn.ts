/**
 * Authentication, the first stage of every request: who is calling. Bearer
 * tokens only for now (the admin token from the ADMIN_TOKEN secret); later
 * authenticators (user tokens, ServiceAccount JWTs, node credentials) plug in
 * as more entries in `authenticators`.
 */
import type { Env } from "../env.js";
import type { RequestUser } from "../store/protocol.js";

export type Authenticator = (token: string, env: Env) => Promise<RequestUser | null> | RequestUser | null;

/** Compare without leaking the position of the first difference through timing. */
export function timingSafeEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}

const adminToken: Authenticator = (token, env) =>
  env.ADMIN_TOKEN && timingSafeEqual(token, env.ADMIN_TOKEN) ? { username: "admin", uid: "admin", groups: ["system:masters", "system:authenticated"] } : null;

/**
 * STATIC_TOKENS: "token,username,uid,group1|group2" lines, as kube-apiserver's
 * --token-auth-file; parsed once per distinct value. For tests and small setups.
 */
let staticParsed: { src: string; users: Map<string, RequestUser> } | undefined;
const staticTokens: Authenticator = (token, env) => {
  if (!env.STATIC_TOKENS) return null;
  if (staticParsed?.src !== env.STATIC_TOKENS) {
    const users = new Map<string, RequestUser>();
    for (const line of env.STATIC_TOKENS.split("\n")) {
      const [tok, username, uid, groups] = line.trim().split(",");
      if (tok && username) users.set(tok, { username, uid: uid || username, groups: [...(groups ? groups.split("|").filter(Boolean) : []), "system:authenticated"] });
    }
    staticParsed = { src: env.STATIC_TOKENS, users };
  }
  for (const [tok, user] of staticParsed.users) if (timingSafeEqual(token, tok)) return user;
  return null;
};

export const authenticators: Authenticator[] = [adminToken, staticTokens];

/** The user behind a request, or null (anonymous). */
export async function authenticate(req: Request, env: Env): Promise<RequestUser | null> {
  const header = req.headers.get("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return null;
  const token = m[1].trim();
  for (const a of authenticators) {
    const user = await a(token, env);
    if (user) return user;
  }
  return null;
}
