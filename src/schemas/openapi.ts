/**
 * The OpenAPI schemas of the built-in types, as Kubernetes publishes them
 * (components.schemas of /openapi/v3 documents, definitions of /openapi/v2),
 * derived from the generated valibot schemas so validation and discovery can
 * never disagree. Built lazily, once per isolate.
 *
 * On top of the plain conversion this restores what Kubernetes' documents
 * have: refs between definitions (allOf-wrapped where the field has its own
 * description), no nullability of optional fields, the special forms of
 * Quantity / IntOrString / Time / MicroTime / RawExtension / FieldsV1, the
 * x-kubernetes-patch-* / list-* / map-type extensions (patch-extensions.ts)
 * and x-kubernetes-group-version-kind on API kinds.
 */
import { toJsonSchemaDefs, type JsonSchema as BaseJsonSchema } from "@valibot/to-json-schema";
import { definitionGVKs as generatedGVKs, definitions as generated } from "./generated/index.js";
import { extraDefinitions, extraGVKs } from "./extra/index.js";

const definitions = { ...generated, ...extraDefinitions };
const definitionGVKs = { ...generatedGVKs, ...extraGVKs };
import { patchExtensions, typeExtensions } from "./patch-extensions.js";

/** A JSON schema object that may carry x-kubernetes-* (or any x-) extensions. */
export type JsonSchema = BaseJsonSchema & { [extension: `x-${string}`]: unknown };

const V3_PREFIX = "#/components/schemas/";
const V2_PREFIX = "#/definitions/";

/** Definitions whose Kubernetes form is not the structural one (Go types with custom JSON marshalling). */
const SPECIAL: Record<string, { v3: JsonSchema; v2: JsonSchema }> = {
  "io.k8s.apimachinery.pkg.api.resource.Quantity": {
    v3: { oneOf: [{ type: "string" }, { type: "number" }] },
    v2: { type: "string" },
  },
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
    v3: { format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] },
    v2: { format: "int-or-string", type: "string" },
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": {
    v3: { format: "date-time", type: "string" },
    v2: { format: "date-time", type: "string" },
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": {
    v3: { format: "date-time", type: "string" },
    v2: { format: "date-time", type: "string" },
  },
  "io.k8s.apimachinery.pkg.runtime.RawExtension": { v3: { type: "object" }, v2: { type: "object" } },
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": { v3: { type: "object" }, v2: { type: "object" } },
};

let v3Cache: Record<string, JsonSchema> | undefined;
let v2Cache: Record<string, JsonSchema> | undefined;

/**
 * OpenAPI v3 component schemas of every generated definition, keyed by
 * definition name, refs as "#/components/schemas/NAME". Cached: do not mutate.
 */
export function getDefinitions(): Record<string, JsonSchema> {
  return (v3Cache ??= buildV3());
}

/**
 * Swagger 2.0 definitions (for /openapi/v2): the v3 form with refs as
 * "#/definitions/NAME", refs not allOf-wrapped, no oneOf/nullable. Cached: do not mutate.
 */
export function getSwaggerDefinitions(): Record<string, JsonSchema> {
  return (v2Cache ??= buildV2(getDefinitions()));
}

/**
 * The named definitions plus everything they reference (transitively), for
 * documents that carry only part of the schemas (e.g. /openapi/v3/apis/apps/v1).
 * Works on either form; defaults to the v3 one.
 */
export function closureOf(
  names: Iterable<string>,
  from: Record<string, JsonSchema> = getDefinitions(),
): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  const visit = (name: string) => {
    if (name in out || !(name in from)) return;
    out[name] = from[name];
    for (const ref of refsOf(from[name])) visit(ref);
  };
  for (const name of names) visit(name);
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/** Every definition name referenced ($ref) anywhere inside a schema. */
export function refsOf(schema: unknown): string[] {
  const refs = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      for (const [k, val] of Object.entries(node)) {
        if (k === "$ref" && typeof val === "string") refs.add(val.slice(val.lastIndexOf("/") + 1));
        else walk(val);
      }
    }
  };
  walk(schema);
  return [...refs];
}

function buildV3(): Record<string, JsonSchema> {
  const raw = toJsonSchemaDefs(definitions, {
    target: "openapi-3.0",
    errorMode: "throw",
    overrideRef: ({ referenceId }) => V3_PREFIX + referenceId,
    // Optional fields accept null on input, but Kubernetes documents them as plain optional.
    overrideSchema: ({ valibotSchema, jsonSchema }) => {
      if (valibotSchema.type !== "nullish") return undefined;
      const { nullable: _nullable, ...rest } = jsonSchema;
      return rest;
    },
  }) as Record<string, JsonSchema>;

  const out: Record<string, JsonSchema> = {};
  for (const name of Object.keys(raw).sort()) {
    if (!(name in definitions)) throw new Error(`openapi: unexpected anonymous definition ${name}`);
    const schema = raw[name];
    const special = SPECIAL[name];
    const def: JsonSchema = special
      ? { ...(schema.description ? { description: schema.description } : {}), ...special.v3 }
      : tidyObject(schema);
    if (def.properties) {
      for (const [field, prop] of Object.entries(def.properties)) {
        if (typeof prop !== "object") continue;
        const ext = patchExtensions[`${name}.${field}`];
        def.properties[field] = wrapRef({ ...(prop as JsonSchema), ...ext });
      }
    }
    Object.assign(def, typeExtensions[name]);
    const gvk = definitionGVKs[name];
    if (gvk) def["x-kubernetes-group-version-kind"] = gvk.map((g) => ({ ...g }));
    out[name] = def;
  }
  return out;
}

/** Drops what Kubernetes does not publish: additionalProperties:false of strict objects, empty required. */
function tidyObject(schema: JsonSchema): JsonSchema {
  const { additionalProperties, required, ...rest } = schema;
  const def: JsonSchema = { ...rest };
  if (additionalProperties !== undefined && additionalProperties !== false) def.additionalProperties = additionalProperties;
  if (required && required.length) def.required = required;
  return def;
}

/** {$ref, description} → {allOf: [{$ref}], description}: a $ref's siblings are ignored in OpenAPI 3.0. */
function wrapRef(prop: JsonSchema): JsonSchema {
  if (!prop.$ref || Object.keys(prop).length === 1) return prop;
  const { $ref, ...rest } = prop;
  return { ...rest, allOf: [{ $ref }] };
}

function buildV2(v3: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(v3)) {
    const special = SPECIAL[name];
    out[name] = special
      ? { ...(schema.description ? { description: schema.description } : {}), ...special.v2 }
      : toV2(schema);
  }
  return out;
}

/** Converts one v3 schema (not a map of them) to its Swagger 2.0 form. */
function toV2(schema: JsonSchema): JsonSchema {
  // Swagger 2.0 (and Kubernetes' v2 document) puts the description next to the $ref.
  if (schema.allOf?.length === 1 && !schema.$ref && typeof schema.allOf[0] === "object") {
    const { allOf, ...rest } = schema;
    return toV2({ ...(allOf[0] as JsonSchema), ...rest });
  }
  const out: JsonSchema = {};
  for (const [k, val] of Object.entries(schema) as [keyof JsonSchema & string, unknown][]) {
    if (k === "nullable") continue;
    if (k === "$ref") out.$ref = V2_PREFIX + (val as string).slice(V3_PREFIX.length);
    else if (k === "properties") {
      const props: Record<string, JsonSchema> = {};
      for (const [field, prop] of Object.entries(val as Record<string, JsonSchema>)) props[field] = toV2(prop);
      out.properties = props;
    } else if ((k === "items" || k === "additionalProperties") && val && typeof val === "object" && !Array.isArray(val)) {
      out[k] = toV2(val as JsonSchema);
    } else if ((k === "allOf" || k === "anyOf" || k === "oneOf") && Array.isArray(val)) {
      out[k] = val.map((x) => (typeof x === "object" ? toV2(x as JsonSchema) : x));
    } else (out as Record<string, unknown>)[k] = val;
  }
  return out;
}
