/**
 * compareGo(l, r, t) computes exactly compare(withGoZeroValues(l, t),
 * withGoZeroValues(r, t), t) (typed.ts), the comparison behind the
 * managedFields bookkeeping of every write, without its cost:
 *
 *  - Go zero values are filled in lazily, one map at a time, from a per-schema
 *    plan whose zero structs are built once, instead of deep-copying both objects;
 *  - a subtree that is the same on both sides records nothing, so it is only
 *    checked for what would make compare throw (a TypedError from an
 *    associative list), and not at all when its type cannot hold such a list;
 *  - one mutable path and no per-node closures.
 *
 * The walk order is compare's, so the first TypedError (whose message apply
 * reports) is the same one. compare-go.test.ts checks the equivalence,
 * errors and insertion order included, on random objects.
 */
import { FieldSet, fieldElement, type Path, type PathElement } from "./fieldpath.js";
import { deepEqual, hasOwn, isObject, type JsonObject } from "./json.js";
import { fieldOf, isAtomicMap, itemsOf, listType, resolve, type ListType, type TypeRef } from "./schema-walk.js";
import { atomOf, elements, withGoZeroValues, zeroFields, type Comparison } from "./typed.js";

/** compare(withGoZeroValues(lhs, t), withGoZeroValues(rhs, t), t), faster. */
export function compareGo(lhs: unknown, rhs: unknown, t: TypeRef): Comparison {
  const w = new Walker();
  w.at(lhs, rhs, t);
  return w.cmp;
}

/** A map with its absent zero fields added (the map itself when none is absent); its values stay unfilled. */
function filled(m: JsonObject, t: TypeRef): JsonObject {
  const plan = zeroFields(t);
  let out: JsonObject | undefined;
  for (let i = 0; i < plan.length; i++) {
    const z = plan[i];
    if (!hasOwn(m, z.key)) (out ??= { ...m })[z.key] = z.value;
  }
  return out ?? m;
}

const isEmpty = (m: JsonObject) => Object.keys(m).length === 0;

/** The path elements of a list's items, read (like compare) from the zero-filled items. */
function elementsOf(lt: ListType, items: TypeRef, list: unknown[], path: Path): PathElement[] {
  if (lt.type !== "map" || zeroFields(items).length === 0) return elements(lt, items, list, path);
  return elements(lt, items, list.map((x) => (isObject(x) ? filled(x, items) : x)), path);
}

/**
 * deepEqual, except that a value holding an explicit undefined is never
 * "same": compare records such keys (as added), so they must be walked.
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return a !== undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!hasOwn(b as JsonObject, k) || !same((a as JsonObject)[k], (b as JsonObject)[k])) return false;
  return true;
}

/** Whether the zero-filled values are deepEqual: raw equality implies it; else fill both. */
function equalFilled(l: unknown, r: unknown, t: TypeRef): boolean {
  if (deepEqual(l, r)) return true;
  if (typeof l !== "object" || l === null || typeof r !== "object" || r === null) return false;
  return deepEqual(withGoZeroValues(l, t), withGoZeroValues(r, t));
}

const mayThrowMemo = new WeakMap<object, boolean>();

/**
 * Whether walking a value of this type can meet an associative list (the
 * only thing compare rejects). Unknown types have atomic lists; atomic maps
 * are not entered. Recursive types count as "may".
 */
function mayThrow(t: TypeRef): boolean {
  const owner = t.schema;
  if (!owner || typeof owner !== "object") return false;
  const hit = mayThrowMemo.get(owner);
  if (hit !== undefined) return hit;
  mayThrowMemo.set(owner, true);
  let r = listType(t).type !== "atomic";
  if (!r && !isAtomicMap(t)) {
    const s = resolve(t);
    for (const k of Object.keys(s?.properties ?? {})) if ((r = mayThrow(fieldOf(t, k)))) break;
    if (!r) {
      const ap = s?.additionalProperties;
      if (typeof ap === "object" && ap !== null) r = mayThrow({ defs: t.defs, schema: ap });
    }
  }
  mayThrowMemo.set(owner, r);
  return r;
}

class Walker {
  readonly cmp: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  private readonly path: Path = [];

  /** compareAt of typed.ts on zero-filled values; l and r are unfilled (undefined: absent). */
  at(l: unknown, r: unknown, t: TypeRef): void {
    if (same(l, r)) {
      if (mayThrow(t)) this.check(l, t);
      return;
    }
    const la = l === undefined ? undefined : atomOf(l, t);
    const ra = r === undefined ? undefined : atomOf(r, t);
    let inLeaf: boolean;
    if (ra === undefined) inLeaf = this.handle(la, l, r, t);
    else if (la === undefined || la === ra) inLeaf = this.handle(ra, l, r, t);
    else {
      this.handle(la, l, r, t);
      inLeaf = this.handle(ra, l, r, t);
    }
    if (!inLeaf) {
      if (l === undefined) this.cmp.added.insert(this.path);
      else if (r === undefined) this.cmp.removed.insert(this.path);
    }
  }

  /** A differing "big leaf" (scalar, atomic or empty value). */
  private leaf(l: unknown, r: unknown, t: TypeRef): true {
    if (l === undefined) this.cmp.added.insert(this.path);
    else if (r === undefined) this.cmp.removed.insert(this.path);
    else if (!equalFilled(l, r, t)) this.cmp.modified.insert(this.path);
    return true;
  }

  /** One side's handler of compareAt; an undefined atom takes the list branch, as there. */
  private handle(atom: string | undefined, l: unknown, r: unknown, t: TypeRef): boolean {
    if (atom === "scalar") return this.leaf(l, r, t);
    if (atom === "map") {
      const lm = isObject(l) ? filled(l, t) : undefined;
      const rm = isObject(r) ? filled(r, t) : undefined;
      if (isAtomicMap(t) || ((!lm || isEmpty(lm)) && (!rm || isEmpty(rm)))) return this.leaf(l, r, t);
      this.fields(lm, rm, t);
      return false;
    }
    const ll = Array.isArray(l) ? l : undefined;
    const rl = Array.isArray(r) ? r : undefined;
    if (listType(t).type === "atomic" || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) return this.leaf(l, r, t);
    this.items(ll ?? [], rl ?? [], t);
    return false;
  }

  /** Keys of both maps, the left's first (zipKeys). */
  private fields(lm: JsonObject | undefined, rm: JsonObject | undefined, t: TypeRef): void {
    const path = this.path;
    if (lm) {
      for (const k of Object.keys(lm)) {
        path.push(fieldElement(k));
        this.at(lm[k], rm && hasOwn(rm, k) ? rm[k] : undefined, fieldOf(t, k));
        path.pop();
      }
    }
    if (rm) {
      for (const k of Object.keys(rm)) {
        if (lm && hasOwn(lm, k)) continue;
        path.push(fieldElement(k));
        this.at(undefined, rm[k], fieldOf(t, k));
        path.pop();
      }
    }
  }

  /** compareItems: items grouped by path element, the left list's first. */
  private items(lhs: unknown[], rhs: unknown[], t: TypeRef): void {
    const lt = listType(t);
    const items = itemsOf(t);
    const all = new Set<PathElement>();
    const group = (list: unknown[]) => {
      const byPE = new Map<PathElement, unknown[]>();
      const pes = elementsOf(lt, items, list, this.path);
      for (let i = 0; i < pes.length; i++) {
        const g = byPE.get(pes[i]);
        if (g) g.push(list[i]);
        else {
          byPE.set(pes[i], [list[i]]);
          all.add(pes[i]);
        }
      }
      return byPE;
    };
    const lValues = group(lhs);
    const rValues = group(rhs);
    const path = this.path;
    for (const pe of all) {
      const ls = lValues.get(pe) ?? [];
      const rs = rValues.get(pe) ?? [];
      path.push(pe);
      if (ls.length <= 1 && rs.length <= 1) this.at(ls[0], rs[0], items);
      else if (ls.length >= 2 && rs.length >= 2) {
        if (!equalFilled(ls, rs, t)) this.cmp.modified.insert(path);
      } else if (ls.length >= 2) {
        if (rs.length) this.at(undefined, rs[0], items);
        this.cmp.removed.insert(path);
      } else {
        if (ls.length) this.at(ls[0], undefined, items);
        this.cmp.added.insert(path);
      }
      path.pop();
    }
  }

  /** Throw what compare would throw on a subtree that is the same on both sides (v is defined). */
  private check(v: unknown, t: TypeRef): void {
    const atom = atomOf(v, t);
    if (atom === "scalar") return;
    const path = this.path;
    if (atom === "map") {
      if (!isObject(v) || isAtomicMap(t)) return;
      const m = filled(v, t);
      for (const k of Object.keys(m)) {
        const ft = fieldOf(t, k);
        if (!mayThrow(ft)) continue;
        path.push(fieldElement(k));
        this.check(m[k], ft);
        path.pop();
      }
      return;
    }
    if (!Array.isArray(v) || v.length === 0) return;
    const lt = listType(t);
    if (lt.type === "atomic") return;
    const items = itemsOf(t);
    const pes = elementsOf(lt, items, v, path);
    // compare descends only into items whose element is unique (and sees each twice: both lists).
    const counts = new Map<PathElement, number>();
    for (const pe of pes) counts.set(pe, (counts.get(pe) ?? 0) + 1);
    if (!mayThrow(items)) return;
    for (let i = 0; i < v.length; i++) {
      if (counts.get(pes[i])! > 1) continue;
      path.push(pes[i]);
      this.check(v[i], items);
      path.pop();
    }
  }
}
