/**
 * Lists and watches across all namespaces, done by the Worker over the
 * per-namespace stores. Versions are hybrid-logical-clock values comparable
 * across stores, so:
 *  - a list's resourceVersion is the smallest version the visited stores
 *    vouched for; a watch from it misses nothing in any namespace;
 *  - a watch from R asks every namespace for its events after R, and opens
 *    a watch on each namespace created while it runs.
 * Pages visit a bounded number of namespaces, so a list of 10,000
 * namespaces never fans out to 10,000 calls in one request.
 */
import type { Env } from "../env.js";
import { forEachLine } from "../apimachinery/lines.js";
import { CoalescingStream } from "../apimachinery/coalescing-stream.js";
import type { KObject } from "../registry/types.js";
import { clusterStore, namespaceStore } from "./object-store.js";
import type { ListQuery, ListResult, Result, TableOptions } from "./protocol.js";
import { listItems } from "./rpc-lists.js";

/** At most this many namespace stores are asked in one request. */
export const MAX_NAMESPACES_PER_PAGE = 200;
/**
 * Namespaces asked at once. Each returns up to the page's remaining room, so a
 * wide batch computes rows a page then drops; four keeps that waste small.
 */
const PARALLEL = 4;

export interface AcrossPage {
  items: string[];
  rv: number;
  /** Where the next page starts, when there is one. */
  next?: { ns: string; after?: string };
  error?: Result;
}

export async function listAcross(env: Env, resource: string, q: ListQuery & { startNs?: string; table?: TableOptions; crdVersion?: string }): Promise<AcrossPage> {
  const { names, rv: clusterRv } = await clusterStore(env).namespaceNames();
  let start = 0;
  if (q.startNs !== undefined) {
    start = names.findIndex((n) => n >= q.startNs!);
    if (start < 0) return { items: [], rv: clusterRv };
  }
  const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
  const items: string[] = [];
  let rv = Infinity;
  let visited = 0;
  let i = start;
  while (i < names.length) {
    const batch = names.slice(i, i + Math.min(PARALLEL, MAX_NAMESPACES_PER_PAGE - visited));
    if (!batch.length) break;
    const results = await Promise.all(
      batch.map((ns, j) =>
        namespaceStore(env, ns).list({
          resource,
          namespace: ns,
          labelSelector: q.labelSelector,
          fieldSelector: q.fieldSelector,
          limit: limit === Infinity ? undefined : limit,
          after: i + j === start ? q.after : undefined,
          table: q.table,
          crdVersion: q.crdVersion,
        }),
      ),
    );
    for (let j = 0; j < batch.length; j++) {
      const r = results[j] as ListResult | Result;
      if ("code" in r) return { items: [], rv: 0, error: r };
      rv = Math.min(rv, r.rv);
      const room = limit - items.length;
      const got = await listItems(r);
      if (got.length > room || (r.last !== undefined && got.length >= room)) {
        // This namespace fills the page: stop inside it.
        const taken = got.slice(0, room);
        items.push(...taken);
        const lastName = lastNameOf(taken, q.table !== undefined);
        return { items, rv, next: { ns: batch[j], after: lastName } };
      }
      items.push(...got);
      if (items.length >= limit && i + j + 1 < names.length) return { items, rv, next: { ns: names[i + j + 1] } };
    }
    visited += batch.length;
    i += batch.length;
    if (visited >= MAX_NAMESPACES_PER_PAGE && i < names.length) return { items, rv, next: { ns: names[i] } };
  }
  return { items, rv: rv === Infinity ? clusterRv : rv };
}

function lastNameOf(items: string[], table: boolean): string | undefined {
  if (!items.length) return undefined;
  const o = JSON.parse(items[items.length - 1]) as { metadata?: { name?: string }; object?: { metadata?: { name?: string } }; cells?: unknown[] };
  if (table) return o.object?.metadata?.name ?? String(o.cells?.[0] ?? "");
  return o.metadata?.name;
}

/**
 * Merge the watch streams of every namespace (and of namespaces created
 * later) into one NDJSON stream. Lines from each store arrive whole and in
 * order; across namespaces order is by arrival. Lines that arrive in one
 * task leave together (CoalescingStream).
 */
export function watchAcross(
  env: Env,
  open: (ns: string, sinceRv: number | undefined) => Promise<ReadableStream<Uint8Array>>,
  sinceRv: number | undefined,
  transformFirst?: (line: string) => string,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const readers = new Set<ReadableStreamDefaultReader<Uint8Array>>();
  const watched = new Set<string>();
  let first = true;
  let nsReader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const out = new CoalescingStream(() => {
    for (const r of readers) void r.cancel().catch(() => {});
    void nsReader?.cancel().catch(() => {});
  });
  const emit = (line: string) => {
    if (first && transformFirst) line = transformFirst(line);
    first = false;
    out.push(enc.encode(line + "\n"));
  };
  const pump = async (ns: string, since: number | undefined) => {
    if (watched.has(ns) || out.closed) return;
    watched.add(ns);
    const reader = (await open(ns, since)).getReader();
    readers.add(reader);
    try {
      await forEachLine(reader, emit);
    } catch {
      /* a namespace stream ended (namespace deleted, or the client left) */
    } finally {
      readers.delete(reader);
    }
  };
  void (async () => {
    // Follow the namespaces themselves: new ones join the merged watch from the start of this watch.
    const { names, rv } = await clusterStore(env).namespaceNames();
    for (const ns of names) void pump(ns, sinceRv);
    nsReader = (await clusterStore(env).watch({ resource: "namespaces", namespace: "", sinceRv: rv })).getReader();
    await forEachLine(nsReader, (line) => {
      const ev = JSON.parse(line) as { type: string; object: KObject };
      // A namespace born after the watch began: everything in it is news (replay from the start of the watch).
      if (ev.type === "ADDED") void pump(ev.object.metadata.name ?? "", sinceRv ?? rv);
    });
  })().catch(() => {
    // The cluster store failed (or the client left): end the watch, the client watches again from its last version.
    out.close();
  });
  return out.readable;
}
