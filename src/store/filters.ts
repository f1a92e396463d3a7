/**
 * List/watch filters of one request: label selector and field selector,
 * compiled once against the kind's supported field paths.
 */
import { parseLabelSelector } from "../apimachinery/selectors/labels.js";
import { parseFieldSelector, checkFields } from "../apimachinery/selectors/fields.js";
import type { KindDef, KObject } from "../registry/types.js";
import type { Filter } from "./watch-hub.js";

export function fieldGetter(kind: KindDef, o: KObject): (path: string) => string | undefined {
  return (path) => {
    if (path === "metadata.name") return o.metadata.name;
    if (path === "metadata.namespace") return o.metadata.namespace ?? "";
    return kind.fieldSelectors?.[path]?.(o);
  };
}

export function compileFilter(kind: KindDef, labelSelector?: string, fieldSelector?: string): Filter | null {
  const parsed = labelSelector ? parseLabelSelector(labelSelector) : null;
  const labels = parsed && !parsed.empty ? parsed : null;
  let fields: ReturnType<typeof parseFieldSelector> | null = null;
  if (fieldSelector) {
    fields = parseFieldSelector(fieldSelector);
    checkFields(fields, new Set(["metadata.name", "metadata.namespace", ...Object.keys(kind.fieldSelectors ?? {})]));
  }
  if (fields?.empty) fields = null;
  if (!labels && !fields) return null;
  return (o) => (!labels || labels(o.metadata.labels)) && (!fields || fields.matches(fieldGetter(kind, o)));
}
