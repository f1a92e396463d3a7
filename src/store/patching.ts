/**
 * The store's use of the patch machinery: which patch algorithm a request
 * asks for, the schema it is computed against, and managedFields upkeep for
 * every write (as the apiserver's fieldmanager does).
 */
import { errors } from "../apimachinery/status.js";
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  applyServerSide,
  managedFieldsAfterUpdate,
  managerFromUserAgent,
  type TypeRef,
} from "../apimachinery/patch/index.js";
import { getDefinitions } from "../schemas/openapi.js";
import { apiVersionOf, type KindDef, type KObject, type StrategyContext } from "../registry/types.js";
import type { PatchType, WriteOptions } from "./protocol.js";

function typeRef(schemaName: string): TypeRef {
  const defs = getDefinitions() as Record<string, unknown>;
  return { defs, schema: defs[schemaName] } as TypeRef;
}

/**
 * Apply a patch to the current object (or, with kind null, to a Scale).
 * For "apply" the live object may be undefined (apply creates).
 */
export function applyPatch(kind: KindDef | null, current: KObject | undefined, type: PatchType, patch: unknown, options: WriteOptions, ctx: StrategyContext, subresource?: string): unknown {
  const out = patchOnce(kind, current, type, patch, options, ctx, subresource);
  // A merge patch that is an array, or a JSON patch replacing the root, would store a non-object.
  if (out === null || typeof out !== "object" || Array.isArray(out)) {
    throw errors.badRequest(`the patch would turn the object into ${out === null ? "null" : Array.isArray(out) ? "an array" : typeof out}; an object is required`);
  }
  return out;
}

function patchOnce(kind: KindDef | null, current: KObject | undefined, type: PatchType, patch: unknown, options: WriteOptions, ctx: StrategyContext, subresource?: string): unknown {
  const schemaName = kind ? kind.schemaName : "io.k8s.api.autoscaling.v1.Scale";
  switch (type) {
    case "json":
      return applyJsonPatch(current, patch);
    case "merge":
      return applyMergePatch(current, patch);
    case "strategic":
      return applyStrategicMergePatch(current, patch, typeRef(schemaName));
    case "apply":
      return applyServerSide(current, patch as KObject, {
        manager: options.fieldManager ?? "unknown",
        force: !!options.force,
        apiVersion: kind ? apiVersionOf(kind) : "autoscaling/v1",
        now: ctx.nowRfc3339,
        root: typeRef(schemaName),
        subresource,
      });
  }
}

/** Record which manager changed which fields (non-apply writes). */
export function trackManagedFields(kind: KindDef, old: KObject | undefined, updated: KObject, options: WriteOptions, ctx: StrategyContext, subresource?: string): void {
  const manager = options.fieldManager ?? managerFromUserAgent(options.userAgent ?? "");
  const entries = managedFieldsAfterUpdate(old, updated, { manager, apiVersion: apiVersionOf(kind), now: ctx.nowRfc3339, root: typeRef(kind.schemaName), subresource });
  if (entries?.length) updated.metadata.managedFields = entries;
  else delete updated.metadata.managedFields;
}
