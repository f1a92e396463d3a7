/**
 * Strategic merge patch (application/strategic-merge-patch+json), a port of
 * the apply half of k8s.io/apimachinery/pkg/util/strategicpatch
 * (StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls):
 * what `kubectl apply` (client-side), `edit`, `label`, `annotate`, `set` and
 * `patch` send for built-in types.
 *
 * Lists merge by x-kubernetes-patch-merge-key when the field's
 * x-kubernetes-patch-strategy is "merge" (primitive lists become a set union,
 * e.g. finalizers); other lists, and fields of unknown type, are replaced.
 * Directives: $patch (replace | delete on maps and list elements), $retainKeys,
 * $setElementOrder/<list>, $deleteFromPrimitiveList/<list>; null deletes.
 * Like Kubernetes, "$patch: merge" is rejected.
 *
 * Kubernetes decodes the merged map into the typed object next, which drops
 * explicit nulls and directive keys that reached the result verbatim (new
 * list elements, replaced lists); `sanitize` does that here so the stored
 * JSON looks like what the apiserver would serve.
 *
 * Errors: the ones the apiserver maps to 400 and 422 keep those codes. The
 * rest (missing merge key, mixed element types, bad directive values) are
 * unclassified errors there, i.e. 500s; here they are 400 with the same text.
 */
import { errors } from "../status.js";
import { clone, goFormat, goJsonKind, goTypeName, hasOwn, isObject, type JsonObject } from "./json.js";
import { unprocessable } from "./patch-errors.js";
import { fieldOf, itemsOf, patchMeta, type PatchMeta, type TypeRef } from "./schema-walk.js";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ELEMENT_ORDER = "$setElementOrder";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

const ERR_PRIMITIVE_LIST = "invalid patch format of primitive list";
const ERR_RETAIN_KEYS = "invalid patch format of retainKeys";
const ERR_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list";

const errNoMergeKey = (m: JsonObject, key: string) => errors.badRequest(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown) => errors.badRequest(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: JsonObject) => errors.badRequest(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);

/** Apply a strategic merge patch to a copy of `doc`, typed by `root`; the inputs are not modified. */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, root: TypeRef): JsonObject {
  if (!isObject(patch)) {
    throw errors.badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  if (!isObject(doc)) throw errors.badRequest("invalid JSON document");
  return mergeMap(clone(doc), clone(patch), root);
}

function lookupStruct(t: TypeRef, key: string): [TypeRef, PatchMeta] {
  const field = fieldOf(t, key);
  return [field, patchMeta(field)];
}

/** A field that is not an array schema but holds a list is its own element type (as in PatchMetaFromOpenAPIV3). */
function lookupSlice(t: TypeRef, key: string): [TypeRef, PatchMeta] {
  const field = fieldOf(t, key);
  const items = itemsOf(field);
  return [items.schema === undefined ? field : items, patchMeta(field)];
}

/** The strategy other than retainKeys (extractRetainKeysPatchStrategy). */
function strategyOf(meta: PatchMeta): string {
  const s = meta.strategies;
  if (s.length === 0) return "";
  if (s.length === 1) return s[0] === "retainKeys" ? "" : s[0];
  if (s.length === 2 && s[0] === "retainKeys") return s[1];
  if (s.length === 2 && s[1] === "retainKeys") return s[0];
  throw errors.badRequest(`unexpected patch strategy: ${goFormat(s)}`);
}

function mergeMap(original: JsonObject, patch: JsonObject, t: TypeRef): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, t);

  for (const patchKey of Object.keys(patch)) {
    const patchV = patch[patchKey];
    const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const k = isDeleteList ? extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST, ERR_PRIMITIVE_LIST) : patchKey;

    if (patchV === null) {
      delete original[k];
      continue;
    }
    const o = original[k];
    if (!hasOwn(original, k) || goTypeName(o) !== goTypeName(patchV)) {
      if (!isDeleteList) insert(original, k, patchV);
      continue;
    }
    if (isObject(o)) {
      const [sub, meta] = lookupStruct(t, k);
      original[k] = strategyOf(meta) === "replace" ? sanitize(patchV) : mergeMap(o, patchV as JsonObject, sub);
    } else if (Array.isArray(o)) {
      const [sub, meta] = lookupSlice(t, k);
      original[k] = mergeSliceHandler(o, patchV as unknown[], sub, strategyOf(meta), meta.mergeKey, isDeleteList).list;
    } else {
      insert(original, k, patchV);
    }
  }
  return original;
}

/** A patch value taken as is: nulls discarded, directive maps dropped. */
function insert(original: JsonObject, k: string, patchV: unknown): void {
  const [v, keep] = removeDirectives(patchV);
  if (keep) original[k] = sanitize(v);
  else delete original[k];
}

function mapDirective(patch: JsonObject): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive === "replace") {
    delete patch[DIRECTIVE];
    return sanitize(patch) as JsonObject;
  }
  if (directive === "delete") return {};
  throw errBadPatchType(directive, patch);
}

/** "$deleteFromPrimitiveList/finalizers" → "finalizers". */
function extractKey(s: string, prefix: string, err: string): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) throw errors.badRequest(err);
  return s.slice(slash + 1);
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw errors.badRequest(ERR_RETAIN_KEYS);
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw errors.badRequest(ERR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * $setElementOrder/<list>: merge the list now and order it, with precedence
 * $setElementOrder > order in the patch list > order in the live list
 * (mergePatchIntoOriginal).
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, t: TypeRef): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType("[]interface {}", order);
    const field = extractKey(key, SET_ELEMENT_ORDER, ERR_SET_ELEMENT_ORDER);
    const foundOriginal = hasOwn(original, field);
    const foundPatch = hasOwn(patch, field);
    if (foundOriginal && !Array.isArray(original[field])) throw errBadArgType("[]interface {}", original[field]);
    if (foundPatch && !Array.isArray(patch[field])) throw errBadArgType("[]interface {}", patch[field]);
    const originalList = (original[field] as unknown[] | undefined) ?? [];
    const patchList = (patch[field] as unknown[] | undefined) ?? [];
    const [sub, meta] = lookupSlice(t, field);
    const strategy = strategyOf(meta);
    validateSetElementOrder(patchList, order, meta.mergeKey);

    let merged: SliceMerge;
    if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, sub, strategy, meta.mergeKey, false);
    else if (foundOriginal) merged = { list: originalList, liveOrder: originalList };
    else if (foundPatch) merged = { list: sanitize(removeDirectives(patchList)[0]) as unknown[], liveOrder: [] };
    else continue;

    const [patchItems, serverOnly] =
      meta.mergeKey === "" ? partitionPrimitives(merged.list, order) : partitionMaps(merged.list, order, meta.mergeKey);
    const kind = elementKind(originalList, patchList);
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, merged.liveOrder, meta.mergeKey, kind);
    delete patch[field];
  }
}

/** The patch list's items must appear in $setElementOrder, in the same relative order. */
function validateSetElementOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletes(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isObject(items[p]) && hasOwn(items[p] as JsonObject, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyEqual(items[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw errors.badRequest(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`,
    );
  }
}

function mergeKeyEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw errBadArgType("map[string]interface {}", left);
  if (!isObject(right)) throw errBadArgType("map[string]interface {}", right);
  if (!hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/**
 * A merged list, and the live order $setElementOrder falls back on. In
 * Kubernetes the latter is the live slice as the merge left it: deleting an
 * element shifts the slice in place and appending new elements writes over
 * its tail (Go slice aliasing), so it is the live list minus deletions plus
 * appended elements, cut to the live list's length. Results depend on it.
 */
interface SliceMerge {
  list: unknown[];
  liveOrder: unknown[];
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  sub: TypeRef,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): SliceMerge {
  if (strategy === "merge" || isDeleteList) return mergeSlice(original, patch, sub, mergeKey, isDeleteList);
  return { list: sanitize(patch) as unknown[], liveOrder: original };
}

function mergeSlice(original: unknown[], patch: unknown[], sub: TypeRef, mergeKey: string, isDeleteList: boolean): SliceMerge {
  if (original.length === 0 && patch.length === 0) return { list: original, liveOrder: original };
  const kind = elementKind(original, patch);
  if (kind !== "map") {
    if (isDeleteList) return { list: deleteFromSlice(original, patch), liveOrder: original };
    const merged = deduplicateScalars([...original, ...patch]);
    const [patchItems, serverOnly] = partitionPrimitives(merged, patch);
    return { list: normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind), liveOrder: original };
  }
  if (!mergeKey) throw errors.badRequest("cannot merge lists without merge key for struct");
  const [base, rest, replaced] = applySpecialElements(original, patch, mergeKey);
  const merged = mergeByKey(base, rest, mergeKey, sub);
  const [patchItems, serverOnly] = partitionMaps(merged, rest, mergeKey);
  return {
    list: normalizeElementOrder(patchItems, serverOnly, rest, base, mergeKey, kind),
    liveOrder: replaced ? original : merged.slice(0, original.length),
  };
}

/**
 * The element type shared by the lists (sliceElementType): "map" for objects,
 * else the Go type name. Lists of lists are a 422 in Kubernetes.
 */
function elementKind(...lists: unknown[][]): string {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = isObject(v) ? "map" : goTypeName(v);
      if (kind === undefined) {
        if (Array.isArray(v)) throw unprocessable("lists of lists are not supported");
        kind = k;
      } else if (k !== kind) {
        throw errors.badRequest(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (kind === undefined) throw errors.badRequest("no elements in any of the given slices");
  return kind;
}

/**
 * List elements carrying $patch: delete removes by key, replace drops the live
 * list. Returns the live items left, the patch items to merge, and whether the
 * list was replaced.
 */
function applySpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[], boolean] {
  const rest: unknown[] = [];
  let base = original;
  let replace = false;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!hasOwn(m, DIRECTIVE)) {
      rest.push(v);
      continue;
    }
    switch (m[DIRECTIVE]) {
      case "delete":
        if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
        for (let i = findByKey(base, mergeKey, m[mergeKey]); i >= 0; i = findByKey(base, mergeKey, m[mergeKey])) {
          base = [...base.slice(0, i), ...base.slice(i + 1)];
        }
        break;
      case "replace":
        replace = true;
        break;
      case "merge":
        throw errors.badRequest("merging lists cannot yet be specified in the patch");
      default:
        throw errBadPatchType(m[DIRECTIVE], m);
    }
  }
  return replace ? [sanitize(rest) as unknown[], [], true] : [base, rest, false];
}

/** Merge patch elements into the live ones with the same key; append the others. */
function mergeByKey(original: unknown[], patch: unknown[], mergeKey: string, sub: TypeRef): unknown[] {
  const out = [...original];
  for (const v of patch) {
    const m = v as JsonObject;
    if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const i = findByKey(out, mergeKey, m[mergeKey]);
    if (i >= 0) out[i] = mergeMap(out[i] as JsonObject, m, sub);
    else out.push(sanitize(m));
  }
  return out;
}

function findByKey(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isObject(v)) throw errors.badRequest(`value for key ${i} is not a map`);
    if (hasOwn(v, key) && v[key] === value) return i;
  }
  return -1;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const drop = new Set(toDelete);
  return current.filter((v) => !drop.has(v));
}

/** Kubernetes' in-place deduplication (it moves the last element into each duplicate's slot). */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const present = new Set(by);
  return [list.filter((v) => present.has(v)), list.filter((v) => !present.has(v))];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType("map[string]interface {}", v);
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/** Sort patch items by the patch order and server-only items by the live order, then interleave. */
function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: string,
): unknown[] {
  const sortedPatch = sortByOrder(patch, patchOrder, mergeKey, kind);
  const sortedServer = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

function sortByOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: string): unknown[] {
  let items = toSort;
  let deletes: unknown[] = [];
  if (kind === "map") {
    for (const list of [toSort, order]) {
      for (const item of list) {
        if (!isObject(item)) throw errBadArgType("map[string]interface {}", item);
        if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    [items, deletes] = splitDeletes(toSort);
  }
  const sorted = [...items].sort((a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = indexIn(order, b, mergeKey, kind);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
  return [...sorted, ...deletes];
}

/** Items that are not "$patch: delete" markers, and those that are. */
function splitDeletes(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const deletes: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType("map[string]interface {}", v);
    (v[DIRECTIVE] === "delete" ? deletes : keep).push(v);
  }
  return [keep, deletes];
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: string): number {
  const key = (v: unknown) => (kind === "map" ? (isObject(v) ? v[mergeKey] : undefined) : v);
  const want = key(item);
  return list.findIndex((v) => key(v) === want);
}

/**
 * Insert the server-only items (left) among the patch items (right): both
 * keep their relative order; a left item goes before the first right item it
 * precedes in the live list (mergeSortedSlice).
 */
function mergeSorted(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Drop maps that carry $patch (and list items that are such maps), recursively. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  if (!isObject(v)) return [v, true];
  if (hasOwn(v, DIRECTIVE)) return [undefined, false];
  for (const k of Object.keys(v)) {
    const [nv, keep] = removeDirectives(v[k]);
    if (keep) v[k] = nv;
    else delete v[k];
  }
  return [v, true];
}

const isDirectiveKey = (k: string) =>
  k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER + "/") || k.startsWith(DELETE_FROM_PRIMITIVE_LIST + "/");

/** What the typed decode after the merge keeps of raw patch content: no null fields, no directive keys. */
function sanitize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sanitize);
  if (!isObject(v)) return v;
  for (const k of Object.keys(v)) {
    if (v[k] === null || isDirectiveKey(k)) delete v[k];
    else v[k] = sanitize(v[k]);
  }
  return v;
}
