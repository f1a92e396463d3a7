/**
 * Server-side printing: turns objects into metav1.Table rows with the columns
 * the kind declares, as `kubectl get` asks for (Accept: ...;as=Table).
 */
import type { KindDef, KObject } from "./types.js";
import type { TableOptions } from "../store/protocol.js";

export function columnDefinitions(kind: KindDef) {
  return kind.columns.map((c) => ({ name: c.name, type: c.type === "date" ? "string" : c.type, format: c.format ?? "", description: c.description ?? "", priority: c.priority ?? 0 }));
}

function partialMetadata(o: KObject) {
  const { managedFields: _drop, ...metadata } = o.metadata;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata };
}

/** The row's object for includeObject=Metadata (the default), serialised. */
export function partialMetadataJson(o: KObject): string {
  return JSON.stringify(partialMetadata(o));
}

/**
 * One row, serialised. `data` is the stored JSON of o (reused for
 * includeObject=Object); `metaJson` is partialMetadataJson(o) when the caller
 * keeps it (the store caches it with the parsed object).
 */
export function tableRow(kind: KindDef, o: KObject, data: string, now: number, opts: TableOptions = {}, metaJson?: string): string {
  const cells = kind.columns.map((c) => c.cell(o, now));
  const include = opts.includeObject ?? "Metadata";
  const object = include === "None" ? "" : include === "Object" ? `,"object":${data}` : `,"object":${metaJson ?? partialMetadataJson(o)}`;
  return `{"cells":${JSON.stringify(cells)}${object}}`;
}

/** A Table document around rows already serialised. */
export function tableDocument(kind: KindDef, rows: string[], listMeta: Record<string, unknown>, opts: TableOptions = {}): string {
  const head = `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(listMeta)}`;
  const defs = opts.noHeaders ? "" : `,"columnDefinitions":${JSON.stringify(columnDefinitions(kind))}`;
  return `${head}${defs},"rows":[${rows.join(",")}]}`;
}
