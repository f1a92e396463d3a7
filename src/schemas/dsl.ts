/**
 * Small schema constructors used by the generated Kubernetes schemas
 * (src/schemas/generated/**). They keep the generated code compact, keep tsc
 * fast (every schema is typed as the plain `Schema`, not a deeply inferred
 * valibot type) and centralise the two Kubernetes-specific behaviours:
 *
 * - optional fields accept `null` as well as absence (`opt` uses v.nullish);
 * - objects are strict, and report *every* unknown key as a `strict_object`
 *   issue with a path (valibot's own strictObject stops at the first one,
 *   while Kubernetes reports all unknown fields for fieldValidation=Strict/Warn).
 */
import * as v from "valibot";

/** Every generated schema has this type; use kubernetes-types for TS types. */
export type Schema = v.GenericSchema;

export const str: Schema = v.string();
export const bool: Schema = v.boolean();
export const num: Schema = v.number();
/** Kubernetes' API has no floats: every number is an int32 or an int64. */
export const int32: Schema = v.pipe(v.number(), v.integer(), v.metadata({ format: "int32" }));
export const int64: Schema = v.pipe(v.number(), v.integer(), v.metadata({ format: "int64" }));
/** math.MaxInt32: where Kubernetes means "no limit" by an int32 field (a Deployment's deadline, a per-index Job's backoffLimit). */
export const MAX_INT32 = 2 ** 31 - 1;
export const unknown: Schema = v.unknown();

export const arr = (item: Schema): Schema => v.array(item);
/** A JSON object with arbitrary string keys (Go map[string]X). */
export const map = (value: Schema): Schema => v.record(v.string(), value);
/** A reference to another definition; lazy so definitions may be cyclic and cross modules. */
export const ref = (get: () => Schema): Schema => v.lazy(get);
export const oneOf = (options: readonly string[]): Schema => v.picklist(options);
export const union = (options: Schema[]): Schema => v.union(options);

/** Attaches a doc comment (shown by kubectl explain through the OpenAPI documents). */
export const desc = (schema: Schema, description?: string): Schema =>
  description ? v.pipe(schema, v.description(description)) : schema;
/** A required field. */
export const req = desc;
/** An optional field: absent, undefined or null are all accepted. */
export const opt = (schema: Schema, description?: string): Schema => v.nullish(desc(schema, description));
/** A strict object type definition. */
export const obj = (entries: Record<string, Schema>, description?: string): Schema =>
  desc(strictObject(entries), description);

type Dataset = { typed?: boolean; value: unknown; issues?: v.BaseIssue<unknown>[] };

/**
 * v.strictObject, but reporting every unknown key (not only the first one).
 * The extra issues have exactly the shape valibot gives the first: type
 * "strict_object", expected "never", input = the key, path ending in the key.
 * (A *missing required* key is also a "strict_object" issue, but with
 * input undefined and expected `"name"`.)
 */
export function strictObject(entries: Record<string, Schema>): Schema {
  const base = v.strictObject(entries);
  const run = base["~run"];
  const schema = {
    ...base,
    "~run"(dataset: Dataset, config: v.Config<v.BaseIssue<unknown>>) {
      const input = dataset.value;
      const out = run.call(base, dataset as never, config) as Dataset;
      if (config.abortEarly || !input || typeof input !== "object" || !out.issues) return out;
      let first = true;
      for (const key in input as Record<string, unknown>) {
        if (Object.prototype.hasOwnProperty.call(entries, key)) continue;
        if (first) {
          first = false; // valibot already reported this one
          continue;
        }
        out.issues.push(unknownKeyIssue(input as Record<string, unknown>, key, config));
      }
      return out;
    },
  };
  schema["~standard"] = {
    ...base["~standard"],
    validate: (value: unknown) => schema["~run"]({ value }, v.getGlobalConfig()) as never,
  };
  return schema as unknown as Schema;
}

function unknownKeyIssue(
  input: Record<string, unknown>,
  key: string,
  config: v.Config<v.BaseIssue<unknown>>,
): v.BaseIssue<unknown> {
  return {
    kind: "schema",
    type: "strict_object",
    input: key,
    expected: "never",
    received: `"${key}"`,
    message: `Invalid key: Expected never but received "${key}"`,
    requirement: undefined,
    path: [{ type: "object", origin: "key", input, key, value: input[key] }],
    issues: undefined,
    lang: config.lang,
    abortEarly: config.abortEarly,
    abortPipeEarly: config.abortPipeEarly,
  } as v.BaseIssue<unknown>;
}
