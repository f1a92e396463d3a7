/**
 * Small helpers over plain JSON objects used across the apiserver, the store
 * and the controllers: deep equality, deep copy and dotted-path access.
 */

/**
 * Structural equality of JSON values; a key whose value is undefined counts
 * as absent. Keys in `skip` are ignored at the top level only (callers
 * compare "everything but these fields" without copying and deleting).
 */
export function deepEqual(a: unknown, b: unknown, skip?: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  // Count a's defined keys while comparing them; equal counts then mean equal key sets.
  let n = 0;
  for (const k of Object.keys(ra)) {
    if (ra[k] === undefined || skip?.has(k)) continue;
    n++;
    if (!deepEqual(ra[k], rb[k])) return false;
  }
  for (const k of Object.keys(rb)) if (rb[k] !== undefined && !skip?.has(k)) n--;
  return n === 0;
}

/**
 * Deep copy of JSON data (plain objects, arrays, primitives), done by hand:
 * several times faster than structuredClone, which every write paid for
 * more than once. Anything else (a Date, a Map) goes to structuredClone.
 */
export function clone<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = clone(v[i]);
    return out as T;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    // An own "__proto__" key (JSON.parse makes one) must stay a key, not become the prototype.
    if (k === "__proto__") Object.defineProperty(out, k, { value: clone(src[k]), enumerable: true, writable: true, configurable: true });
    else out[k] = clone(src[k]);
  }
  return out as T;
}

/** Read "spec.template.metadata" style paths; undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (part === "") continue;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Write a dotted path, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".").filter(Boolean);
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === null || typeof next !== "object" || Array.isArray(next)) cur[parts[i]] = {};
    cur = cur[parts[i]] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
