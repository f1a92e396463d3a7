/**
 * x-kubernetes-validations: the CEL rules a CRD's schema carries, compiled
 * once per CRD version and run on every write of its custom resources, as
 * apiextensions-apiserver's schema/cel validator does: `self` is the value at
 * the rule's node (typed by the schema: integers are CEL ints, date-times
 * timestamps, property names escaped, unknown and null fields absent, the
 * root's metadata reduced to name and generateName); on update, `oldSelf` is
 * the old value where one correlates (same property, same map key, same
 * list-map keys) and transition rules (rules reading oldSelf) run only there,
 * unless optionalOldSelf. Messages and field paths copy Kubernetes 1.30's.
 * Not done: the cost budget, ratcheting of unchanged values.
 */
import { additionalOf, get, itemsOf, oldItems, type Obj, type Schema, type ValidationRule } from "./structural.js";
import { fieldErrors, type FieldError } from "../../apimachinery/status.js";
import { isObject } from "../../apimachinery/objects.js";
import { fromBase64 } from "../../apimachinery/bytes.js";
import { canonicalJson } from "../../apimachinery/hash.js";
import { compileCel, celErrorMessage, celJson, CelCompileError, Optional, type CelProgram } from "../../apimachinery/cel.js";


interface Compiled {
  def: ValidationRule;
  program: CelProgram;
  message?: CelProgram;
  transition: boolean;
  /** fieldPath as field.Path segments: names (".x") and map keys ("[x]"). */
  fieldPath: string;
}

/** The schema tree cut down to the nodes that have rules or lead to some. */
export interface RuleNode {
  schema: Schema;
  rules: Compiled[];
  properties?: Map<string, RuleNode>;
  additional?: RuleNode;
  items?: RuleNode;
}

const REASONS = ["FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"];

// ---- compiling ----

/** fieldPath (".a.b", ".m['k.x']") as a field path suffix, or an error. */
function fieldPathOf(path: string, s: Schema): string {
  let out = "";
  let node: Schema | undefined = s;
  const re = /\.([a-zA-Z_][a-zA-Z0-9_-]*)|\['((?:[^'\\]|\\.)*)'\]/y;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    const m = re.exec(path);
    if (!m || !node) throw new Error("does not refer to a valid field");
    const name = m[1] ?? m[2].replace(/\\(.)/g, "$1");
    const prop: Schema | undefined = get(node.properties as Record<string, Schema> | undefined, name);
    if (prop) {
      out += `.${name}`;
      node = prop;
    } else if (additionalOf(node)) {
      out += `[${name}]`;
      node = additionalOf(node);
    } else throw new Error("does not refer to a valid field");
    at = re.lastIndex;
  }
  return out;
}

/** With optionalOldSelf, oldSelf is an optional<self's type>. */
const declared = (def: ValidationRule) => (def.optionalOldSelf ? { oldSelf: "optional<dyn>" } : undefined);

function compileRule(def: ValidationRule, s: Schema): Compiled {
  const program = compileCel(def.rule, declared(def));
  const message = def.messageExpression ? compileCel(def.messageExpression, declared(def)) : undefined;
  return { def, program, message, transition: program.uses.has("oldSelf"), fieldPath: def.fieldPath ? fieldPathOf(def.fieldPath, s) : "" };
}

/** The rules of a CRD version's schema, compiled; undefined when it has none. Rules that do not compile are left out (the CRD was refused with them). */
export function compileRules(s: Schema | undefined): RuleNode | undefined {
  if (!s) return undefined;
  const rules: Compiled[] = [];
  for (const def of s["x-kubernetes-validations"] ?? []) {
    try {
      rules.push(compileRule(def, s));
    } catch {
      // a CRD stored before it was checked, or by a restore: its other rules still run
    }
  }
  const node: RuleNode = { schema: s, rules };
  let any = rules.length > 0;
  for (const [name, sub] of Object.entries(s.properties ?? {})) {
    const child = compileRules(sub as Schema);
    if (child) (node.properties ??= new Map()).set(name, child);
    any ||= !!child;
  }
  const additional = compileRules(additionalOf(s));
  const items = compileRules(itemsOf(s));
  if (additional) node.additional = additional;
  if (items) node.items = items;
  return any || additional || items ? node : undefined;
}

/**
 * The errors a CRD gets for bad rules (apiextensions' validation), under
 * `path` (the schema's). `atomic`: the path of an enclosing atomic list, whose
 * items have no old value, so transition rules below it could never run.
 */
export function ruleErrors(s: Schema | undefined, path: string, atomic?: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s) return errs;
  (s["x-kubernetes-validations"] ?? []).forEach((def, i) => {
    const p = `${path}.x-kubernetes-validations[${i}]`;
    if (!def.rule?.trim()) return errs.push(fieldErrors.required(`${p}.rule`, "rule is not specified"));
    if (def.reason !== undefined && !REASONS.includes(def.reason)) errs.push(fieldErrors.notSupported(`${p}.reason`, def.reason, REASONS));
    if (def.message !== undefined && def.message.trim() === "") errs.push(fieldErrors.invalid(`${p}.message`, def.message, "message must be non-empty if specified"));
    if (def.message && /[\n\r]/.test(def.message)) errs.push(fieldErrors.invalid(`${p}.message`, def.message, "message must not contain line breaks"));
    try {
      const program = compileCel(def.rule, declared(def));
      if (!["bool", "dyn"].includes(program.type)) errs.push(fieldErrors.invalid(`${p}.rule`, def.rule, "compilation failed: cel expression must evaluate to a bool"));
      if (program.uses.has("oldSelf") && !def.optionalOldSelf && atomic !== undefined) {
        errs.push(fieldErrors.invalid(`${p}.rule`, def.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${atomic}`));
      }
    } catch (e) {
      errs.push(fieldErrors.invalid(`${p}.rule`, def.rule, `compilation failed: ${(e as Error).message}`));
    }
    if (def.messageExpression !== undefined) {
      try {
        const m = compileCel(def.messageExpression, declared(def));
        if (!["string", "dyn"].includes(m.type)) errs.push(fieldErrors.invalid(`${p}.messageExpression`, def.messageExpression, "must evaluate to a string"));
      } catch (e) {
        if (!(e instanceof CelCompileError)) throw e;
        errs.push(fieldErrors.invalid(`${p}.messageExpression`, def.messageExpression, `messageExpression compilation failed: ${e.message}`));
      }
    }
    if (def.fieldPath !== undefined) {
      try {
        fieldPathOf(def.fieldPath, s);
      } catch (e) {
        errs.push(fieldErrors.invalid(`${p}.fieldPath`, def.fieldPath, (e as Error).message));
      }
    }
  });
  for (const [name, sub] of Object.entries(s.properties ?? {})) errs.push(...ruleErrors(sub as Schema, `${path}.properties[${name}]`, atomic));
  const items = itemsOf(s);
  const listType = s["x-kubernetes-list-type"];
  if (items) errs.push(...ruleErrors(items, `${path}.items`, atomic ?? (listType === "map" || listType === "set" ? undefined : path)));
  const additional = additionalOf(s);
  if (additional) errs.push(...ruleErrors(additional, `${path}.additionalProperties`, atomic));
  return errs;
}

// ---- values ----

const RESERVED = new Set(["true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return"]);
const ACCESSIBLE = /^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/;

/** A property name as CEL expressions write it (`x-prop` → `x__dash__prop`); undefined: not accessible. */
function escapeName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!ACCESSIBLE.test(name)) return undefined;
  return name.replace(/__/g, "__underscores__").replace(/\./g, "__dot__").replace(/-/g, "__dash__").replace(/\//g, "__slash__");
}

const dynValue = (v: unknown) => celJson(v, true);

/** A JSON value as CEL sees it through its schema (common.UnstructuredToVal). */
export function toCel(v: unknown, s: Schema | undefined, root = false): unknown {
  if (v === null || v === undefined) return v;
  if (!s) return dynValue(v);
  if (s["x-kubernetes-int-or-string"]) return typeof v === "number" ? BigInt(Math.trunc(v)) : v;
  switch (s.type) {
    case "integer":
      return typeof v === "number" ? BigInt(Math.trunc(v)) : v;
    case "number":
      return v;
    case "string":
      if (typeof v !== "string") return v;
      if (s.format === "byte") return fromBase64(v);
      if ((s.format === "date-time" || s.format === "date") && !Number.isNaN(Date.parse(v))) return new Date(v);
      return v;
    case "array":
      return Array.isArray(v) ? v.map((x) => toCel(x, itemsOf(s))) : v;
    case "object": {
      if (!isObject(v)) return v;
      const additional = additionalOf(s);
      if (additional && !s.properties) return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, toCel(x, additional)]));
      const out: Obj = {};
      if (root || s["x-kubernetes-embedded-resource"]) {
        for (const k of ["apiVersion", "kind"]) if (typeof v[k] === "string") out[k] = v[k];
        const meta = isObject(v.metadata) ? v.metadata : {};
        out.metadata = Object.fromEntries(["name", "generateName"].filter((k) => typeof meta[k] === "string").map((k) => [k, meta[k]]));
      }
      for (const [k, sub] of Object.entries(s.properties ?? {})) {
        const x = get(v, k);
        const name = escapeName(k);
        if (x === null || x === undefined || name === undefined || out[name] !== undefined) continue;
        out[name] = toCel(x, sub as Schema);
      }
      return out;
    }
    default:
      // no type: int-or-string handled above; preserve-unknown-fields data is not accessible
      return s["x-kubernetes-preserve-unknown-fields"] ? undefined : dynValue(v);
  }
}

// ---- evaluating ----

function ruleText(def: ValidationRule): string {
  return def.message?.trim() || def.rule.trim();
}

function failure(c: Compiled, path: string, s: Schema, value: unknown, vars: Record<string, unknown>): FieldError {
  let detail: string | undefined;
  if (c.message) {
    try {
      const m = c.message(vars);
      if (typeof m === "string" && m.trim() && !/[\n\r]/.test(m)) detail = m.trim();
    } catch {
      // falls back to message, as kube-apiserver does (it logs the failure)
    }
  }
  detail ??= c.def.message?.trim() || `failed rule: ${ruleText(c.def)}`;
  const field = (path + c.fieldPath).replace(/^\./, "") || "<nil>";
  switch (c.def.reason) {
    case "FieldValueForbidden":
      return fieldErrors.forbidden(field, detail);
    case "FieldValueRequired":
      return fieldErrors.required(field, detail);
    case "FieldValueDuplicate":
      return fieldErrors.duplicate(field, value);
    default:
      return fieldErrors.invalid(field, s.type ?? "", detail);
  }
}

function runRules(node: RuleNode, value: unknown, old: unknown, path: string, root: boolean, errs: FieldError[]): void {
  let self: unknown;
  let oldSelf: unknown;
  const selfOf = () => (self ??= toCel(value, node.schema, root));
  const oldOf = () => (oldSelf ??= toCel(old, node.schema, root));
  for (const c of node.rules) {
    const optional = c.def.optionalOldSelf === true;
    if (c.transition && old === undefined && !optional) continue;
    // Ratcheting (1.30's CRDValidationRatcheting): a rule without oldSelf is not run again on a value the update left alone.
    if (!c.transition && old !== undefined && canonicalJson(old) === canonicalJson(value)) continue;
    const vars: Record<string, unknown> = { self: selfOf() };
    if (c.transition) vars.oldSelf = optional ? (old === undefined ? Optional.none() : Optional.of(oldOf())) : oldOf();
    let result: unknown;
    try {
      result = c.program(vars);
    } catch (e) {
      const field = path.replace(/^\./, "") || "<nil>";
      const m = celErrorMessage(e);
      const detail = m.startsWith("no such overload") || m.startsWith("found no matching overload") ? `'${m}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(c.def)}` : `${m} evaluating rule: ${ruleText(c.def)}`;
      errs.push(fieldErrors.invalid(field, node.schema.type ?? "", detail));
      continue;
    }
    if (result !== true) errs.push(failure(c, path, node.schema, value, vars));
  }
}

function walk(node: RuleNode, value: unknown, old: unknown, path: string, root: boolean, errs: FieldError[]): void {
  if (value === null || value === undefined) return;
  if (node.rules.length) runRules(node, value, old, path, root, errs);
  if (Array.isArray(value)) {
    if (!node.items) return;
    const olds = oldItems(node.schema, value, old);
    value.forEach((x, i) => walk(node.items!, x, olds[i], `${path}[${i}]`, false, errs));
    return;
  }
  if (!isObject(value)) return;
  const oldObj = isObject(old) ? old : undefined;
  for (const [k, child] of node.properties ?? []) walk(child, get(value, k), oldObj && get(oldObj, k), `${path}.${k}`, false, errs);
  if (node.additional && !node.schema.properties) {
    for (const [k, x] of Object.entries(value)) walk(node.additional, x, oldObj && get(oldObj, k), `${path}[${k}]`, false, errs);
  }
}

/** Run every rule against a custom resource (old: the live object on update). */
export function validateRules(node: RuleNode | undefined, obj: Obj, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (node) walk(node, obj, old, "", true, errs);
  return errs;
}
