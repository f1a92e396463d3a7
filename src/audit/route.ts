/**
 * GET /edgeplane/v1/audit?limit=100&user=admin&verb=create&namespace=default&resource=pods:
 * the newest audit entries, oldest first, as a small list document.
 * Authorization happens in the apiserver's chain like any non-resource path
 * (verb "get" on "/edgeplane/v1/audit"), so only admins read it under RBAC.
 */
import type { Env } from "../env.js";
import { errors } from "../apimachinery/status.js";
import { auditLog } from "./audit-log.js";

export async function auditRoute(env: Env, q: URLSearchParams): Promise<Response> {
  const raw = q.get("limit");
  const limit = raw === null ? 100 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw errors.badRequest(`invalid limit ${JSON.stringify(raw)}: must be an integer from 1 to 10000`);
  const pick = (k: string) => q.get(k) ?? undefined;
  const items = await auditLog(env).read({ limit, user: pick("user"), verb: pick("verb"), namespace: pick("namespace"), resource: pick("resource") });
  return new Response(JSON.stringify({ kind: "AuditEntryList", apiVersion: "edgeplane.dev/v1", items }), { headers: { "content-type": "application/json", "cache-control": "no-cache, private" } });
}
