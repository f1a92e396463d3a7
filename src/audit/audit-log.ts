/**
 * The audit log's store: one Durable Object holding the latest entries in a
 * small SQLite table, bounded by count (AUDIT_MAX_ENTRIES, default 10,000)
 * and age (AUDIT_MAX_DAYS, default 7). Workers send entries in batches, so
 * a busy cluster costs this object one call per batch, not per request. The
 * table is one append-only log with no history to migrate, so it is created
 * with plain SQL instead of a drizzle migration.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.js";
import type { AuditEntry } from "./types.js";
import { actorStub, assertHostedHere } from "../actors.js";

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_DAYS = 7;
/** Pruning runs after this many appended entries. */
const PRUNE_EVERY = 500;

export interface AuditQuery {
  limit?: number;
  user?: string;
  verb?: string;
  namespace?: string;
  resource?: string;
}

export class AuditLog extends DurableObject<Env> {
  private sinceprune = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    assertHostedHere(env, "AuditLog");
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, entry TEXT NOT NULL,
        user TEXT NOT NULL, verb TEXT NOT NULL, namespace TEXT NOT NULL, resource TEXT NOT NULL)`,
    );
  }

  async append(entries: AuditEntry[]): Promise<void> {
    // One statement per batch: the entries travel as one JSON array and SQLite unpacks them.
    this.ctx.storage.sql.exec(
      `INSERT INTO audit (ts, entry, user, verb, namespace, resource)
       SELECT json_extract(value, '$.ts'), json_extract(value, '$.entry'), json_extract(value, '$.user'), json_extract(value, '$.verb'), json_extract(value, '$.namespace'), json_extract(value, '$.resource')
       FROM json_each(?)`,
      JSON.stringify(entries.map((e) => ({ ts: Date.parse(e.time) || Date.now(), entry: JSON.stringify(e), user: e.user, verb: e.verb, namespace: e.namespace, resource: e.resource }))),
    );
    this.sinceprune += entries.length;
    if (this.sinceprune >= PRUNE_EVERY) this.prune();
  }

  /** Keep the newest N entries, none older than D days. */
  prune(): void {
    this.sinceprune = 0;
    const max = Number(this.env.AUDIT_MAX_ENTRIES ?? DEFAULT_MAX_ENTRIES);
    const days = Number(this.env.AUDIT_MAX_DAYS ?? DEFAULT_MAX_DAYS);
    this.ctx.storage.sql.exec("DELETE FROM audit WHERE id <= (SELECT max(id) FROM audit) - ?", max);
    this.ctx.storage.sql.exec("DELETE FROM audit WHERE ts < ?", Date.now() - days * 86_400_000);
  }

  /** The newest entries matching, oldest first. */
  async read(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    for (const k of ["user", "verb", "namespace", "resource"] as const) {
      if (q[k] !== undefined) {
        where.push(`${k} = ?`);
        args.push(q[k]!);
      }
    }
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    const sqlText = `SELECT entry FROM audit ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id DESC LIMIT ?`;
    const rows = this.ctx.storage.sql.exec<{ entry: string }>(sqlText, ...args, limit).toArray();
    return rows.reverse().map((r) => JSON.parse(r.entry) as AuditEntry);
  }
}

export const auditLog = (env: Env) => actorStub(env, env.AUDIT, "AuditLog", "audit");
