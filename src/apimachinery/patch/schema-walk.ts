/**
 * Walking OpenAPI v3 component schemas for the patch and apply code.
 *
 * Kubernetes takes merge semantics from its published OpenAPI: strategic
 * merge patch reads x-kubernetes-patch-strategy / -patch-merge-key (as
 * strategicpatch.PatchMetaFromOpenAPIV3 does), server-side apply reads
 * x-kubernetes-list-type / -list-map-keys / -map-type (as kube-openapi's
 * schemaconv does). A TypeRef is a position in those schemas: the schema of a
 * field as written at its use site (so extensions on the property are seen)
 * plus the definitions needed to follow {"$ref"} and {"allOf":[{"$ref"}]}.
 * `schema: undefined` means "type unknown": merges then fall back to JSON
 * merge semantics for maps and atomic replacement for lists.
 */

// Schemas are arbitrary JSON: any is the honest type for reading them.
export type TypeRef = { defs: Record<string, any>; schema: any };

const REF_PREFIX = "#/components/schemas/";
const RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";

/** The TypeRef of a named definition, e.g. typeRefOf(defs, "io.k8s.api.apps.v1.Deployment"). */
export const typeRefOf = (defs: TypeRef["defs"], name: string): TypeRef => ({ defs, schema: defs[name] });

export const unknownType = (defs: TypeRef["defs"]): TypeRef => ({ defs, schema: undefined });

/** The definition name a schema refers to, directly or through a single allOf. */
function refName(schema: TypeRef["schema"]): string | undefined {
  const ref: unknown = schema?.$ref ?? (schema?.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
  return typeof ref === "string" && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

/**
 * Resolutions and child types are memoised per schema object: definitions
 * are built once per isolate and never mutated, and every write walks them.
 */
const resolved = new WeakMap<object, TypeRef["schema"]>();
const children = new WeakMap<object, Map<string, TypeRef>>();

/** The schema that describes the value: $ref and single-allOf wrappers followed. */
export function resolve(t: TypeRef): TypeRef["schema"] {
  const start = t.schema;
  if (!start || typeof start !== "object") return start;
  const hit = resolved.get(start);
  if (hit !== undefined || resolved.has(start)) return hit;
  let s = start;
  for (let depth = 0; s && depth < 32; depth++) {
    const name = refName(s);
    if (name === undefined) break;
    s = t.defs[name];
  }
  resolved.set(start, s);
  return s;
}

/** An extension read at the use site first, then on the referenced definition. */
export function extension(t: TypeRef, name: string): unknown {
  return t.schema?.[name] ?? resolve(t)?.[name];
}

/** Whether `key` is a declared property (a struct field, not a map entry). */
export function isField(t: TypeRef, key: string): boolean {
  const props = resolve(t)?.properties;
  return !!props && Object.prototype.hasOwnProperty.call(props, key);
}

/** The type of member `key` of an object: its property, else the map value type, else unknown. */
export function fieldOf(t: TypeRef, key: string): TypeRef {
  const owner = t.schema;
  if (!owner || typeof owner !== "object") return { defs: t.defs, schema: undefined };
  let m = children.get(owner);
  if (!m) children.set(owner, (m = new Map()));
  let r = m.get(key);
  if (!r) {
    const s = resolve(t);
    if (isField(t, key)) r = { defs: t.defs, schema: s.properties[key] };
    else {
      const ap = s?.additionalProperties;
      r = { defs: t.defs, schema: typeof ap === "object" && ap !== null ? ap : undefined };
    }
    m.set(key, r);
  }
  return r;
}

/** The type of the elements of a list. */
export const itemsOf = (t: TypeRef): TypeRef => ({ defs: t.defs, schema: resolve(t)?.items });

/** What a schema declares a value to be, when it says. */
export function declaredKind(t: TypeRef): "map" | "list" | "scalar" | undefined {
  const s = resolve(t);
  if (!s) return undefined;
  if (s.type === "object" || s.properties || s.additionalProperties) return "map";
  if (s.type === "array" || s.items) return "list";
  return typeof s.type === "string" ? "scalar" : undefined;
}

/** Strategic merge patch metadata of a field (strategicpatch.PatchMeta). */
export interface PatchMeta {
  strategies: string[];
  mergeKey: string;
}

export function patchMeta(t: TypeRef): PatchMeta {
  const strategy = t.schema?.["x-kubernetes-patch-strategy"];
  const key = t.schema?.["x-kubernetes-patch-merge-key"];
  return {
    strategies: typeof strategy === "string" ? strategy.split(",") : [],
    mergeKey: typeof key === "string" ? key : "",
  };
}

/** How server-side apply treats a list (schemaconv.getListElementRelationship). */
export type ListType = { type: "atomic" } | { type: "set" } | { type: "map"; keys: string[] };

export function listType(t: TypeRef): ListType {
  const lt = extension(t, "x-kubernetes-list-type");
  if (lt === "set") return { type: "set" };
  if (lt === "map") {
    const keys = extension(t, "x-kubernetes-list-map-keys");
    return { type: "map", keys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [] };
  }
  if (lt !== undefined) return { type: "atomic" };
  // Built-in types predating list-type: a merge strategy makes the list associative.
  const strategy = extension(t, "x-kubernetes-patch-strategy");
  if (strategy === "merge" || strategy === "merge,retainKeys") {
    const key = extension(t, "x-kubernetes-patch-merge-key");
    return typeof key === "string" ? { type: "map", keys: [key] } : { type: "set" };
  }
  return { type: "atomic" };
}

/** Whether server-side apply replaces a map or struct as a whole. */
export function isAtomicMap(t: TypeRef): boolean {
  const own = t.schema?.["x-kubernetes-map-type"];
  if (own !== undefined) return own === "atomic";
  const resolved = resolve(t);
  if (resolved?.["x-kubernetes-map-type"] !== undefined) return resolved["x-kubernetes-map-type"] === "atomic";
  // Kubernetes types RawExtension as an untyped, atomic blob.
  let s = t.schema;
  for (let depth = 0; s && depth < 32; depth++) {
    const name = refName(s);
    if (name === undefined) return false;
    if (name === RAW_EXTENSION) return true;
    s = t.defs[name];
  }
  return false;
}

/** The default a list-map key field declares, used when an element omits that key. */
export function keyDefault(items: TypeRef, key: string): unknown {
  if (!isField(items, key)) return undefined;
  const field = fieldOf(items, key);
  return field.schema?.default ?? resolve(field)?.default;
}
