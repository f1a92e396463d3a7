/**
 * apiequality.Semantic.DeepEqual for JSON objects: a field that is null,
 * an empty map or an empty list equals a missing one, and resource
 * quantities compare by value ("0.5" = "500m", 1 = "1"). Templates read back
 * from the apiserver or re-sent by clients (kubectl rollout undo posts a Go
 * struct's JSON: "creationTimestamp": null, empty maps dropped, quantities
 * canonical) compare equal to what was stored, so a controller finds the
 * object it made.
 */
import { deepEqual, isObject } from "../../apimachinery/objects.js";
import { tryParseQuantity } from "../../apimachinery/quantity.js";

/** Maps of resource.Quantity in pod templates and claim templates (resources.requests/limits, overhead). */
const QUANTITY_MAPS = new Set(["requests", "limits", "overhead"]);
/** Single resource.Quantity fields (emptyDir.sizeLimit). */
const QUANTITY_FIELDS = new Set(["sizeLimit"]);

const quantityValue = (v: unknown): unknown => {
  const q = typeof v === "string" || typeof v === "number" ? tryParseQuantity(v) : undefined;
  return q ? `${q.nano}n` : v;
};

/** The value with null, undefined, {} and [] members removed and quantities as their value in nano units, recursively. */
export function semanticNormal(v: unknown, key = ""): unknown {
  if (QUANTITY_FIELDS.has(key)) return quantityValue(v);
  if (Array.isArray(v)) return v.map((x) => semanticNormal(x));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = QUANTITY_MAPS.has(key) ? quantityValue(x) : semanticNormal(x, k);
    if (n === null || n === undefined || (Array.isArray(n) && n.length === 0) || (isObject(n) && Object.keys(n).length === 0)) continue;
    out[k] = n;
  }
  return out;
}

export const semanticEqual = (a: unknown, b: unknown): boolean => deepEqual(semanticNormal(a), semanticNormal(b));
