/**
 * The Worker's side of auditing: a Hono middleware that records every
 * request once its response is known, and a per-isolate buffer sent to the
 * AuditLog Durable Object in batches (every 200 ms, or at 500 entries) through waitUntil, so a request never waits for its audit write.
 * An entry lost with an isolate is the price; Kubernetes' batching audit
 * backend makes the same trade.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env.js";
import { requestInfo, requestUri, type RequestInfo } from "../apiserver/request-info.js";
import type { RequestUser } from "../store/protocol.js";
import { auditLog } from "./audit-log.js";
import type { AuditEntry } from "./types.js";
import { sourceIpOf } from "./source-ip.js";

const FLUSH_MS = 200;
const FLUSH_AT = 500;

let buffer: AuditEntry[] = [];
let scheduled: Promise<void> | undefined;

async function flush(env: Env): Promise<void> {
  const batch = buffer;
  buffer = [];
  scheduled = undefined;
  if (!batch.length || !env.AUDIT) return;
  await auditLog(env)
    .append(batch)
    .catch((e) => console.error("audit log:", (e as Error).message));
}

function enqueue(env: Env, e: AuditEntry, waitUntil: (p: Promise<unknown>) => void): void {
  buffer.push(e);
  if (buffer.length >= FLUSH_AT) {
    waitUntil(flush(env));
    return;
  }
  if (!scheduled) {
    scheduled = new Promise<void>((r) => setTimeout(r, FLUSH_MS)).then(() => flush(env));
    waitUntil(scheduled);
  }
}

function requestInfoOf(req: Request): RequestInfo {
  const url = new URL(req.url);
  return requestInfo(req.method, url.pathname, url.searchParams);
}

/** The entry for one request. */
export function entryOf(req: Request, user: RequestUser | undefined, code: number, now = Date.now(), parsed?: RequestInfo): AuditEntry {
  const info = parsed ?? requestInfoOf(req);
  const base = {
    time: new Date(now).toISOString(),
    user: user?.username ?? "system:anonymous",
    groups: user?.groups ?? ["system:unauthenticated"],
    verb: info.verb,
    code,
    uri: requestUri(req.url),
    userAgent: req.headers.get("user-agent") ?? "",
    sourceIP: sourceIpOf(req),
  };
  if (!info.isResourceRequest) return { ...base, resource: "", namespace: "", name: "" };
  const resource = (info.group ? `${info.resource}.${info.group}` : info.resource) + (info.subresource ? `/${info.subresource}` : "");
  return { ...base, resource, namespace: info.namespace, name: info.name };
}

/** Records each request after it is answered (401s and 429s included). */
export function auditRequests<E extends { Bindings: Env; Variables: { user: RequestUser; info?: RequestInfo; created?: string; auditAnnotations?: Record<string, string> } }>(): MiddlewareHandler<E> {
  return async (c: Context<E>, next) => {
    await next();
    const waitUntil = (p: Promise<unknown>) => {
      try {
        c.executionCtx.waitUntil(p);
      } catch {
        /* no execution context (unit tests): the promise runs on its own */
      }
    };
    try {
      const entry = entryOf(c.req.raw, c.get("user") as RequestUser | undefined, c.res.status, Date.now(), c.get("info") as RequestInfo | undefined);
      const annotations = c.get("auditAnnotations") as Record<string, string> | undefined;
      if (annotations) entry.annotations = annotations;
      if (entry.verb === "create" && !entry.name && c.res.status === 201) {
        // A created object's name: from the store, else read off the response.
        const created = c.get("created") as string | undefined;
        if (created !== undefined) {
          entry.name = created;
          enqueue(c.env, entry, waitUntil);
          return;
        }
        const copy = c.res.clone();
        waitUntil(
          copy
            .json()
            .then((o) => void (entry.name = (o as { metadata?: { name?: string } }).metadata?.name ?? ""))
            .catch(() => {})
            .then(() => enqueue(c.env, entry, waitUntil)),
        );
      } else enqueue(c.env, entry, waitUntil);
    } catch (e) {
      console.error("audit entry:", (e as Error).message);
    }
  };
}
