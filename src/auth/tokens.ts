/**
 * One entry for every bearer token the cluster itself issues, told apart by
 * shape so each request costs at most one lookup: a JWT is a ServiceAccount
 * token or a node credential (by issuer), `<id>.<secret>` a bootstrap token,
 * anything else a user token. Used by authentication and by TokenReview
 * (which may ask about other audiences than the API's).
 */
import type { Env } from "../env.js";
import type { RequestUser } from "../store/protocol.js";
import { looksLikeJwt } from "./jwt.js";
import { verifyClusterJwt } from "./signing-key.js";
import { serviceAccountUser } from "./serviceaccount-token.js";
import { API_AUDIENCES, nodeOfClaims, nodeUser } from "./claims.js";
import { authenticateBootstrapToken, parseBootstrapToken } from "./bootstrap-token.js";
import { authenticateUserToken, USER_TOKEN_TTL_MS } from "./user-token.js";
import { cachedObject, getObject } from "./objects.js";
import { TtlCache } from "./ttl-cache.js";
import type { KObject } from "../registry/types.js";

const userTokenSecrets = new TtlCache<Promise<KObject | undefined>>(USER_TOKEN_TTL_MS);

/** kube-system Secrets by name, for user tokens: cached, misses too, for USER_TOKEN_TTL_MS. */
const userTokenSecret = (env: Env, name: string) => userTokenSecrets.getOrLoad(name, () => getObject(env, "secrets", "kube-system", name));

export interface TokenResult {
  user: RequestUser;
  /** The audiences (of those asked for) the token is valid for. */
  audiences: string[];
}

/** Who a cluster-issued token authenticates as for these audiences (default: the API's), or null. */
export async function authenticateClusterToken(token: string, env: Env, audiences: string[] = API_AUDIENCES): Promise<TokenResult | null> {
  if (looksLikeJwt(token)) {
    const claims = await verifyClusterJwt(env, token);
    if (!claims) return null;
    const node = nodeOfClaims(claims);
    if (node) return audiences.some((a) => API_AUDIENCES.includes(a)) ? { user: nodeUser(node), audiences: API_AUDIENCES } : null;
    return serviceAccountUser(env, claims, audiences);
  }
  // Tokens without an audience of their own are good for the API's audiences only.
  const forApi = audiences.filter((a) => API_AUDIENCES.includes(a));
  if (!forApi.length) return null;
  const user = parseBootstrapToken(token)
    ? await authenticateBootstrapToken(token, (name) => cachedObject(env, "secrets", "kube-system", name))
    : await authenticateUserToken(token, (name) => userTokenSecret(env, name));
  return user ? { user, audiences: forApi } : null;
}
