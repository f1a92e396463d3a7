/**
 * Field sets, as sigs.k8s.io/structured-merge-diff/fieldpath has them: the
 * ownership records of server-side apply. A set is a tree of path elements;
 * each node lists the elements that are members (owned leaves or owned items)
 * and the children it descends into. Path elements are kept in their FieldsV1
 * spelling, which is canonical ("f:name", `k:{"name":"nginx"}` with sorted
 * key fields, `v:"value"`, "i:0"), so sets are plain string-keyed trees and
 * serialise to metadata.managedFields[].fieldsV1 exactly as Kubernetes does.
 */
import { goEscape, goJson, isObject, type JsonObject } from "./json.js";

/** One path element in FieldsV1 spelling. */
export type PathElement = string;
export type Path = PathElement[];

export const fieldElement = (name: string): PathElement => `f:${name}`;
/** A set item by its value. */
export const valueElement = (v: unknown): PathElement => `v:${goJson(v, true)}`;
/** A map-list item by its key fields (written sorted by name). */
export const keyElement = (fields: [string, unknown][]): PathElement => `k:${goJson(Object.fromEntries(fields), true)}`;

/**
 * keyElement([[name, value]]), the usual case (containers by name, ports by
 * containerPort), without building and sorting an object for a scalar value.
 */
export function singleKeyElement(name: string, value: unknown): PathElement {
  const t = typeof value;
  if (name === "__proto__" || (t !== "string" && t !== "number" && t !== "boolean")) return keyElement([[name, value]]);
  return `k:${goEscape(`{${JSON.stringify(name)}:${JSON.stringify(value)}}`)}`;
}

/**
 * canonicalElement results: every write decodes the stored managedFields, and
 * the same key and value elements (`k:{"name":"nginx"}`) recur in them.
 * Bounded: emptied when it grows past MAX_CANONICAL entries.
 */
const canonical = new Map<string, PathElement | undefined>();
const MAX_CANONICAL = 4096;

function canonicalElementCached(s: string): PathElement | undefined {
  if (s[0] === "f" && s[1] === ":") return s;
  let pe = canonical.get(s);
  if (pe === undefined && !canonical.has(s)) {
    pe = canonicalElement(s);
    if (canonical.size >= MAX_CANONICAL) canonical.clear();
    canonical.set(s, pe);
  }
  return pe;
}

/** Parse and re-spell an element read from FieldsV1; undefined for unknown element types (ignored, as Kubernetes does). */
function canonicalElement(s: string): PathElement | undefined {
  if (s.length < 2 || s[1] !== ":") throw new Error(`invalid path element: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case "f":
      return s;
    case "v":
      return valueElement(JSON.parse(body));
    case "k": {
      const fields: unknown = JSON.parse(body);
      if (!isObject(fields)) throw new Error(`invalid key path element: ${s}`);
      return keyElement(Object.entries(fields));
    }
    case "i":
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index path element: ${s}`);
      return s;
    default:
      return undefined;
  }
}

const KIND_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** The JSON of key and value elements, parsed once for the many comparisons of a sort (bounded like `canonical`). */
const parsed = new Map<PathElement, unknown>();

function parsedBody(pe: PathElement): unknown {
  let v = parsed.get(pe);
  if (v === undefined) {
    v = JSON.parse(pe.slice(2));
    if (parsed.size >= MAX_CANONICAL) parsed.clear();
    parsed.set(pe, v);
  }
  return v;
}

/** The order Kubernetes sorts elements in (PathElement.Compare): fields, keys, values, indices. */
function compareElements(a: PathElement, b: PathElement): number {
  if (a === b) return 0;
  // Two fields (the common case) order by name, which the shared "f:" prefix leaves intact.
  if (a[0] === "f" && b[0] === "f") return a < b ? -1 : 1;
  const ka = KIND_ORDER[a[0]];
  const kb = KIND_ORDER[b[0]];
  if (ka !== kb) return ka - kb;
  const ba = a.slice(2);
  const bb = b.slice(2);
  switch (a[0]) {
    case "f":
      return ba < bb ? -1 : 1;
    case "i":
      return Number(ba) - Number(bb);
    case "v":
      return compareValues(parsedBody(a), parsedBody(b));
    default: {
      // Key field lists compare name by name, value by value, shorter first.
      const fa = Object.entries(parsedBody(a) as JsonObject);
      const fb = Object.entries(parsedBody(b) as JsonObject);
      for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
        if (fa[i][0] !== fb[i][0]) return fa[i][0] < fb[i][0] ? -1 : 1;
        const c = compareValues(fa[i][1], fb[i][1]);
        if (c !== 0) return c;
      }
      return fa.length - fb.length;
    }
  }
}

/** value.Compare: numbers < strings < booleans < lists < maps < null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) =>
    typeof v === "number" ? 0 : typeof v === "string" ? 1 : typeof v === "boolean" ? 2 : Array.isArray(v) ? 3 : isObject(v) ? 4 : 5;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
  if (ra === 2) return Number(a) - Number(b);
  if (ra === 3) {
    const la = a as unknown[];
    const lb = b as unknown[];
    for (let i = 0; i < Math.min(la.length, lb.length); i++) {
      const c = compareValues(la[i], lb[i]);
      if (c !== 0) return c;
    }
    return la.length - lb.length;
  }
  if (ra === 4) return compareValues(Object.entries(a as JsonObject).sort(), Object.entries(b as JsonObject).sort());
  return 0;
}

/** value.ToString, for paths in messages: strings quoted, maps as k=v. */
function valueString(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(",")}]`;
  if (isObject(v)) return Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join("");
  return String(v);
}

/** A path as Kubernetes prints it in conflicts: .spec.containers[name="nginx"].image */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case "f":
          return `.${body}`;
        case "k":
          return `[${Object.entries(JSON.parse(body) as JsonObject)
            .map(([k, v]) => `${k}=${valueString(v)}`)
            .join(",")}]`;
        case "v":
          return `[=${valueString(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join("");
}

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Record a path as owned; the empty path (the whole object) is never tracked. */
  insert(path: Path): void {
    if (path.length === 0) return;
    let s: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) s = s.descend(path[i]);
    s.members.add(path[path.length - 1]);
  }

  private descend(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let s: FieldSet | undefined = this;
    for (const pe of path.slice(0, -1)) {
      s = s.children.get(pe);
      if (!s) return false;
    }
    return s.members.has(path[path.length - 1]);
  }

  /** The subtree below one element (empty when there is none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? new FieldSet();
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  /** Subtrees only one side has are shared with it, not copied (sets are not changed once built). */
  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of o.members) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      out.children.set(pe, oc ? c.union(oc) : c);
    }
    for (const [pe, oc] of o.children) if (!this.children.has(pe)) out.children.set(pe, oc);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (!oc) continue;
      const r = c.intersection(oc);
      if (!r.empty()) out.children.set(pe, r);
    }
    return out;
  }

  /** Members of `o` are removed, but not what lies below them (Set.Difference). */
  difference(o: FieldSet): FieldSet {
    return this.subtract(o, false);
  }

  /** Members of `o` are removed together with everything below them (Set.RecursiveDifference). */
  recursiveDifference(o: FieldSet): FieldSet {
    return this.subtract(o, true);
  }

  private subtract(o: FieldSet, recursive: boolean): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      if (recursive && o.members.has(pe)) continue;
      const oc = o.children.get(pe);
      const r = oc ? c.subtract(oc, recursive) : c;
      if (!r.empty()) out.children.set(pe, r);
    }
    return out;
  }

  /** A deep copy, safe to insert into. */
  copy(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c.copy());
    return out;
  }

  /** Every member path: members of a node first, then its children, each in element order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (s: FieldSet, prefix: Path) => {
      for (const m of [...s.members].sort(compareElements)) out.push([...prefix, m]);
      for (const pe of [...s.children.keys()].sort(compareElements)) walk(s.children.get(pe)!, [...prefix, pe]);
    };
    walk(this, []);
    return out;
  }

  /** The FieldsV1 JSON of the set, keys in Kubernetes' order ("." first). */
  toFieldsV1(): JsonObject {
    return this.emit(false) ?? {};
  }

  /** The node's JSON, "." first when it is itself a member; undefined for an empty set. One pass, bottom-up. */
  private emit(includeSelf: boolean): JsonObject | undefined {
    let below: Map<PathElement, JsonObject> | undefined;
    for (const [pe, c] of this.children) {
      const json = c.emit(this.members.has(pe));
      if (json) (below ??= new Map()).set(pe, json);
    }
    if (this.members.size === 0 && !below) return undefined;
    const elements = [...this.members];
    if (below) for (const pe of below.keys()) if (!this.members.has(pe)) elements.push(pe);
    if (elements.length > 1) elements.sort(compareElements);
    const out: JsonObject = {};
    if (includeSelf) out["."] = {};
    for (const pe of elements) out[pe] = below?.get(pe) ?? {};
    return out;
  }

  /** Read FieldsV1 JSON; throws on malformed input. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (!isObject(fields)) throw new Error("FieldsV1 must be an object");
    return read(fields).set ?? new FieldSet();
  }
}

/** readIterV1: the children of a node, and whether the node is itself a member. */
function read(obj: JsonObject): { set: FieldSet | undefined; member: boolean } {
  let set: FieldSet | undefined;
  let member = false;
  for (const [key, value] of Object.entries(obj)) {
    if (key === ".") {
      member = true;
      continue;
    }
    const pe = canonicalElementCached(key);
    if (pe === undefined) continue;
    if (!isObject(value)) throw new Error(`FieldsV1 entry ${key} must be an object`);
    const child = read(value);
    set ??= new FieldSet();
    if (child.member) set.members.add(pe);
    if (child.set) set.children.set(pe, child.set);
  }
  return { set, member: member || set === undefined };
}
