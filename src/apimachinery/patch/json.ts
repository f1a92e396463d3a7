/**
 * Plain-JSON helpers shared by the patch and apply code: type tests, deep
 * equality and copy, and the Go-flavoured renderings (type names, fmt "%v")
 * that Kubernetes' error messages contain, so ours read the same.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

export const hasOwn = (o: JsonObject, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export { clone } from "../objects.js";

/** The JSON kind of a value, as used to decide whether two values can merge. */
function kindOf(v: unknown): "object" | "array" | "string" | "number" | "boolean" | "null" {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v as "object" | "string" | "number" | "boolean";
}

/** How Go's encoding/json names the JSON kind it failed to decode ("cannot unmarshal X into ..."). */
export function goJsonKind(v: unknown): string {
  const k = kindOf(v);
  return k === "boolean" ? "bool" : k;
}

/** reflect.TypeOf(v) of a value decoded by Kubernetes' JSON decoder, for ErrBadArgType messages. */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case "null":
      return "<nil>";
    case "array":
      return "[]interface {}";
    case "object":
      return "map[string]interface {}";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int64" : "float64";
    default:
      return "string";
  }
}

/** fmt.Sprintf("%v", v) for decoded JSON: map[k:v ...] with sorted keys, [a b] for slices. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(" ")}]`;
  }
  return String(v);
}

/**
 * JSON as Go's encoding/json writes it: HTML-sensitive characters escaped,
 * and (for maps) keys sorted. Used where Kubernetes stores JSON text that
 * clients compare byte for byte (FieldsV1 keys, last-applied annotation).
 */
export function goJson(v: unknown, sortKeys: boolean): string {
  return goEscape(JSON.stringify(sortKeys ? sortedKeys(v) : v));
}

/** JSON text with the characters Go escapes (HTML-sensitive ones, line and paragraph separators) escaped. */
export function goEscape(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys(v[k]);
  return out;
}
