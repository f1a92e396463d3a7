/**
 * RFC 6902 JSON Patch (application/json-patch+json), applied the way the
 * apiserver does it with gopkg.in/evanphx/json-patch.v4, error texts included.
 *
 * Status codes follow k8s.io/apiserver's jsonPatcher:
 *  - a body that does not decode as a list of operation objects: 400 BadRequest
 *    (jsonpatch.DecodePatch fails);
 *  - more than 10000 operations: 413 RequestEntityTooLarge;
 *  - anything that goes wrong while applying, including an unknown "op", a
 *    path that does not resolve, a failed "test": 422 Invalid with the fixed
 *    message "the server rejected our request due to an error in our request"
 *    and the library's error as the cause (Patch.Apply fails).
 * Like evanphx v4: negative array indices count from the end, a key whose
 * value is null counts as absent, and "replace" of an absent object key adds it.
 */
import { ApiError, errors } from "../status.js";
import { clone, deepEqual, goJsonKind, hasOwn, isObject, type JsonObject } from "./json.js";
import { unprocessable } from "./patch-errors.js";

const MAX_OPERATIONS = 10000;

type Container = unknown[] | JsonObject;

/** An error while applying one operation; becomes the 422's cause. */
class OpError extends Error {}

/** Apply `patch` to a copy of `doc`; the inputs are not modified. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const ops = decodePatch(patch);
  if (ops.length > MAX_OPERATIONS) {
    throw new ApiError(413, "RequestEntityTooLarge", `The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${ops.length}`);
  }
  let root = clone(doc) as Container;
  try {
    for (const op of ops) root = applyOp(root, op);
  } catch (e) {
    if (e instanceof OpError) throw unprocessable(e.message);
    throw e;
  }
  return root;
}

function decodePatch(patch: unknown): (JsonObject | null)[] {
  // Go decodes a JSON null into an empty patch.
  if (patch === null) return [];
  if (!Array.isArray(patch)) throw errors.badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`);
  for (const op of patch) {
    if (op !== null && !isObject(op)) {
      throw errors.badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return clone(patch) as (JsonObject | null)[];
}

function applyOp(root: Container, op: JsonObject | null): Container {
  const kind = typeof op?.op === "string" ? op.op : "unknown";
  if (op === null) throw new OpError(`Unexpected kind: ${kind}`);
  switch (kind) {
    case "add": {
      const path = opPath(op, "path", () => `add operation failed to decode path: missing value`);
      const [con, key] = target(root, path, () => `add operation does not apply: doc is missing path: "${path}": missing value`);
      wrap(() => add(con, key, valueOf(op)), (m) => `error in add for path: '${path}': ${m}`);
      return root;
    }
    case "remove": {
      const path = opPath(op, "path", () => `remove operation failed to decode path: missing value`);
      const [con, key] = target(root, path, () => `remove operation does not apply: doc is missing path: "${path}": missing value`);
      wrap(() => remove(con, key), (m) => `error in remove for path: '${path}': ${m}`);
      return root;
    }
    case "replace": {
      const path = opPath(op, "path", (m) => `replace operation failed to decode path: ${m}`);
      if (path === "") {
        const v = valueOf(op);
        if (!isObject(v) && !Array.isArray(v)) throw new OpError("replace operation value must be object or array");
        return v;
      }
      const [con, key] = target(root, path, () => `replace operation does not apply: doc is missing path: ${path}: missing value`);
      // Only arrays can fail here: like evanphx v4, replacing an absent object key adds it.
      wrap(() => get(con, key), () => `replace operation does not apply: doc is missing key: ${path}: missing value`);
      set(con, key, valueOf(op));
      return root;
    }
    case "move": {
      const from = opPath(op, "from", (m) => `move operation failed to decode from: ${m}`);
      const [src, srcKey] = target(root, from, () => `move operation does not apply: doc is missing from path: ${from}: missing value`);
      const v = wrap(() => get(src, srcKey), (m) => `error in move for path: '${srcKey}': ${m}`);
      wrap(() => remove(src, srcKey), (m) => `error in move for path: '${srcKey}': ${m}`);
      const path = opPath(op, "path", (m) => `move operation failed to decode path: ${m}`);
      const [dst, key] = target(root, path, () => `move operation does not apply: doc is missing destination path: ${path}: missing value`);
      wrap(() => add(dst, key, v ?? null), (m) => `error in move for path: '${path}': ${m}`);
      return root;
    }
    case "copy": {
      const from = opPath(op, "from", (m) => `copy operation failed to decode from: ${m}`);
      const [src, srcKey] = target(root, from, () => `copy operation does not apply: doc is missing from path: ${from}: missing value`);
      const v = wrap(() => get(src, srcKey), (m) => `error in copy for from: '${from}': ${m}`);
      const path = opPath(op, "path", () => `copy operation failed to decode path: missing value`);
      const [dst, key] = target(root, path, () => `copy operation does not apply: doc is missing destination path: ${path}: missing value`);
      wrap(() => add(dst, key, clone(v ?? null)), (m) => `error while adding value during copy: ${m}`);
      return root;
    }
    case "test": {
      const path = opPath(op, "path", (m) => `test operation failed to decode path: ${m}`);
      const expected = op.value ?? null;
      if (path === "") {
        if (deepEqual(root, expected)) return root;
        throw new OpError(`testing value ${path} failed: test failed`);
      }
      const [con, key] = target(root, path, () => `test operation does not apply: is missing path: ${path}: missing value`);
      const actual = wrap(() => get(con, key), (m) => `error in test for path: '${path}': ${m}`) ?? null;
      if (deepEqual(actual, expected)) return root;
      throw new OpError(`testing value ${path} failed: test failed`);
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`);
  }
}

/** Read a pointer-valued field of an operation ("path" or "from"). */
function opPath(op: JsonObject, field: "path" | "from", fail: (m: string) => string): string {
  const v = op[field];
  if (v === undefined || v === null) {
    throw new OpError(fail(field === "path" ? "operation missing path field: missing value" : "operation, missing from field: missing value"));
  }
  if (typeof v !== "string") throw new OpError(fail(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type string`));
  return v;
}

/** A missing "value" is added as null, as evanphx does. */
const valueOf = (op: JsonObject): unknown => (hasOwn(op, "value") ? op.value : null);

/** Run a container operation, prefixing its failure like the library does. */
function wrap<T>(f: () => T, prefix: (m: string) => string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof OpError) throw new OpError(prefix(e.message));
    throw e;
  }
}

const decodeToken = (t: string) => t.replace(/~1/g, "/").replace(/~0/g, "~");

/** evanphx findObject: the container holding the last token of `path`, and that token. */
function target(root: Container, path: string, missing: () => string): [Container, string] {
  const tokens = path.split("/");
  if (tokens.length < 2) throw new OpError(missing());
  let cur: Container = root;
  for (const token of tokens.slice(1, -1)) {
    let next: unknown;
    try {
      next = get(cur, decodeToken(token));
    } catch {
      throw new OpError(missing());
    }
    if (!isObject(next) && !Array.isArray(next)) throw new OpError(missing());
    cur = next;
  }
  return [cur, decodeToken(tokens[tokens.length - 1])];
}

function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number.parseInt(key, 10);
}

const invalidIndex = (idx: number) => new OpError(`Unable to access invalid index: ${idx}: invalid index referenced`);

/** Resolve an index, negative ones counting from the end (within `size`). */
function index(key: string, size: number): number {
  const idx = atoi(key);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    return idx + size;
  }
  return idx;
}

/** The value at `key`, undefined when an object lacks it (or holds null); arrays throw on bad indices. */
function get(con: Container, key: string): unknown {
  if (!Array.isArray(con)) return hasOwn(con, key) && con[key] !== null ? con[key] : undefined;
  const idx = index(key, con.length);
  if (idx >= con.length) throw invalidIndex(idx);
  return con[idx];
}

function set(con: Container, key: string, v: unknown): void {
  if (Array.isArray(con)) con[index(key, con.length)] = v;
  else con[key] = v;
}

function add(con: Container, key: string, v: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = v;
    return;
  }
  if (key === "-") {
    con.push(v);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw new OpError(`value was not a proper array index: '${key}': ${(e as Error).message}`);
  }
  if (idx > con.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -(con.length + 1)) throw invalidIndex(idx);
    idx += con.length + 1;
  }
  con.splice(idx, 0, v);
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!hasOwn(con, key)) throw new OpError(`Unable to remove nonexistent key: ${key}: missing value`);
    delete con[key];
    return;
  }
  const raw = atoi(key);
  if (raw >= con.length) throw invalidIndex(raw);
  con.splice(index(key, con.length), 1);
}
