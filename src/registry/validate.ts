/**
 * Schema validation of a decoded object against its kind's valibot schema,
 * with Kubernetes' fieldValidation modes: unknown fields are an error under
 * Strict, a warning under Warn and silently dropped under Ignore. Wrong types
 * are decoding errors (400), missing required fields are invalid (422).
 */
import * as v from "valibot";
import { ApiError, errors, fieldErrors, invalidError, type FieldError } from "../apimachinery/status.js";
import { deepEqual } from "../apimachinery/objects.js";
import { strictObject, unknown as anything, type Schema } from "../schemas/dsl.js";
import type { KindDef } from "./types.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function parseFieldValidation(raw: string | null | undefined): FieldValidation {
  if (raw === null || raw === undefined || raw === "") return "Warn";
  if (raw === "Strict" || raw === "Warn" || raw === "Ignore") return raw;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${raw}"`);
}

type IssuePathItem = { key: unknown };

/** "spec.template.spec.containers[0].image" from a valibot issue path. */
export function fieldPath(path: readonly IssuePathItem[] | undefined): string {
  let out = "";
  for (const item of path ?? []) {
    if (typeof item.key === "number") out += `[${item.key}]`;
    else out += (out ? "." : "") + String(item.key);
  }
  return out;
}

function removeAt(obj: unknown, path: readonly IssuePathItem[]): void {
  let cur = obj as Record<string, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    cur = cur?.[path[i].key as string] as Record<string, unknown>;
    if (cur === null || typeof cur !== "object") return;
  }
  delete cur[path[path.length - 1].key as string];
}

const describe = (x: unknown) => (x === null ? "null" : Array.isArray(x) ? "array" : typeof x === "string" ? JSON.stringify(x) : typeof x);

/**
 * Validate obj in place. Returns the warnings to send back; throws ApiError
 * for what must be refused: a type error is a 400, a missing required field a
 * 422. Under Warn/Ignore the unknown fields are removed from obj so they never
 * reach the store. A partial object (a server-side apply configuration, which
 * names only the fields its manager owns) is not held to required fields: the
 * merged result is.
 */
export function validateSchema(kind: KindDef, obj: Record<string, unknown>, mode: FieldValidation, schema: v.GenericSchema = kind.schema, partial = false): string[] {
  const result = v.safeParse(schema, obj, { abortEarly: false });
  if (result.success) return [];
  const unknown: string[] = [];
  const unknownPaths: (readonly IssuePathItem[])[] = [];
  const typeErrors: string[] = [];
  const required: FieldError[] = [];
  for (const issue of result.issues) {
    const path = (issue.path ?? []) as readonly IssuePathItem[];
    if (issue.type === "strict_object" && issue.expected === "never") {
      unknown.push(fieldPath(path));
      unknownPaths.push(path);
    } else if (issue.input === undefined && issue.kind === "schema") {
      // A missing required key (valibot reports it with no input).
      if (!partial) required.push(fieldErrors.required(fieldPath(path)));
    } else {
      typeErrors.push(`${fieldPath(path) || "<root>"}: expected ${issue.expected ?? issue.type}, got ${describe(issue.input)}`);
    }
  }
  if (typeErrors.length) {
    throw errors.badRequest(`${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: ${typeErrors.join("; ")}`);
  }
  const warnings: string[] = [];
  if (unknown.length) {
    if (mode === "Strict") {
      throw new ApiError(400, "BadRequest", `strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(", ")}`);
    }
    // Remove deepest first so array indices and parents stay valid.
    for (const p of unknownPaths.sort((a, b) => b.length - a.length)) removeAt(obj, p);
    if (mode === "Warn") for (const u of unknown) warnings.push(`unknown field "${u}"`);
  }
  if (required.length) {
    const meta = obj.metadata as { name?: string } | undefined;
    throw invalidError(kind.kind, kind.group, meta?.name ?? "", required);
  }
  return warnings;
}

/** The fields of a kind's top-level object schema (generated schemas are a strict object, maybe in a pipe). */
function topLevelEntries(schema: Schema): Record<string, Schema> | undefined {
  const s = schema as { type?: string; entries?: Record<string, Schema>; pipe?: { type?: string; entries?: Record<string, Schema> }[] };
  const root = s.type === "strict_object" ? s : s.pipe?.[0];
  return root?.type === "strict_object" ? root.entries : undefined;
}

/** A kind's schema with some top-level fields accepted as they are; one per kind and field set. */
const skipping = new WeakMap<KindDef, Map<string, Schema>>();

function schemaSkipping(kind: KindDef, entries: Record<string, Schema>, same: string[]): Schema {
  let byKey = skipping.get(kind);
  if (!byKey) skipping.set(kind, (byKey = new Map()));
  const key = same.join(",");
  let schema = byKey.get(key);
  if (!schema) {
    const loose = { ...entries };
    for (const k of same) loose[k] = anything;
    byKey.set(key, (schema = strictObject(loose)));
  }
  return schema;
}

/**
 * validateSchema for a write over a stored object: top-level fields equal to
 * the stored ones passed validation when they were stored (and lost their
 * unknown fields then), so they are not parsed again. A status write sends
 * the whole spec back unchanged; parsing it was most of the cost. Fields
 * that changed get exactly the errors and warnings validateSchema gives.
 */
export function validateChanges(kind: KindDef, obj: Record<string, unknown>, stored: Record<string, unknown>, mode: FieldValidation): string[] {
  const entries = topLevelEntries(kind.schema);
  if (!entries) return validateSchema(kind, obj, mode);
  const same = Object.keys(entries).filter((k) => obj[k] !== undefined && deepEqual(obj[k], stored[k]));
  return validateSchema(kind, obj, mode, same.length ? schemaSkipping(kind, entries, same) : kind.schema);
}
