/**
 * Field selectors (?fieldSelector=), a port of k8s.io/apimachinery/pkg/fields:
 * comma-separated `field=value`, `field==value` and `field!=value` terms,
 * values escaped with `\,` `\=` `\\`. Which fields a kind supports is the
 * caller's business: checkFields refuses the others as the apiserver does.
 */
import { errors } from "../status.js";

export type FieldOperator = "=" | "==" | "!=";

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  /** Unescaped. */
  value: string;
}

/** Reads a field of the object being matched; a missing field compares as "". */
export type FieldGetter = (path: string) => string | undefined;

export interface FieldSelector {
  /** The terms, sorted as Kubernetes sorts them (by their raw text). */
  readonly requirements: readonly FieldRequirement[];
  /** True when there is no term: everything matches. */
  readonly empty: boolean;
  matches(get: FieldGetter): boolean;
  /** The value `field` must equal (an = or == term), as RequiresExactMatch. */
  requiresExactMatch(field: string): string | undefined;
  /** Canonical text: terms joined by ",", values escaped. */
  toString(): string;
}

/** EscapeValue: backslash-escape \, "," and "=" for use in a selector. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => "\\" + c);
}

/** UnescapeValue; throws badRequest on a bad escape or a bare "," or "=". */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === "\\" || c === "," || c === "=") out += c;
      else throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === "\\") inSlash = true;
    // Go prints the rune with %v, i.e. as its code point number.
    else if (c === "," || c === "=") throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw errors.badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** splitTerms: split on commas that are not backslash-escaped. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const termOperators: FieldOperator[] = ["!=", "==", "="];

/** splitTerm: the first operator occurrence splits (no escaping on the left side). */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * fields.ParseSelector. Whitespace is not trimmed (as in Kubernetes, "a = b"
 * selects field "a " and value " b"). Throws errors.badRequest.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const t = splitTerm(part);
    if (!t) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, operator, rhs] = t;
    reqs.push({ field, operator, value: unescapeFieldValue(rhs) });
  }
  return fieldSelectorFromRequirements(reqs);
}

/** A selector over requirements already parsed (or built in code). */
export function fieldSelectorFromRequirements(reqs: readonly FieldRequirement[]): FieldSelector {
  const requirements = Object.freeze(reqs.map((r) => ({ ...r })));
  return {
    requirements,
    empty: requirements.length === 0,
    matches(get) {
      for (const r of requirements) {
        const v = get(r.field) ?? "";
        if ((r.operator === "!=") === (v === r.value)) return false;
      }
      return true;
    },
    requiresExactMatch(field) {
      for (const r of requirements) if (r.field === field && r.operator !== "!=") return r.value;
      return undefined;
    },
    toString() {
      return requirements.map((r) => `${r.field}${r.operator === "!=" ? "!=" : "="}${escapeFieldValue(r.value)}`).join(",");
    },
  };
}

/** A selector matching exactly the given field values (fields.SelectorFromSet). */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  return fieldSelectorFromRequirements(Object.entries(set).map(([field, value]) => ({ field, operator: "=" as const, value })));
}

/**
 * Refuse fields a kind cannot select on, with the apiserver's message
 * (`field label not supported: spec.foo`). Accepts a selector or its
 * requirements.
 */
export function checkFields(req: FieldSelector | readonly FieldRequirement[], supported: ReadonlySet<string>): void {
  const reqs = "requirements" in req ? req.requirements : req;
  for (const r of reqs) if (!supported.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
}
