/**
 * CEL as Kubernetes speaks it: @marcbachmann/cel-js (a small, dependency-free
 * evaluator with macros, optionals and custom functions) plus the libraries
 * kube-apiserver adds to every CEL environment it builds for CRD validation
 * rules and admission policies: the missing strings extensions (charAt,
 * replace with a count, reverse), lists (isSorted, sum, min, max, indexOf,
 * lastIndexOf), regex (find, findAll), quantity and url. Integers are bigint
 * (CEL int), other numbers double, as the evaluator wants them.
 */
import { Environment, Optional, type ASTNode } from "@marcbachmann/cel-js";
import { isObject } from "./objects.js";
import { compareQuantity, addQuantities, subtractQuantity, newQuantity, toNumber, tryParseQuantity, type Quantity } from "./quantity.js";

export { Optional };

/** A resource.Quantity as a CEL value (kubernetes' Quantity type). */
class CelQuantity {
  constructor(readonly q: Quantity) {}
}

/** A parsed URL as a CEL value (kubernetes' URL type). */
class CelUrl {
  constructor(readonly u: URL) {}
}

const NANO = 1_000_000_000n;
const MAX_INT64 = 2n ** 63n - 1n;

function quantityOf(s: string): CelQuantity {
  const q = tryParseQuantity(s);
  if (!q) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return new CelQuantity(q);
}

const isInteger = (q: Quantity) => q.nano % NANO === 0n && q.nano / NANO <= MAX_INT64 && q.nano / NANO >= -MAX_INT64 - 1n;

/** url.ParseRequestURI: an absolute URI, or an absolute path. */
function parseUrl(s: string): URL | undefined {
  if (!s.startsWith("/") && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s)) return undefined;
  try {
    return new URL(s, s.startsWith("/") ? "http://relative.invalid" : undefined);
  } catch {
    return undefined;
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

function extreme(list: unknown[], sign: 1 | -1, name: string): unknown {
  if (list.length === 0) throw new Error(`${name} called on empty list`);
  return list.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
}

/** Position of a value in a list by CEL equality (bigint, double and string compare by value; others by JSON). */
function position(list: unknown[], v: unknown, last: boolean): bigint {
  const key = (x: unknown) => (typeof x === "bigint" ? `i${x}` : typeof x === "object" && x !== null ? JSON.stringify(x, (_k, y) => (typeof y === "bigint" ? `${y}` : y)) : `${typeof x}:${String(x)}`);
  const want = key(v);
  const keys = list.map(key);
  return BigInt(last ? keys.lastIndexOf(want) : keys.indexOf(want));
}

function regex(re: string): RegExp {
  try {
    return new RegExp(re, "g");
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message}`);
  }
}

// ---- authorizer (library/authz.go): Kubernetes' CEL authorization checks ----

/** What an authorization check asks: a resource request, or a path (non-resource). */
export interface AuthzQuery {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}
/** The answer: allowed, denied (no opinion), or an error, with a reason. */
export interface AuthzAnswer {
  decision: "allow" | "deny" | "error";
  reason?: string;
  error?: string;
}
/** Who is asking (the request's user, or a service account named by serviceAccount()). */
export type AuthzFn = (serviceAccount: { namespace: string; name: string } | undefined, q: AuthzQuery) => AuthzAnswer;

class CelDecision {
  constructor(readonly a: AuthzAnswer) {}
}
class CelResourceCheck {
  constructor(
    readonly az: CelAuthorizer,
    readonly q: Omit<AuthzQuery, "verb">,
  ) {}
}
class CelGroupCheck {
  constructor(
    readonly az: CelAuthorizer,
    readonly group: string,
  ) {}
}
class CelPathCheck {
  constructor(
    readonly az: CelAuthorizer,
    readonly path: string,
  ) {}
}
class CelAuthorizer {
  readonly requestResource: CelResourceCheck;
  constructor(
    readonly fn: AuthzFn,
    request: Omit<AuthzQuery, "verb" | "path">,
    readonly sa?: { namespace: string; name: string },
  ) {
    this.requestResource = new CelResourceCheck(this, request);
  }
}

/** The `authorizer` variable of a ValidatingAdmissionPolicy: checks answered by fn, requestResource the request's own. */
export function celAuthorizer(fn: AuthzFn, request: Omit<AuthzQuery, "verb" | "path">): unknown {
  return new CelAuthorizer(fn, request);
}

const ask = (az: CelAuthorizer, q: AuthzQuery) => new CelDecision(az.fn(az.sa, q));

function build(): Environment {
  return (
    new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false })
      // strings (cel-go ext.Strings v2 beyond what the evaluator has)
      .registerFunction("string.charAt(int): string", (s: string, i: bigint) => {
        if (i < 0n || i > BigInt(s.length)) throw new Error(`index out of range: ${i}`);
        return s.charAt(Number(i));
      })
      .registerFunction("string.replace(string, string, int): string", (s: string, from: string, to: string, n: bigint) => {
        let out = s;
        let count = n < 0n ? Infinity : Number(n);
        let at = 0;
        while (count-- > 0) {
          const i = out.indexOf(from, at);
          if (i < 0) break;
          out = out.slice(0, i) + to + out.slice(i + from.length);
          at = i + to.length + (from === "" ? 1 : 0);
        }
        return out;
      })
      .registerFunction("string.reverse(): string", (s: string) => [...s].reverse().join(""))
      // lists (k8s.io/apiserver/pkg/cel/library/lists.go)
      .registerFunction("list.isSorted(): bool", (l: unknown[]) => l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0))
      .registerFunction("list<int>.sum(): int", (l: bigint[]) => l.reduce((a, b) => a + b, 0n))
      .registerFunction("list<double>.sum(): double", (l: number[]) => l.reduce((a, b) => a + b, 0))
      .registerFunction("list.min(): dyn", (l: unknown[]) => extreme(l, -1, "min"))
      .registerFunction("list.max(): dyn", (l: unknown[]) => extreme(l, 1, "max"))
      .registerFunction("list.indexOf(dyn): int", (l: unknown[], v: unknown) => position(l, v, false))
      .registerFunction("list.lastIndexOf(dyn): int", (l: unknown[], v: unknown) => position(l, v, true))
      // regex (library/regex.go)
      .registerFunction("string.find(string): string", (s: string, re: string) => s.match(regex(re))?.[0] ?? "")
      .registerFunction("string.findAll(string): list<string>", (s: string, re: string) => s.match(regex(re)) ?? [])
      .registerFunction("string.findAll(string, int): list<string>", (s: string, re: string, n: bigint) => {
        const all = s.match(regex(re)) ?? [];
        return n < 0n ? all : all.slice(0, Number(n));
      })
      // quantity (library/quantity.go)
      .registerType("Quantity", CelQuantity)
      .registerFunction("quantity(string): Quantity", quantityOf)
      .registerFunction("isQuantity(string): bool", (s: string) => tryParseQuantity(s) !== undefined)
      .registerFunction("Quantity.isInteger(): bool", (a: CelQuantity) => isInteger(a.q))
      .registerFunction("Quantity.asInteger(): int", (a: CelQuantity) => {
        if (!isInteger(a.q)) throw new Error("cannot convert value to integer");
        return a.q.nano / NANO;
      })
      .registerFunction("Quantity.asApproximateFloat(): double", (a: CelQuantity) => toNumber(a.q))
      .registerFunction("Quantity.sign(): int", (a: CelQuantity) => (a.q.nano > 0n ? 1n : a.q.nano < 0n ? -1n : 0n))
      .registerFunction("Quantity.add(Quantity): Quantity", (a: CelQuantity, b: CelQuantity) => new CelQuantity(addQuantities(a.q, b.q)))
      .registerFunction("Quantity.add(int): Quantity", (a: CelQuantity, b: bigint) => new CelQuantity(addQuantities(a.q, newQuantity(b))))
      .registerFunction("Quantity.sub(Quantity): Quantity", (a: CelQuantity, b: CelQuantity) => new CelQuantity(subtractQuantity(a.q, b.q)))
      .registerFunction("Quantity.sub(int): Quantity", (a: CelQuantity, b: bigint) => new CelQuantity(subtractQuantity(a.q, newQuantity(b))))
      .registerFunction("Quantity.isGreaterThan(Quantity): bool", (a: CelQuantity, b: CelQuantity) => compareQuantity(a.q, b.q) > 0)
      .registerFunction("Quantity.isLessThan(Quantity): bool", (a: CelQuantity, b: CelQuantity) => compareQuantity(a.q, b.q) < 0)
      .registerFunction("Quantity.compareTo(Quantity): int", (a: CelQuantity, b: CelQuantity) => BigInt(compareQuantity(a.q, b.q)))
      // url (library/urls.go)
      .registerType("URL", CelUrl)
      .registerFunction("url(string): URL", (s: string) => {
        const u = parseUrl(s);
        if (!u) throw new Error(`URL parse error during conversion from string: parse "${s}": invalid URI for request`);
        return new CelUrl(u);
      })
      .registerFunction("isURL(string): bool", (s: string) => parseUrl(s) !== undefined)
      .registerFunction("URL.getScheme(): string", (u: CelUrl) => (u.u.host === "relative.invalid" ? "" : u.u.protocol.replace(/:$/, "")))
      .registerFunction("URL.getHost(): string", (u: CelUrl) => (u.u.host === "relative.invalid" ? "" : u.u.host))
      .registerFunction("URL.getHostname(): string", (u: CelUrl) => (u.u.host === "relative.invalid" ? "" : u.u.hostname.replace(/^\[(.*)\]$/, "$1")))
      .registerFunction("URL.getPort(): string", (u: CelUrl) => u.u.port)
      .registerFunction("URL.getEscapedPath(): string", (u: CelUrl) => u.u.pathname)
      .registerFunction("URL.getQuery(): map<string, list<string>>", (u: CelUrl) => {
        const out: Record<string, string[]> = {};
        for (const [k, v] of u.u.searchParams) (out[k] ??= []).push(v);
        return out;
      })
      // authorizer (library/authz.go)
      .registerType("Decision", CelDecision)
      .registerType("ResourceCheck", CelResourceCheck)
      .registerType("GroupCheck", CelGroupCheck)
      .registerType("PathCheck", CelPathCheck)
      .registerType("Authorizer", { ctor: CelAuthorizer, fields: { requestResource: "ResourceCheck" } })
      .registerFunction("Authorizer.group(string): GroupCheck", (az: CelAuthorizer, g: string) => new CelGroupCheck(az, g))
      .registerFunction("Authorizer.path(string): PathCheck", (az: CelAuthorizer, p: string) => new CelPathCheck(az, p))
      .registerFunction("Authorizer.serviceAccount(string, string): Authorizer", (az: CelAuthorizer, namespace: string, name: string) => new CelAuthorizer(az.fn, az.requestResource.q, { namespace, name }))
      .registerFunction("GroupCheck.resource(string): ResourceCheck", (g: CelGroupCheck, resource: string) => new CelResourceCheck(g.az, { group: g.group, resource }))
      .registerFunction("ResourceCheck.subresource(string): ResourceCheck", (c: CelResourceCheck, subresource: string) => new CelResourceCheck(c.az, { ...c.q, subresource }))
      .registerFunction("ResourceCheck.namespace(string): ResourceCheck", (c: CelResourceCheck, namespace: string) => new CelResourceCheck(c.az, { ...c.q, namespace }))
      .registerFunction("ResourceCheck.name(string): ResourceCheck", (c: CelResourceCheck, name: string) => new CelResourceCheck(c.az, { ...c.q, name }))
      .registerFunction("ResourceCheck.check(string): Decision", (c: CelResourceCheck, verb: string) => ask(c.az, { ...c.q, verb }))
      .registerFunction("PathCheck.check(string): Decision", (c: CelPathCheck, verb: string) => ask(c.az, { path: c.path, verb }))
      .registerFunction("Decision.allowed(): bool", (d: CelDecision) => d.a.decision === "allow")
      .registerFunction("Decision.reason(): string", (d: CelDecision) => d.a.reason ?? "")
      .registerFunction("Decision.errored(): bool", (d: CelDecision) => d.a.decision === "error")
      .registerFunction("Decision.error(): string", (d: CelDecision) => d.a.error ?? "")
  );
}

let base: Environment | undefined;
const declaring = new Map<string, Environment>();
/**
 * The environment, built once per isolate (it registers ~40 functions), with
 * variables declared where their type matters: an optional's value() compared
 * with a number needs `optional<dyn>` (undeclared variables are dyn).
 */
function celEnvironment(declare: Record<string, string> = {}): Environment {
  base ??= build();
  const key = JSON.stringify(declare);
  if (key === "{}") return base;
  let env = declaring.get(key);
  if (!env) {
    env = base.clone();
    for (const [name, type] of Object.entries(declare)) env.registerVariable(name, type);
    declaring.set(key, env);
  }
  return env;
}

/** A compiled expression and the variables it reads. */
export interface CelProgram {
  (vars: Record<string, unknown>): unknown;
  /** Identifiers the expression refers to (self, oldSelf, object, params, ...). */
  readonly uses: ReadonlySet<string>;
  /** The result type when the checker knows it ("bool", "string", "dyn", ...). */
  readonly type: string;
}

/** A compile error's text as cel-go prints it: "ERROR: <input>:1:6: message". */
export class CelCompileError extends Error {}

function identifiers(node: ASTNode, out: Set<string>): void {
  if (node.op === "id") {
    out.add(node.args);
    return;
  }
  const visit = (a: unknown): void => {
    if (Array.isArray(a)) a.forEach(visit);
    else if (a && typeof a === "object" && "op" in a) identifiers(a as ASTNode, out);
  };
  visit(node.args);
}

const compiled = new Map<string, CelProgram | CelCompileError>();

/**
 * Parse and type-check `expression` (`declare`: variable types, e.g. { oldSelf: "optional<dyn>" }),
 * once per isolate (the last 1,000 expressions are kept); throws CelCompileError with cel-go's wording.
 */
export function compileCel(expression: string, declare?: Record<string, string>): CelProgram {
  const key = declare ? `${JSON.stringify(declare)}\u0000${expression}` : expression;
  let c = compiled.get(key);
  if (!c) {
    try {
      c = compileUncached(expression, declare);
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      c = e;
    }
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(key, c);
  }
  if (c instanceof CelCompileError) throw c;
  return c;
}

function compileUncached(expression: string, declare?: Record<string, string>): CelProgram {
  const env = celEnvironment(declare);
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = env.parse(expression);
  } catch (e) {
    throw new CelCompileError(compileMessage(e, expression));
  }
  const checked = env.check(expression);
  if (!checked.valid) throw new CelCompileError(compileMessage(checked.error, expression));
  const uses = new Set<string>();
  identifiers(parsed.ast as ASTNode, uses);
  const run = (vars: Record<string, unknown>) => parsed(vars);
  return Object.assign(run, { uses, type: checked.type ?? "dyn" });
}

/** Whether an expression refers to a variable (false when it does not compile: evaluating it reports that). */
export function readsVariable(expression: string, name: string): boolean {
  try {
    return compileCel(expression).uses.has(name);
  } catch {
    return false;
  }
}

function compileMessage(e: unknown, expression: string): string {
  const err = e as { message?: string; node?: { pos?: number }; range?: { start?: number } };
  const first = String(err?.message ?? e).split("\n")[0];
  const pos = err?.range?.start ?? err?.node?.pos;
  if (typeof pos !== "number") return `ERROR: <input>: ${first}`;
  const before = expression.slice(0, pos).split("\n");
  return `ERROR: <input>:${before.length}:${before[before.length - 1].length + 1}: ${first}`;
}

/** An evaluation error's text as cel-go words the common ones ("no such key: x"). */
export function celErrorMessage(e: unknown): string {
  const m = String((e as Error)?.message ?? e).split("\n")[0];
  return m.charAt(0).toLowerCase() + m.slice(1);
}

/**
 * Untyped JSON as CEL values (unstructured data: integral numbers are ints,
 * as Go decodes them to int64). `dropNulls`: null fields are absent, as CRD
 * rules see them; admission policies keep them.
 */
export function celJson(v: unknown, dropNulls = false): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => celJson(x, dropNulls));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (dropNulls && x === null ? [] : [[k, celJson(x, dropNulls)]])));
  return v;
}
