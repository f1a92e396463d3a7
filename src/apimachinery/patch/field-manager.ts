/**
 * The field manager: server-side apply, and the managedFields bookkeeping of
 * every other write. A port of k8s.io/apimachinery/pkg/util/managedfields
 * (the default FieldManager chain) over sigs.k8s.io/structured-merge-diff's
 * merge.Updater, for one API version per kind (no conversion between versions).
 *
 * The chain, outermost first, as NewDefaultFieldManager builds it:
 *  - version check: the applied object must be of the request's apiVersion;
 *  - last-applied updater / manager (only for manager "kubectl"): keep the
 *    client-side-apply annotation in sync, and let `kubectl apply
 *    --server-side` take over fields client-side apply recorded without conflict;
 *  - skip-non-applied: an object with no managedFields starts being tracked on
 *    create; on its first apply, existing fields go to "before-first-apply";
 *  - cap managers: at most 10 Update entries;
 *  - build manager info: the manager identifier (see managed-fields.ts);
 *  - managed-fields updater: timestamps; a write's changes accrue to its manager;
 *  - strip meta: apiVersion, kind, metadata.{name,namespace,uid,...} are never owned;
 *  - structured merge: merge, prune, conflicts (typed.ts, fieldpath.ts).
 * Fields the kind's strategy resets (status on the main resource, spec on
 * /status) are never owned and never conflict.
 */
import type { KObject, ManagedFieldsEntry } from "../../registry/types.js";
import { errors } from "../status.js";
import { compareGo } from "./compare-go.js";
import { ApplyConflicts } from "./conflicts.js";
import { FieldSet, fieldElement } from "./fieldpath.js";
import { clone, deepEqual, goJson, isObject } from "./json.js";
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  isResetManagedFields,
  managerIdentifier,
  type Managers,
} from "./managed-fields.js";
import type { TypeRef } from "./schema-walk.js";
import {
  TypedError,
  compare,
  ensureNamedFieldsAreMembers,
  merge,
  removeItems,
  toFieldSet,
  withGoZeroValues,
  type Comparison,
} from "./typed.js";

export interface UpdateOptions {
  /** The fieldManager of the request (see managerFromUserAgent when none was given). */
  manager: string;
  /** The apiVersion the request was made through. */
  apiVersion: string;
  /** RFC 3339 time of the write. */
  now: string;
  /** The kind's schema. */
  root: TypeRef;
  subresource?: string;
  /**
   * Paths the kind's strategy resets, never owned (GetResetFields). Defaults:
   * ["status"] for the main resource, ["spec"] for /status, none otherwise.
   */
  resetFields?: string[][];
}

export interface ApplyOptions extends UpdateOptions {
  /** ?force=true: take ownership of conflicting fields instead of failing. */
  force: boolean;
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const BEFORE_FIRST_APPLY = "before-first-apply";
const CURRENT_OPERATION = "current-operation";
/** Upper bound of a field manager name (validation.FieldManagerMaxLength). */
const FIELD_MANAGER_MAX_LENGTH = 128;

const STRIPPED = FieldSet.of(
  ["f:apiVersion"],
  ["f:kind"],
  ["f:metadata"],
  ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"].map(
    (f) => ["f:metadata", fieldElement(f)],
  ),
);

interface Context {
  root: TypeRef;
  apiVersion: string;
  now: string;
  subresource?: string;
  reset: FieldSet;
}

/** The default reset sets, built once (sets are never changed once built). */
const RESET_MAIN = FieldSet.of(["f:status"]);
const RESET_STATUS = FieldSet.of(["f:spec"]);
const RESET_NONE = new FieldSet();

function contextOf(opts: UpdateOptions): Context {
  const reset = opts.resetFields
    ? FieldSet.of(...opts.resetFields.map((p) => p.map(fieldElement)))
    : opts.subresource === undefined
      ? RESET_MAIN
      : opts.subresource === "status"
        ? RESET_STATUS
        : RESET_NONE;
  return { root: opts.root, apiVersion: opts.apiVersion, now: opts.now, subresource: opts.subresource, reset };
}

/**
 * The field manager name Kubernetes derives from a User-Agent when the
 * request names none: the part before the first "/", printable characters
 * only, at most 128 bytes ("kubectl/v1.30.0 (linux/amd64) kubernetes/abc" → "kubectl").
 */
export function managerFromUserAgent(userAgent: string): string {
  const product = userAgent.split("/")[0];
  // Printable ASCII (the usual case) is kept whole: every character is a letter, digit, punctuation, symbol or space.
  if (product.length <= FIELD_MANAGER_MAX_LENGTH && /^[\x20-\x7e]*$/.test(product)) return product;
  const utf8 = new TextEncoder();
  let out = "";
  let bytes = 0;
  for (const ch of product) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const size = utf8.encode(ch).length;
    if (bytes + size > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/**
 * Record in metadata.managedFields who changed what in a create, update or
 * patch (not apply): the changed fields become owned by `manager` (operation
 * Update) and are taken from every other manager. Returns a copy of `updated`.
 * An object stored without managedFields is left untracked, as Kubernetes
 * does; a write that sets managedFields to [] or [{}] resets them.
 */
export function updateManagedFields(old: KObject | undefined, updated: KObject, opts: UpdateOptions): KObject {
  const result = clone(updated);
  const entries = managedFieldsAfterUpdate(old, updated, opts);
  // Deleted first: the record goes last in metadata, as it always has.
  delete result.metadata.managedFields;
  if (entries) result.metadata.managedFields = entries;
  return result;
}

/**
 * The metadata.managedFields updateManagedFields gives `updated` (undefined:
 * none), without copying the objects: neither is changed, and the entries
 * returned are new. For callers that keep `updated` (the store).
 */
export function managedFieldsAfterUpdate(old: KObject | undefined, updated: KObject, opts: UpdateOptions): ManagedFieldsEntry[] | undefined {
  const ctx = contextOf(opts);
  const managers = liveOrNewManagers(old, updated, opts.subresource !== undefined);
  if (managers.size === 0 && old !== undefined) return undefined;
  try {
    recordUpdate(ctx, withoutManagedFields(old) ?? {}, withoutManagedFields(updated), managers, opts.manager);
  } catch (e) {
    // UpdateNoErrors: an object the schema cannot describe keeps its old record.
    if (!(e instanceof TypedError)) throw e;
    return old?.metadata.managedFields ? clone(old.metadata.managedFields) : undefined;
  }
  return encodeManagedFields(managers);
}

/**
 * Server-side apply (PATCH application/apply-patch+yaml): merge `applied`
 * into `live` (undefined on create), remove what this manager applied before
 * and no longer applies unless someone else owns it, and record ownership.
 * Throws 409 Conflict when another manager owns a field whose value would
 * change, unless `force`.
 */
export function applyServerSide(live: KObject | undefined, applied: KObject, opts: ApplyOptions): KObject {
  if (!isObject(applied)) throw errors.badRequest("the applied configuration must be an object");
  checkApplied(live, applied, opts.apiVersion);
  const ctx = contextOf(opts);
  let managers: Managers;
  try {
    managers = decodeManagedFields(live?.metadata.managedFields ?? []);
  } catch (e) {
    throw errors.internal(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const liveObj = withoutManagedFields(live);
  const config = clone(applied);
  const id = managerIdentifier({ manager: opts.manager || "unknown", operation: "Apply", subresource: opts.subresource });
  const run = (force: boolean): ApplyOutcome => {
    const owners: Managers = new Map([...managers].map(([k, m]) => [k, { ...m }]));
    return { object: recordApply(ctx, liveObj, config, owners, id, force), owners };
  };

  let outcome: ApplyOutcome;
  try {
    outcome = runOrUpgrade(ctx, run, liveObj, opts.manager, opts.force);
  } catch (e) {
    if (e instanceof ApplyConflicts) throw e.toApiError();
    if (e instanceof TypedError) throw errors.badRequest(`failed to create typed patch object (${describe(applied)}): ${e.message}`);
    throw e;
  }
  const result = outcome.object;
  if (opts.manager === "kubectl" && result.metadata?.annotations?.[LAST_APPLIED]) {
    result.metadata.annotations[LAST_APPLIED] = lastAppliedOf(applied);
  }
  return withManagedFields(result, outcome.owners);
}

interface ApplyOutcome {
  object: KObject;
  owners: Managers;
}

/**
 * `kubectl apply --server-side` after client-side apply: conflicts on fields
 * the last-applied annotation still describes are not conflicts, the apply
 * is forced (lastAppliedManager). Only for manager "kubectl".
 */
function runOrUpgrade(ctx: Context, run: (force: boolean) => ApplyOutcome, live: KObject | undefined, manager: string, force: boolean): ApplyOutcome {
  try {
    return run(force);
  } catch (e) {
    if (!(e instanceof ApplyConflicts) || manager !== "kubectl") throw e;
    const allowed = allowedByLastApplied(ctx, live);
    const remaining = allowed ? e.conflicts.filter((c) => !allowed.has(c.path)) : e.conflicts;
    if (remaining.length > 0) throw new ApplyConflicts(remaining);
    return run(true);
  }
}

function checkApplied(live: KObject | undefined, applied: KObject, apiVersion: string): void {
  if (applied.apiVersion !== apiVersion || (live !== undefined && applied.kind !== live.kind)) {
    // GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=Pod".
    const gv = applied.apiVersion ?? "";
    throw errors.badRequest(`invalid object type: ${gv.includes("/") ? gv : `/${gv}`}, Kind=${applied.kind ?? ""}`);
  }
  if (Array.isArray(applied.metadata?.managedFields)) throw errors.badRequest("metadata.managedFields must be nil");
}

const describe = (o: KObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}; ${o.apiVersion ?? ""}, Kind=${o.kind ?? ""}`;

/** The object without metadata.managedFields: a view sharing everything but the two top levels, to be read, not changed. */
function withoutManagedFields(o: KObject): KObject;
function withoutManagedFields(o: KObject | undefined): KObject | undefined;
function withoutManagedFields(o: KObject | undefined): KObject | undefined {
  if (!o) return undefined;
  if (!o.metadata || !Object.prototype.hasOwnProperty.call(o.metadata, "managedFields")) return o;
  const view = { ...o, metadata: { ...o.metadata } };
  delete view.metadata.managedFields;
  return view;
}

function withManagedFields(o: KObject, managers: Managers): KObject {
  const entries = encodeManagedFields(managers);
  if (entries) (o.metadata ??= {}).managedFields = entries;
  else delete o.metadata?.managedFields;
  return o;
}

/**
 * The record a write starts from: the one it carries (clients may edit
 * managedFields), else the live one; subresource writes always use the live one.
 */
function liveOrNewManagers(old: KObject | undefined, updated: KObject, isSubresource: boolean): Managers {
  const fromLive = () => decodeOrEmpty(old?.metadata.managedFields);
  if (isSubresource) return fromLive();
  const entries = updated.metadata.managedFields;
  if (isResetManagedFields(entries)) return new Map();
  const own = decodeOrEmpty(entries);
  return own.size > 0 ? own : fromLive();
}

function decodeOrEmpty(entries: ManagedFieldsEntry[] | undefined): Managers {
  try {
    return decodeManagedFields(entries ?? []);
  } catch {
    return new Map();
  }
}

/** The Update path below "cap managers": attribute the changes from live to next to `manager`. */
function recordUpdate(ctx: Context, live: unknown, next: unknown, managers: Managers, manager: string): void {
  const id = managerIdentifier({ manager: manager || "unknown", operation: "Update", apiVersion: ctx.apiVersion, subresource: ctx.subresource });
  structuredUpdate(ctx, live, next, managers, CURRENT_OPERATION);
  strip(managers, CURRENT_OPERATION);
  const current = managers.get(CURRENT_OPERATION);
  if (current) {
    managers.delete(CURRENT_OPERATION);
    const previous = managers.get(id);
    managers.set(id, { ...current, set: previous ? current.set.union(previous.set) : current.set, time: ctx.now });
  }
  capUpdateManagers(managers);
}

/** The Apply path below "skip non-applied"; returns the new object (the live one when nothing changed). */
function recordApply(ctx: Context, live: KObject | undefined, config: KObject, managers: Managers, id: string, force: boolean): KObject {
  if (managers.size === 0 && live !== undefined) recordUpdate(ctx, {}, live, managers, BEFORE_FIRST_APPLY);
  const liveValue = live ?? {};
  const changed = structuredApply(ctx, liveValue, config, managers, id, force);
  strip(managers, id);
  if (changed !== undefined) {
    const m = managers.get(id);
    if (m) m.time = ctx.now;
  }
  return clone((changed ?? liveValue) as KObject);
}

/** Never own the object's identity and system-maintained metadata. */
function strip(managers: Managers, id: string): void {
  const m = managers.get(id);
  if (!m) return;
  const set = m.set.difference(STRIPPED);
  if (set.empty()) managers.delete(id);
  else m.set = set;
}

const ignoreReset = (ctx: Context, s: FieldSet) => s.recursiveDifference(ctx.reset);

/**
 * merge.Updater.update: compare old and new; other managers lose the fields
 * that were removed, and the fields that changed, which are conflicts unless forced.
 */
function updateOwners(ctx: Context, oldObj: unknown, newObj: unknown, managers: Managers, workflow: string, force: boolean): Comparison {
  const c = compareGo(oldObj, newObj, ctx.root);
  const cmp: Comparison = { added: ignoreReset(ctx, c.added), modified: ignoreReset(ctx, c.modified), removed: ignoreReset(ctx, c.removed) };
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    const owned = m.set.intersection(changed);
    if (!owned.empty()) conflicts.set(id, owned);
  }
  if (!force && conflicts.size > 0) throw ApplyConflicts.fromSets(conflicts);
  for (const [id, m] of managers) {
    if (id !== workflow) {
      const lost = conflicts.get(id);
      if (lost) m.set = m.set.difference(lost);
      if (!cmp.removed.empty()) m.set = m.set.difference(cmp.removed);
    }
    if (m.set.empty()) managers.delete(id);
  }
  return cmp;
}

/** merge.Updater.Update. */
function structuredUpdate(ctx: Context, live: unknown, next: unknown, managers: Managers, manager: string): void {
  const cmp = updateOwners(ctx, live, next, managers, manager, true);
  const previous = managers.get(manager)?.set ?? new FieldSet();
  const set = ignoreReset(ctx, previous.difference(cmp.removed).union(cmp.modified).union(cmp.added));
  if (set.empty()) managers.delete(manager);
  else managers.set(manager, { set, apiVersion: ctx.apiVersion, applied: false });
}

/** merge.Updater.Apply; returns undefined when the object does not change. */
function structuredApply(ctx: Context, live: unknown, config: unknown, managers: Managers, id: string, force: boolean): unknown {
  const merged = merge(live, config, ctx.root);
  const last = managers.get(id);
  managers.set(id, { set: ignoreReset(ctx, toFieldSet(config, ctx.root)), apiVersion: ctx.apiVersion, applied: true, time: last?.time });
  const pruned = last ? prune(ctx, merged, managers, last.set) : merged;
  updateOwners(ctx, live, pruned, managers, id, force);
  return deepEqual(live, pruned) ? undefined : pruned;
}

/**
 * Remove what the applier applied last time and not this time, unless some
 * manager (the applier included) still owns it; fields nobody owns that were
 * not in the last apply (defaults, for instance) stay (Updater.prune).
 */
function prune(ctx: Context, merged: unknown, managers: Managers, lastSet: FieldSet): unknown {
  if (lastSet.empty()) return merged;
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, ctx.root);
  const last = named(lastSet);
  const mergedSet = named(toFieldSet(merged, ctx.root));
  const firstCut = removeItems(merged, last, ctx.root);
  // Add back what any manager owns.
  const owned = named([...managers.values()].reduce((acc, m) => acc.union(m.set), new FieldSet()));
  const kept = removeItems(merged, mergedSet.difference(named(toFieldSet(firstCut, ctx.root)).union(owned)), ctx.root);
  // Remove only what the last apply had.
  return removeItems(merged, mergedSet.difference(named(toFieldSet(kept, ctx.root))).intersection(last), ctx.root);
}

/**
 * Fields the client-side apply annotation describes and the live object still
 * has with the same values: the ones `kubectl apply --server-side` may take over.
 */
function allowedByLastApplied(ctx: Context, live: KObject | undefined): FieldSet | undefined {
  const text = live?.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    const lastApplied: unknown = JSON.parse(text);
    if (!isObject(lastApplied) || lastApplied.apiVersion !== ctx.apiVersion) return undefined;
    const c = compare(lastApplied, withGoZeroValues(live, ctx.root), ctx.root);
    return toFieldSet(lastApplied, ctx.root).difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}

/** The annotation value kubectl would write for `applied`: sorted-key JSON and a newline. */
function lastAppliedOf(applied: KObject): string {
  const copy = clone(applied);
  if (copy.metadata?.annotations) delete copy.metadata.annotations[LAST_APPLIED];
  return goJson(copy, true) + "\n";
}
