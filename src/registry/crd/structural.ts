/**
 * What a CustomResourceDefinition's openAPIV3Schema does to custom resources:
 * apiextensions-apiserver's structural-schema pruning (unknownFields), defaulting
 * (applyDefaults), OpenAPI value validation (validateValue, kube-openapi's
 * validate package as apiextensions wraps it, plus x-kubernetes-list-type) and a
 * subset of the structural checks a CRD's schema must pass (checkStructural).
 * Kubernetes' own sources are the behaviour reference; messages copy theirs.
 * Pure walkers over plain JSON values, no I/O.
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1";
import { fieldErrors, type FieldError } from "../../apimachinery/status.js";
import { isObject } from "../../apimachinery/objects.js";
import { canonicalJson } from "../../apimachinery/hash.js";

/** A field's location relative to the walked value: keys and array indices. */
export type Path = (string | number)[];

/** One x-kubernetes-validations entry (apiextensions' ValidationRule). */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** JSONSchemaProps with the Kubernetes extensions kubernetes-types leaves out. */
export type Schema = JSONSchemaProps & {
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: ValidationRule[];
};
export type Obj = Record<string, unknown>;

const META = new Set(["apiVersion", "kind", "metadata"]);
const TYPES = ["array", "boolean", "integer", "number", "object", "string"];

/** Own entries only: a field called "constructor" must not find Object.prototype's. */
export const get = <T>(o: Record<string, T> | undefined, k: string): T | undefined => (o && Object.hasOwn(o, k) ? o[k] : undefined);
export const itemsOf = (s: Schema): Schema | undefined => (s.items && !Array.isArray(s.items) ? s.items : undefined);
export const additionalOf = (s: Schema): Schema | undefined => (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
const preserves = (s: Schema) => s["x-kubernetes-preserve-unknown-fields"] === true;

/** The JSON type name kube-openapi reports for a value; integral numbers are "integer". */
function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The types a schema admits, as kube-openapi joins them in messages; [] is any. */
const wanted = (s: Schema): string[] => (s["x-kubernetes-int-or-string"] ? ["integer", "string"] : s.type ? [s.type] : []);
const typeOk = (actual: string, want: string[]) => !want.length || want.includes(actual) || (actual === "integer" && want.includes("number"));

// ---- pruning ----

/**
 * Paths of every field pruning would drop. Like apiextensions' prune: keys not in
 * properties go unless there is an additionalProperties schema (or true) or
 * x-kubernetes-preserve-unknown-fields; an embedded resource keeps apiVersion,
 * kind and metadata unchecked; a preserving array's items preserve too. Values of
 * the wrong type and int-or-string leaves are left to validation. No schema: keep all.
 */
export function unknownFields(value: unknown, schema: JSONSchemaProps | undefined): Path[] {
  const out: Path[] = [];
  if (schema) prune(value, schema, [], out, preserves(schema));
  return out;
}

function prune(value: unknown, s: Schema, path: Path, out: Path[], preserve: boolean): void {
  if (s["x-kubernetes-int-or-string"] || !typeOk(jsonType(value), wanted(s))) return;
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (items) value.forEach((v, i) => prune(v, items, [...path, i], out, preserve || preserves(items)));
    return;
  }
  if (!isObject(value) || !(s.type === "object" || s.properties || s.additionalProperties !== undefined || preserve)) return;
  const additional = additionalOf(s);
  for (const [k, v] of Object.entries(value)) {
    if (s["x-kubernetes-embedded-resource"] && META.has(k)) continue;
    const sub = get(s.properties, k) ?? additional;
    if (sub) prune(v, sub, [...path, k], out, preserves(sub));
    else if (!preserve && s.additionalProperties !== true) out.push([...path, k]);
  }
}

// ---- defaulting ----

/**
 * Structural defaulting, in place: an absent property, or a null one whose schema
 * is not nullable, gets a copy of its default; then every present value is
 * defaulted by its schema, so defaults inside defaults apply. Null map entries
 * of a non-nullable schema without a default are removed first, as apiextensions'
 * PruneNonNullableNullsWithoutDefaults does. Absent parents are not created.
 */
export function applyDefaults(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (schema) fill(value, schema);
}

const copy = (v: unknown): unknown => structuredClone(v);

function fill(value: unknown, s: Schema): void {
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (!items) return;
    value.forEach((v, i) => {
      if (v === null && !items.nullable && items.default !== undefined) value[i] = copy(items.default);
      fill(value[i], items);
    });
    return;
  }
  if (!isObject(value)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default !== undefined && get(value, k) === undefined) value[k] = copy(prop.default);
  }
  const additional = additionalOf(s);
  for (const k of Object.keys(value)) {
    const sub = get(s.properties, k) ?? additional;
    if (!sub) continue;
    if (value[k] === null && !sub.nullable) {
      if (sub.default === undefined) {
        delete value[k];
        continue;
      }
      value[k] = copy(sub.default);
    }
    fill(value[k], sub);
  }
}

// ---- validation ----

/**
 * kube-openapi's validation of a custom resource value at `path`, with the field
 * errors apiextensions turns its results into. Unknown fields are not errors
 * (pruning drops them). A null property of a non-nullable schema counts as
 * absent, as Kubernetes prunes it before validating.
 */
/**
 * Errors of a value against its schema. With old (an update), a value equal
 * to the old one is not judged again, and children are compared with the old
 * children they correlate with (properties by name, list-type map items by
 * their keys, set items by value): 1.30's CRD validation ratcheting, so a
 * tightened schema does not block updates that leave old values alone.
 */
export function validateValue(value: unknown, schema: JSONSchemaProps | undefined, path: string, old?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  if (schema && value !== undefined) check(value, schema, path, errs, old);
  return errs;
}

const inBody = (path: string) => (path ? `${path} in body` : "in body");
const tooMany = (field: string, n: number, max: number): FieldError => ({ type: "FieldValueTooMany", field, message: `Too many: ${n}: must have at most ${max} items` });

const patterns = new Map<string, RegExp | null>();
function regexp(source: string): RegExp | null {
  if (!patterns.has(source)) {
    try {
      patterns.set(source, new RegExp(source, "u"));
    } catch {
      patterns.set(source, null);
    }
  }
  return patterns.get(source)!;
}

const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])/;
const validDate = (v: string) => {
  const m = DATE.exec(v);
  return !!m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDate() === +m[3];
};
const STRING_FORMATS: Record<string, (v: string) => boolean> = {
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && validDate(v),
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}[Tt ]([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d+)?)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/.test(v) && validDate(v),
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
};
const NUMBER_FORMATS: Record<string, (v: number) => boolean> = {
  int32: (v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31,
  int64: (v) => Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63,
};

/** Whether value passes s (for anyOf, oneOf and not). */
const passes = (value: unknown, s: Schema, path: string) => {
  const errs: FieldError[] = [];
  check(value, s, path, errs);
  return errs.length === 0;
};

function check(value: unknown, s: Schema, path: string, errs: FieldError[], old?: unknown): void {
  if (old !== undefined && canonicalJson(old) === canonicalJson(value)) return;
  const actual = jsonType(value);
  const want = wanted(s);
  if (value === null) {
    // kube-openapi checks only the type of a null.
    if (want.length && !s.nullable) errs.push(fieldErrors.typeInvalid(path, "null", `${inBody(path)} must be of type ${want.join(",")}: "null"`));
    return;
  }
  if (!typeOk(actual, want)) {
    errs.push(fieldErrors.typeInvalid(path, actual, `${inBody(path)} must be of type ${want.join(",")}: "${actual}"`));
    return;
  }
  if (s.enum && !s.enum.some((e) => canonicalJson(e) === canonicalJson(value))) {
    errs.push(fieldErrors.notSupported(path, value, s.enum.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))));
  }
  composites(value, s, path, errs, old);
  if (typeof value === "string") checkString(value, s, path, errs);
  else if (typeof value === "number") checkNumber(value, s, path, errs);
  else if (Array.isArray(value)) checkArray(value, s, path, errs, old);
  else if (isObject(value)) checkObject(value, s, path, errs, old);
}

function composites(value: unknown, s: Schema, path: string, errs: FieldError[], old: unknown): void {
  if (s.allOf?.length) {
    const before = errs.length;
    let valid = 0;
    for (const sub of s.allOf) {
      const n = errs.length;
      check(value, sub, path, errs, old);
      if (errs.length === n) valid++;
    }
    if (errs.length > before) errs.push(fieldErrors.invalid(path, "", `"${path}" must validate all the schemas (allOf)${valid ? "" : ". None validated"}`));
  }
  if (s.anyOf?.length && !s.anyOf.some((sub) => passes(value, sub, path))) {
    errs.push(fieldErrors.invalid(path, "", `"${path}" must validate at least one schema (anyOf)`));
  }
  if (s.oneOf?.length) {
    const valid = s.oneOf.filter((sub) => passes(value, sub, path)).length;
    if (valid !== 1) {
      const found = valid ? `Found ${valid} valid alternatives` : "Found none valid";
      errs.push(fieldErrors.invalid(path, "", `"${path}" must validate one and only one schema (oneOf). ${found}`));
    }
  }
  if (s.not && passes(value, s.not, path)) errs.push(fieldErrors.invalid(path, "", `"${path}" must not validate the schema (not)`));
}

function checkString(value: string, s: Schema, path: string, errs: FieldError[]): void {
  const length = [...value].length;
  if (s.maxLength !== undefined && length > s.maxLength) errs.push({ type: "FieldValueTooLong", field: path, message: `Too long: may not be longer than ${s.maxLength}` });
  if (s.minLength !== undefined && length < s.minLength) errs.push(fieldErrors.invalid(path, value, `${inBody(path)} should be at least ${s.minLength} chars long`));
  const re = s.pattern === undefined ? null : regexp(s.pattern);
  if (re && !re.test(value)) errs.push(fieldErrors.invalid(path, value, `${inBody(path)} should match '${s.pattern}'`));
  const format = s.format ? get(STRING_FORMATS, s.format) : undefined;
  if (format && !format(value)) errs.push(fieldErrors.invalid(path, value, `${inBody(path)} must be of type ${s.format}: ${JSON.stringify(value)}`));
}

function checkNumber(value: number, s: Schema, path: string, errs: FieldError[]): void {
  const { maximum: max, minimum: min, multipleOf } = s;
  if (max !== undefined && (s.exclusiveMaximum ? value >= max : value > max)) {
    errs.push(fieldErrors.invalid(path, value, `${inBody(path)} should be less than ${s.exclusiveMaximum ? "" : "or equal to "}${max}`));
  }
  if (min !== undefined && (s.exclusiveMinimum ? value <= min : value < min)) {
    errs.push(fieldErrors.invalid(path, value, `${inBody(path)} should be greater than ${s.exclusiveMinimum ? "" : "or equal to "}${min}`));
  }
  if (multipleOf !== undefined && multipleOf > 0) {
    const q = value / multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) errs.push(fieldErrors.invalid(path, value, `${inBody(path)} should be a multiple of ${multipleOf}`));
  }
  const format = s.format ? get(NUMBER_FORMATS, s.format) : undefined;
  if (format && !format(value)) errs.push(fieldErrors.invalid(path, value, `${inBody(path)} must be of type ${s.format}: "${value}"`));
}

function checkArray(value: unknown[], s: Schema, path: string, errs: FieldError[], old: unknown): void {
  if (s.maxItems !== undefined && value.length > s.maxItems) errs.push(tooMany(path, value.length, s.maxItems));
  if (s.minItems !== undefined && value.length < s.minItems) errs.push(fieldErrors.invalid(path, value.length, `${inBody(path)} should have at least ${s.minItems} items`));
  const listType = s["x-kubernetes-list-type"];
  const items = itemsOf(s);
  if (s.uniqueItems || listType === "set" || listType === "map") {
    const keys = listType === "map" ? (s["x-kubernetes-list-map-keys"] ?? []) : undefined;
    const seen = new Set<string>();
    value.forEach((item, i) => {
      if (keys && !isObject(item)) return;
      const id = keys ? Object.fromEntries(keys.map((k) => [k, get(item as Obj, k) ?? get(items?.properties, k)?.default])) : item;
      const key = canonicalJson(id);
      if (seen.has(key)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, id));
      seen.add(key);
    });
  }
  if (!items) return;
  const olds = oldItems(s, value, old);
  value.forEach((item, i) => check(item, items, `${path}[${i}]`, errs, olds[i]));
}

/** Items of a list that correlate with the old list's: by map keys for list-type map, by value for set; none for atomic lists. */
export function oldItems(s: Schema, value: unknown[], old: unknown): (unknown | undefined)[] {
  if (!Array.isArray(old)) return value.map(() => undefined);
  const type = s["x-kubernetes-list-type"];
  if (type === "map") {
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    const id = (x: unknown) => (isObject(x) ? canonicalJson(keys.map((k) => x[k])) : undefined);
    const byId = new Map(old.map((x) => [id(x), x]));
    return value.map((x) => byId.get(id(x)));
  }
  if (type === "set") {
    const seen = new Set(old.map((x) => canonicalJson(x)));
    return value.map((x) => (seen.has(canonicalJson(x)) ? x : undefined));
  }
  return value.map(() => undefined);
}


function checkObject(value: Obj, s: Schema, path: string, errs: FieldError[], old: unknown): void {
  const count = Object.keys(value).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) errs.push(tooMany(path, count, s.maxProperties));
  if (s.minProperties !== undefined && count < s.minProperties) errs.push(fieldErrors.invalid(path, count, `${inBody(path)} should have at least ${s.minProperties} properties`));
  const absent = (k: string) => {
    const v = get(value, k);
    return v === undefined || (v === null && !get(s.properties, k)?.nullable);
  };
  for (const k of s.required ?? []) if (absent(k)) errs.push(fieldErrors.required(`${path}.${k}`));
  const additional = additionalOf(s);
  for (const [k, v] of Object.entries(value)) {
    const sub = get(s.properties, k) ?? additional;
    if (sub && v !== null && v !== undefined) check(v, sub, `${path}.${k}`, errs, isObject(old) ? get(old, k) : undefined);
  }
}

// ---- structural schema checks ----

/**
 * The structural-schema rules a CRD version's openAPIV3Schema must satisfy, a
 * subset of apiextensions' (validateStructuralInvariants and friends): a type on
 * every node reached by properties, items and additionalProperties (unless
 * int-or-string or preserving unknown fields), "object" at the root, no $ref,
 * properties xor additionalProperties, a single items schema for arrays.
 */
export function checkStructural(schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  structural(schema, path, "root", errs);
  return errs;
}

const EMPTY_TYPE = { root: "must not be empty at the root", item: "must not be empty for specified array items", field: "must not be empty for specified object fields" };

function structural(s: Schema, path: string, level: keyof typeof EMPTY_TYPE, errs: FieldError[]): void {
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(`${path}.$ref`, "$ref is not supported"));
  if (s["x-kubernetes-embedded-resource"] && s.type !== "object") {
    const why = "must be object if x-kubernetes-embedded-resource is true";
    errs.push(s.type ? fieldErrors.invalid(`${path}.type`, s.type, why) : fieldErrors.required(`${path}.type`, why));
  } else if (!s.type && !s["x-kubernetes-int-or-string"] && !preserves(s)) {
    errs.push(fieldErrors.required(`${path}.type`, EMPTY_TYPE[level]));
  } else if (s.type && !TYPES.includes(s.type)) {
    errs.push(fieldErrors.notSupported(`${path}.type`, s.type, TYPES));
  } else if (level === "root" && s.type && s.type !== "object") {
    errs.push(fieldErrors.invalid(`${path}.type`, s.type, "must be object at the root"));
  }
  const additional = s.additionalProperties;
  if (Object.keys(s.properties ?? {}).length && additional !== undefined && additional !== true) {
    errs.push(fieldErrors.forbidden(`${path}.additionalProperties`, "additionalProperties and properties are mutual exclusive"));
  }
  if (Array.isArray(s.items)) errs.push(fieldErrors.forbidden(`${path}.items`, "items must be a schema object and not an array"));
  else if (s.type === "array" && !s.items) errs.push(fieldErrors.required(`${path}.items`, "must be specified"));
  for (const [name, sub] of Object.entries(s.properties ?? {})) structural(sub, `${path}.properties[${name}]`, "field", errs);
  const items = itemsOf(s);
  if (items) structural(items, `${path}.items`, "item", errs);
  if (typeof additional === "object") structural(additional, `${path}.additionalProperties`, "field", errs);
}
