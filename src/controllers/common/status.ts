/**
 * Status objects as Go serialises them: fields tagged omitempty vanish when
 * zero or empty. Building statuses through omitEmpty keeps what controllers
 * write identical to Kubernetes' JSON, and makes "did it change" a plain
 * deepEqual without spurious writes of 0 over a missing field.
 */
import type { KObject } from "../../registry/types.js";
import type { ReconcileContext, Resource } from "../types.js";
import { deepEqual } from "../../apimachinery/objects.js";

const empty = (v: unknown) =>
  v === undefined || v === null || v === 0 || v === "" || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/** A copy of obj without its empty top-level fields, except those named in keep (Go fields without omitempty). */
export function omitEmpty<T extends object>(obj: T, keep: readonly string[] = []): T {
  return Object.fromEntries(Object.entries(obj).filter(([k, v]) => keep.includes(k) ? v !== undefined : !empty(v))) as T;
}

/** Whether two statuses differ once both are in omitEmpty form. */
export const statusChanged = (a: object | undefined, b: object | undefined, keep: readonly string[] = []): boolean =>
  !deepEqual(omitEmpty(a ?? {}, keep), omitEmpty(b ?? {}, keep));

/**
 * Write status through /status when it changed (a no-op write would wake
 * every watcher). `keep` names the fields Go serialises even when zero.
 */
export async function writeStatus(ctx: ReconcileContext, resource: Resource, obj: KObject, status: object, keep: readonly string[] = []): Promise<void> {
  const next = JSON.parse(JSON.stringify(omitEmpty(status, keep))) as object;
  if (!statusChanged(obj.status ?? {}, next, keep)) return;
  await ctx.client.updateStatus(resource, { ...obj, status: next });
}
