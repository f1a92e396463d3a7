/**
 * Authentication, the first stage of every request: who is calling. Bearer
 * tokens: the admin token (the ADMIN_TOKEN secret), then the tokens the
 * cluster issues (src/auth/tokens.ts: ServiceAccount JWTs, node credentials,
 * bootstrap tokens, user tokens). No token, or one nobody recognises, is
 * anonymous, which the app answers with 401.
 */
import type { Env } from "../env.js";
import type { RequestUser } from "../store/protocol.js";
import { timingSafeEqual } from "../auth/compare.js";
import { authenticateClusterToken } from "../auth/tokens.js";

export { timingSafeEqual };

export type Authenticator = (token: string, env: Env) => Promise<RequestUser | null> | RequestUser | null;

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

const clusterTokens: Authenticator = async (token, env) => (await authenticateClusterToken(token, env))?.user ?? null;

export const authenticators: Authenticator[] = [adminToken, staticTokens, clusterTokens];

/** The user behind a request, or null (anonymous). */
export async function authenticate(req: Request, env: Env): Promise<RequestUser | null> {
  const header = req.headers.get("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return null;
  return authenticateToken(m[1].trim(), env);
}

/** The user a bearer token stands for (every authenticator in turn), or null. */
export async function authenticateToken(token: string, env: Env): Promise<RequestUser | null> {
  for (const a of authenticators) {
    const user = await a(token, env);
    if (user) return user;
  }
  return null;
}
