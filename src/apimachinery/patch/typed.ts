/**
 * Schema-aware operations on objects for server-side apply, ported from
 * sigs.k8s.io/structured-merge-diff/typed: the field set an object sets, the
 * difference between two versions of an object, the merge of an applied
 * configuration into a live object, and the removal of a field set.
 *
 * How a value is treated comes from its schema (schema-walk.ts): maps and
 * structs are granular unless x-kubernetes-map-type is atomic; lists are
 * atomic unless x-kubernetes-list-type (or, for built-in types, a merge patch
 * strategy) makes them a set or a map keyed by fields. Values of unknown
 * type are granular maps and atomic lists, like Kubernetes' "deduced" type.
 */
import { FieldSet, fieldElement, keyElement, pathString, singleKeyElement, valueElement, type Path, type PathElement } from "./fieldpath.js";
import { deepEqual, hasOwn, isObject, type JsonObject } from "./json.js";
import {
  declaredKind,
  fieldOf,
  isAtomicMap,
  isField,
  itemsOf,
  keyDefault,
  listType,
  resolve,
  unknownType,
  type ListType,
  type TypeRef,
} from "./schema-walk.js";

/** A value does not fit its schema (a map-list item without keys, duplicate keys in applied config). */
export class TypedError extends Error {}

export type Atom = "map" | "list" | "scalar";

/** How a value is handled: by what it is, and for null by what its schema declares. */
export function atomOf(v: unknown, t: TypeRef): Atom {
  if (isObject(v)) return "map";
  if (Array.isArray(v)) return "list";
  if (v === null) {
    const k = declaredKind(t);
    if (k === "map" || k === "list") return k;
  }
  return "scalar";
}

const asMap = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);
const asList = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const emptyMap = (m: JsonObject | undefined) => !m || Object.keys(m).length === 0;
const emptyList = (l: unknown[] | undefined) => !l || l.length === 0;
const member = (m: JsonObject | undefined, k: string) => (m && hasOwn(m, k) ? m[k] : undefined);

/** The path element naming a list item: its key fields, or its value for sets. */
function itemElement(lt: ListType, items: TypeRef, child: unknown): PathElement {
  if (lt.type === "map") {
    if (child === null) throw new TypedError("associative list with keys may not have a null element");
    if (!isObject(child)) throw new TypedError("associative list with keys may not have non-map elements");
    const fields: [string, unknown][] = [];
    for (const key of lt.keys) {
      if (hasOwn(child, key)) fields.push([key, child[key]]);
      else {
        const def = keyDefault(items, key);
        if (def !== undefined && def !== null) fields.push([key, def]);
      }
    }
    if (fields.length === 0) {
      throw new TypedError(
        `associative list with keys has an element that omits all key fields [${lt.keys.map((k) => JSON.stringify(k)).join(" ")}] (and doesn't have default values for any key fields)`,
      );
    }
    return fields.length === 1 ? singleKeyElement(fields[0][0], fields[0][1]) : keyElement(fields);
  }
  if (isObject(child)) throw new TypedError("associative list without keys has an element that's a map type");
  if (Array.isArray(child)) throw new TypedError("not supported: associative list with lists as elements");
  if (child === null) throw new TypedError("associative list without keys has an element that's an explicit null");
  return valueElement(child);
}

/** The path elements of a list's items; throws a TypedError for an item the list type does not allow. */
export function elements(lt: ListType, items: TypeRef, list: unknown[], path: Path): PathElement[] {
  return list.map((child, i) => {
    try {
      return itemElement(lt, items, child);
    } catch (e) {
      throw new TypedError(`${pathString(path)}: element ${i}: ${(e as Error).message}`);
    }
  });
}

/** The fields an object sets (TypedValue.ToFieldSet). */
export function toFieldSet(v: unknown, t: TypeRef): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, t: TypeRef, path: Path): void => {
    const atom = atomOf(v, t);
    if (atom === "scalar") return set.insert(path);
    if (atom === "map") {
      if (isAtomicMap(t)) return set.insert(path);
      for (const [k, val] of Object.entries(asMap(v) ?? {})) {
        const p = [...path, fieldElement(k)];
        walk(val, fieldOf(t, k), p);
        // Struct fields are implied by what they contain; map entries and empty values are recorded.
        if (val === null || (isObject(val) && emptyMap(val)) || !isField(t, k)) set.insert(p);
      }
      return;
    }
    const lt = listType(t);
    if (lt.type === "atomic") return set.insert(path);
    const list = asList(v) ?? [];
    const items = itemsOf(t);
    const pes = elements(lt, items, list, path);
    const counts = new Map<PathElement, number>();
    for (const pe of pes) counts.set(pe, (counts.get(pe) ?? 0) + 1);
    // Duplicated items are owned as a whole.
    for (const [pe, n] of counts) if (n > 1) set.insert([...path, pe]);
    list.forEach((child, i) => {
      if (counts.get(pes[i])! > 1) return;
      const p = [...path, pes[i]];
      walk(child, items, p);
      set.insert(p);
    });
  };
  walk(v, t, []);
  return set;
}

/** Fields present in only one of two versions, or in both with different values. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `lhs` to `rhs` (TypedValue.Compare); undefined stands for "absent". */
export function compare(lhs: unknown, rhs: unknown, t: TypeRef): Comparison {
  const cmp: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(lhs, rhs, t, [], cmp);
  return cmp;
}

function compareAt(l: unknown, r: unknown, t: TypeRef, path: Path, cmp: Comparison): void {
  // Each handler records a differing "big leaf" (scalar, atomic or empty value) once.
  const handle = (atom: Atom): boolean => {
    let inLeaf = false;
    const leaf = () => {
      inLeaf = true;
      if (l === undefined) cmp.added.insert(path);
      else if (r === undefined) cmp.removed.insert(path);
      else if (!deepEqual(l, r)) cmp.modified.insert(path);
    };
    if (atom === "scalar") leaf();
    else if (atom === "map") {
      const lm = asMap(l);
      const rm = asMap(r);
      if (isAtomicMap(t) || (emptyMap(lm) && emptyMap(rm))) leaf();
      else for (const k of zipKeys(lm, rm)) compareAt(member(lm, k), member(rm, k), fieldOf(t, k), [...path, fieldElement(k)], cmp);
    } else {
      const ll = asList(l);
      const rl = asList(r);
      if (listType(t).type === "atomic" || (emptyList(ll) && emptyList(rl))) leaf();
      else compareItems(ll ?? [], rl ?? [], t, path, cmp);
    }
    return inLeaf;
  };
  const la = l === undefined ? undefined : atomOf(l, t);
  const ra = r === undefined ? undefined : atomOf(r, t);
  let inLeaf: boolean;
  if (ra === undefined) inLeaf = handle(la!);
  else if (la === undefined || la === ra) inLeaf = handle(ra);
  else {
    handle(la);
    inLeaf = handle(ra);
  }
  if (!inLeaf) {
    if (l === undefined) cmp.added.insert(path);
    else if (r === undefined) cmp.removed.insert(path);
  }
}

function compareItems(lhs: unknown[], rhs: unknown[], t: TypeRef, path: Path, cmp: Comparison): void {
  const lt = listType(t);
  const items = itemsOf(t);
  // Every element once, the left list's first (insertion order of a Set).
  const all = new Set<PathElement>();
  const group = (list: unknown[]) => {
    const byPE = new Map<PathElement, unknown[]>();
    elements(lt, items, list, path).forEach((pe, i) => {
      const g = byPE.get(pe);
      if (g) g.push(list[i]);
      else {
        byPE.set(pe, [list[i]]);
        all.add(pe);
      }
    });
    return byPE;
  };
  const lValues = group(lhs);
  const rValues = group(rhs);
  for (const pe of all) {
    const ls = lValues.get(pe) ?? [];
    const rs = rValues.get(pe) ?? [];
    const p = [...path, pe];
    if (ls.length <= 1 && rs.length <= 1) compareAt(ls[0], rs[0], items, p, cmp);
    else if (ls.length >= 2 && rs.length >= 2) {
      if (!deepEqual(ls, rs)) cmp.modified.insert(p);
    } else if (ls.length >= 2) {
      if (rs.length) compareAt(undefined, rs[0], items, p, cmp);
      cmp.removed.insert(p);
    } else {
      if (ls.length) compareAt(ls[0], undefined, items, p, cmp);
      cmp.added.insert(p);
    }
  }
}

/** Keys of both maps, the left's first. */
function zipKeys(a: JsonObject | undefined, b: JsonObject | undefined): string[] {
  const keys = Object.keys(a ?? {});
  for (const k of Object.keys(b ?? {})) if (!a || !hasOwn(a, k)) keys.push(k);
  return keys;
}

/**
 * Merge an applied configuration into a live object (TypedValue.Merge):
 * applied values win, maps merge per key, associative lists per item (in an
 * order that respects both lists), atomic values are replaced. An explicit
 * null in the configuration unsets the field.
 */
export function merge(live: unknown, config: unknown, t: TypeRef): unknown {
  return mergeAt(live, config, t, []);
}

function mergeAt(l: unknown, r: unknown, t: TypeRef, path: Path): unknown {
  const keepRHS = () => (r === undefined ? l : r === null ? undefined : r);
  const atom = r === undefined ? atomOf(l, t) : atomOf(r, t);
  if (atom === "scalar") return keepRHS();
  if (atom === "map") {
    const lm = asMap(l);
    const rm = asMap(r);
    if (isAtomicMap(t) || (emptyMap(lm) && emptyMap(rm))) return keepRHS();
    const out: JsonObject = {};
    for (const k of zipKeys(lm, rm)) {
      const v = mergeAt(member(lm, k), member(rm, k), fieldOf(t, k), [...path, fieldElement(k)]);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  const ll = asList(l) ?? [];
  const rl = asList(r) ?? [];
  const lt = listType(t);
  if (lt.type === "atomic" || (ll.length === 0 && rl.length === 0)) return keepRHS();
  const out = mergeItems(ll, rl, lt, itemsOf(t), path);
  return out.length > 0 ? out : undefined;
}

/** The ordering walk of mergingWalker.visitListItems. */
function mergeItems(lhs: unknown[], rhs: unknown[], lt: ListType, items: TypeRef, path: Path): unknown[] {
  const rPEs = elements(lt, items, rhs, path);
  const rObserved = new Map<PathElement, unknown>();
  rPEs.forEach((pe, i) => {
    if (rObserved.has(pe)) throw new TypedError(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
    rObserved.set(pe, rhs[i]);
  });
  const lPEs = elements(lt, items, lhs, path);
  // Live duplicates are allowed; a duplicated item merges as null.
  const lObserved = new Map<PathElement, unknown>();
  lPEs.forEach((pe, i) => lObserved.set(pe, lObserved.has(pe) ? null : lhs[i]));

  const shared = rPEs.filter((pe) => lObserved.has(pe));
  let nextShared = shared.shift();
  const mergedRHS = new Set<PathElement>();
  const out: unknown[] = [];
  const emit = (pe: PathElement, lc: unknown, rc: unknown) => {
    const v = mergeAt(lc, rc, items, [...path, pe]);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lPEs.length || ri < rPEs.length) {
    if (li < lPEs.length && ri < rPEs.length) {
      const pe = lPEs[li];
      if (pe === rPEs[ri]) {
        mergedRHS.add(pe);
        emit(pe, lObserved.get(pe), rObserved.get(pe));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      // A live item the config also has, but later: wait for it unless it is the next shared one.
      if (rObserved.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < lPEs.length) {
      const pe = lPEs[li];
      if (!rObserved.has(pe)) {
        emit(pe, lhs[li], undefined);
        li++;
        continue;
      }
      if (mergedRHS.has(pe)) li++;
    }
    if (ri < rPEs.length) {
      const pe = rPEs[ri];
      mergedRHS.add(pe);
      emit(pe, lObserved.get(pe), rObserved.get(pe));
      ri++;
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

/**
 * The object as Kubernetes holds it once decoded into its Go types, which is
 * what it compares: struct fields that are not pointers (OpenAPI v3 gives them
 * `default: {}`) are always there, and required lists and maps are there as
 * null. This is why a create records "." on labels (a map that appeared) but
 * not on spec or template (structs that were always there, if empty).
 * The zero values added are shared and frozen (see zeroFields).
 */
export function withGoZeroValues(v: unknown, t: TypeRef): unknown {
  if (Array.isArray(v)) {
    const items = itemsOf(t);
    return v.map((x) => withGoZeroValues(x, items));
  }
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) out[k] = withGoZeroValues(val, fieldOf(t, k));
  for (const z of zeroFields(t)) if (!hasOwn(out, z.key)) out[z.key] = z.value;
  return out;
}

/** A field Go decoding always gives a value: a {}-defaulted struct, or a required map or list (null). */
export interface ZeroField {
  key: string;
  value: unknown;
}

const zeroPlans = new WeakMap<object, ZeroField[]>();
const NO_ZEROS: ZeroField[] = [];

/** The zero fields of a schema, as withGoZeroValues adds them, in its order; values are shared and frozen. */
export function zeroFields(t: TypeRef): ZeroField[] {
  const owner = t.schema;
  if (!owner || typeof owner !== "object") return NO_ZEROS;
  let plan = zeroPlans.get(owner);
  if (plan) return plan;
  plan = [];
  const s = resolve(t);
  const required: unknown[] = Array.isArray(s?.required) ? s.required : [];
  for (const [k, prop] of Object.entries((s?.properties ?? {}) as Record<string, JsonObject>)) {
    const ft = fieldOf(t, k);
    const kind = declaredKind(ft);
    if (kind === "map" && isObject(prop?.default) && Object.keys(prop.default).length === 0) plan.push({ key: k, value: deepFreeze(filledDeep({}, ft)) });
    else if ((kind === "map" || kind === "list") && required.includes(k)) plan.push({ key: k, value: null });
  }
  zeroPlans.set(owner, plan.length ? plan : NO_ZEROS);
  return plan;
}

/** withGoZeroValues of an empty struct: the zero fields, themselves filled. */
function filledDeep(m: JsonObject, t: TypeRef): JsonObject {
  const out: JsonObject = { ...m };
  for (const z of zeroFields(t)) if (!hasOwn(out, z.key)) out[z.key] = z.value;
  return out;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The object without the fields in `set` (TypedValue.RemoveItems); undefined when nothing is left. */
export function removeItems(v: unknown, set: FieldSet, t: TypeRef): unknown {
  const atom = atomOf(v, t);
  if (atom === "scalar") return v;
  if (atom === "map") {
    const m = asMap(v);
    if (emptyMap(m) || isAtomicMap(t)) return undefined;
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(m!)) {
      const pe = fieldElement(k);
      if (set.has([pe])) continue;
      const sub = set.withPrefix(pe);
      const nv = sub.empty() ? val : removeItems(val, sub, fieldOf(t, k));
      if (nv !== undefined) out[k] = nv;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  const list = asList(v);
  const lt = listType(t);
  if (emptyList(list) || lt.type === "atomic") return undefined;
  const items = itemsOf(t);
  const pes = elements(lt, items, list!, []);
  const out: unknown[] = [];
  list!.forEach((item, i) => {
    if (set.has([pes[i]])) return;
    const sub = set.withPrefix(pes[i]);
    const nv = sub.empty() ? item : removeItems(item, sub, items);
    if (nv !== undefined) out.push(nv);
  });
  return out.length > 0 ? out : undefined;
}

/**
 * The set with every struct field it descends into also made a member
 * (Set.EnsureNamedFieldsAreMembers), so that removing it removes the field.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, t: TypeRef): FieldSet {
  const out = new FieldSet();
  for (const m of set.members) out.members.add(m);
  for (const [pe, child] of set.children) {
    let ct: TypeRef;
    if (pe.startsWith("f:")) {
      const name = pe.slice(2);
      if (isField(t, name)) out.members.add(pe);
      ct = fieldOf(t, name);
    } else if (pe.startsWith("k:")) ct = itemsOf(t);
    else ct = unknownType(t.defs);
    out.children.set(pe, ensureNamedFieldsAreMembers(child, ct));
  }
  return out;
}
