/**
 * Status objects as Go serialises them: fields tagged omitempty vanish when
 * zero or empty. Building statuses through omitEmpty keeps what controllers
 * write identical to Kubernetes' JSON, and makes "did it change" a plain
 * deepEqual without spurious writes of 0 over a missing field.
 */
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
