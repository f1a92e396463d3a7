/**
 * Label selectors, a port of k8s.io/apimachinery/pkg/labels (the
 * ?labelSelector= grammar, its lexer, parser, validation and error messages)
 * and of metav1.LabelSelectorAsSelector / FormatLabelSelector, so lists,
 * watches and controllers select exactly what a real cluster selects.
 *
 * A selector compiles to a LabelMatcher: a function from an object's labels
 * to a boolean, carrying its requirements, its exact key=value pairs (for a
 * store to pre-filter on) and its canonical string.
 */
import { errors, fieldErrors, type FieldError } from "../status.js";
import { isQualifiedName, isValidLabelValue } from "../validation.js";

/** selection.Operator values. */
export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Parsed selectors hold them sorted and de-duplicated. */
  readonly values: readonly string[];
}

export type Labels = Record<string, string> | undefined | null;

export interface LabelMatcher {
  (labels: Labels): boolean;
  /** Sorted by key. */
  readonly requirements: readonly LabelRequirement[];
  /** No requirement: matches everything (labels.Everything()). */
  readonly empty: boolean;
  /** Matches nothing at all (labels.Nothing(), from a null metav1.LabelSelector). */
  readonly nothing: boolean;
  /** key → value that every matching object's labels must carry (from =, == and single-value in). */
  readonly exact: Readonly<Record<string, string>>;
  requiresExactMatch(key: string): string | undefined;
  /** The canonical form, e.g. "app=nginx,tier in (a,b)"; "" for everything and nothing. */
  toString(): string;
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

/**
 * A workload's spec.selector as a LabelSelector. A ReplicationController's
 * (the one workload older than LabelSelector) is a plain label map.
 */
export function specSelector(o: object): LabelSelector | undefined {
  const s = ((o as { spec?: unknown }).spec as { selector?: unknown } | undefined)?.selector;
  if (!s || typeof s !== "object") return undefined;
  return "matchLabels" in s || "matchExpressions" in s ? (s as LabelSelector) : { matchLabels: s as Record<string, string> };
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | (string & {});
  values?: string[] | null;
}

// ---- matching ---------------------------------------------------------------

const has = (labels: Labels, key: string): labels is Record<string, string> => !!labels && Object.hasOwn(labels, key);

/** strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > 9223372036854775807n || n < -9223372036854775808n ? undefined : n;
}

function requirementMatches(r: LabelRequirement, labels: Labels): boolean {
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has(labels, r.key) && r.values.includes(labels[r.key]);
    case "!=":
    case "notin":
      return !has(labels, r.key) || !r.values.includes(labels[r.key]);
    case "exists":
      return has(labels, r.key);
    case "!":
      return !has(labels, r.key);
    case "gt":
    case "lt": {
      if (!has(labels, r.key) || r.values.length !== 1) return false;
      const v = parseInt64(labels[r.key]);
      const want = parseInt64(r.values[0]);
      if (v === undefined || want === undefined) return false;
      return r.operator === "gt" ? v > want : v < want;
    }
  }
}

/** Requirement.String(). */
export function formatRequirement(r: LabelRequirement): string {
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return "!" + r.key;
  }
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(",");
  switch (r.operator) {
    case "in":
      return `${r.key} in (${values})`;
    case "notin":
      return `${r.key} notin (${values})`;
    case "gt":
      return `${r.key}>${values}`;
    case "lt":
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

function compile(reqs: LabelRequirement[], nothing = false): LabelMatcher {
  const requirements = Object.freeze(reqs.map((r) => Object.freeze({ ...r, values: Object.freeze([...r.values]) })));
  const pairs = new Map<string, string>();
  for (const r of requirements)
    if ((r.operator === "=" || r.operator === "==" || r.operator === "in") && r.values.length === 1 && !pairs.has(r.key))
      pairs.set(r.key, r.values[0]);
  const exact: Record<string, string> = Object.freeze(Object.fromEntries(pairs));
  const fn = nothing
    ? () => false
    : (labels: Labels) => {
        for (const r of requirements) if (!requirementMatches(r, labels)) return false;
        return true;
      };
  const str = requirements.map(formatRequirement).join(",");
  return Object.assign(fn, {
    requirements,
    empty: !nothing && requirements.length === 0,
    nothing,
    exact,
    requiresExactMatch: (key: string) => pairs.get(key),
    toString: () => str,
  });
}

const byKey = (a: LabelRequirement, b: LabelRequirement) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** labels.Everything(): matches all objects, labelled or not. */
export const everything: LabelMatcher = compile([]);
/** labels.Nothing(): matches no object. */
export const nothing: LabelMatcher = compile([], true);

// ---- requirement validation (NewRequirement) --------------------------------

/** Go's field path helpers over a possibly-nil root (nil renders as "<nil>", children drop it). */
const child = (path: string | undefined, name: string) => (path ? `${path}.${name}` : name);
const fieldError = (e: FieldError) => `${e.field}: ${e.message}`;

/** errors.NewAggregate(...).Error(): one message, or "[a, b]" for several distinct ones. */
function aggregate(msgs: string[]): string {
  const distinct = [...new Set(msgs)];
  return distinct.length === 1 ? distinct[0] : `[${distinct.join(", ")}]`;
}

function validateLabelKey(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? fieldError(fieldErrors.invalid(path, key, errs.join("; "))) : undefined;
}

/**
 * labels.NewRequirement's checks; returns the error messages (empty when
 * valid). badValues is what Go would print for the whole value list.
 */
function checkRequirement(key: string, op: LabelOperator, vals: readonly string[], path?: string, badValues: unknown = vals): string[] {
  const errs: string[] = [];
  const keyErr = validateLabelKey(key, child(path, "key"));
  if (keyErr) errs.push(keyErr);
  const valuePath = child(path, "values");
  switch (op) {
    case "in":
    case "notin":
      if (vals.length === 0)
        errs.push(fieldError(fieldErrors.invalid(valuePath, badValues, "for 'in', 'notin' operators, values set can't be empty")));
      break;
    case "=":
    case "==":
    case "!=":
      if (vals.length !== 1) errs.push(fieldError(fieldErrors.invalid(valuePath, badValues, "exact-match compatibility requires one single value")));
      break;
    case "exists":
    case "!":
      if (vals.length !== 0)
        errs.push(fieldError(fieldErrors.invalid(valuePath, badValues, "values set must be empty for exists and does not exist")));
      break;
    case "gt":
    case "lt":
      if (vals.length !== 1)
        errs.push(fieldError(fieldErrors.invalid(valuePath, badValues, "for 'Gt', 'Lt' operators, exactly one value is required")));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined)
          errs.push(fieldError(fieldErrors.invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer")));
      });
      break;
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(fieldError(fieldErrors.invalid(`${valuePath}[${i}][${key}]`, v, msgs.join("; "))));
  });
  return errs;
}

// ---- lexer (labels.Lexer) ---------------------------------------------------

const Tok = {
  Error: 0,
  EndOfString: 1,
  ClosedPar: 2,
  Comma: 3,
  DoesNotExist: 4,
  DoubleEquals: 5,
  Equals: 6,
  GreaterThan: 7,
  Identifier: 8,
  In: 9,
  LessThan: 10,
  NotEquals: 11,
  NotIn: 12,
  OpenPar: 13,
} as const;
type Tok = (typeof Tok)[keyof typeof Tok];

const string2token: Record<string, Tok> = {
  ")": Tok.ClosedPar,
  ",": Tok.Comma,
  "!": Tok.DoesNotExist,
  "==": Tok.DoubleEquals,
  "=": Tok.Equals,
  ">": Tok.GreaterThan,
  in: Tok.In,
  "<": Tok.LessThan,
  "!=": Tok.NotEquals,
  notin: Tok.NotIn,
  "(": Tok.OpenPar,
};
const tokenOf = (s: string): Tok | undefined => (Object.hasOwn(string2token, s) ? string2token[s] : undefined);

const isWhitespace = (ch: string) => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const isSpecialSymbol = (ch: string) => ch === "=" || ch === "!" || ch === "(" || ch === ")" || ch === "," || ch === ">" || ch === "<";
/** Go's lexer reads a 0 byte at the end of input, and stops on a NUL the same way. */
const END = "\0";

interface Item {
  tok: Tok;
  lit: string;
}

function lex(s: string): Item[] {
  let pos = 0;
  const read = () => (pos < s.length ? s[pos++] : END);
  const unread = () => void pos--;

  const scanIDOrKeyword = (): Item => {
    let buf = "";
    for (;;) {
      const ch = read();
      if (ch === END) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        unread();
        break;
      }
      buf += ch;
    }
    return { tok: tokenOf(buf) ?? Tok.Identifier, lit: buf };
  };

  const scanSpecialSymbol = (): Item => {
    let last: Item | undefined;
    let buf = "";
    for (;;) {
      const ch = read();
      if (ch === END) break;
      if (isSpecialSymbol(ch)) {
        buf += ch;
        const t = tokenOf(buf);
        if (t !== undefined) last = { tok: t, lit: buf };
        else if (last) {
          unread();
          break;
        }
      } else {
        unread();
        break;
      }
    }
    return last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` };
  };

  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === END) item = { tok: Tok.EndOfString, lit: "" };
    else {
      unread();
      item = isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIDOrKeyword();
    }
    items.push(item);
    if (item.tok === Tok.EndOfString) return items;
  }
}

// ---- parser (labels.Parser) -------------------------------------------------

class ParseError extends Error {}

const binaryOperators = ["in", "notin", "=", "==", "!=", "gt", "lt"].join(", ");

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In the Values context, "in" and "notin" are plain identifiers. */
  private lookahead(values: boolean): Item {
    const it = this.items[this.position];
    return values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? { tok: Tok.Identifier, lit: it.lit } : it;
  }

  private consume(values: boolean): Item {
    const it = this.lookahead(values);
    this.position++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
          throw e;
        }
        reqs.push(r);
        const t = this.consume(true);
        if (t.tok === Tok.EndOfString) return reqs;
        if (t.tok === Tok.Comma) {
          const t2 = this.lookahead(true);
          if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist)
            throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
        } else throw new ParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
      } else if (tok === Tok.EndOfString) return reqs;
      else throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    let operator: LabelOperator;
    let values: string[];
    if (inferred === "exists" || inferred === "!") {
      operator = inferred;
      values = [];
    } else {
      operator = this.parseOperator();
      values = operator === "in" || operator === "notin" ? this.parseValues() : this.parseExactValue();
      values = [...new Set(values)].sort(); // sets.String.List()
    }
    const errs = checkRequirement(key, operator, values);
    if (errs.length) throw new ParseError(aggregate(errs));
    return { key, operator, values };
  }

  private parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let operator: LabelOperator | undefined;
    let { tok, lit } = this.consume(true);
    if (tok === Tok.DoesNotExist) {
      operator = "!";
      ({ tok, lit } = this.consume(true));
    }
    if (tok !== Tok.Identifier) throw new ParseError(`found '${lit}', expected: identifier`);
    // The parser validates the key without a field path: Go prints it as "<nil>".
    const keyErr = validateLabelKey(lit, "<nil>");
    if (keyErr) throw new ParseError(keyErr);
    const next = this.lookahead(true).tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && operator !== "!") operator = "exists";
    return [lit, operator];
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In:
        return "in";
      case Tok.Equals:
        return "=";
      case Tok.DoubleEquals:
        return "==";
      case Tok.GreaterThan:
        return "gt";
      case Tok.LessThan:
        return "lt";
      case Tok.NotIn:
        return "notin";
      case Tok.NotEquals:
        return "!=";
      default:
        throw new ParseError(`found '${lit}', expected: ${binaryOperators}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== Tok.OpenPar) throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === Tok.Identifier || tok === Tok.Comma) {
      const s = this.parseIdentifiersList();
      if (this.consume(true).tok !== Tok.ClosedPar) throw new ParseError(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === Tok.ClosedPar) {
      this.consume(true);
      return [""];
    }
    throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): string[] {
    const s: string[] = [];
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === Tok.Identifier) {
        s.push(lit);
        const t2 = this.lookahead(true);
        if (t2.tok === Tok.Comma) continue;
        if (t2.tok === Tok.ClosedPar) return s;
        throw new ParseError(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        if (s.length === 0) s.push(""); // "(,"
        const t2 = this.lookahead(true).tok;
        if (t2 === Tok.ClosedPar) {
          s.push(""); // ",)"
          return s;
        }
        if (t2 === Tok.Comma) s.push(""); // ",,"
      } else throw new ParseError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const { tok } = this.lookahead(true);
    if (tok === Tok.EndOfString || tok === Tok.Comma) return [""];
    const t = this.consume(true);
    if (t.tok === Tok.Identifier) return [t.lit];
    throw new ParseError(`found '${t.lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: compile a ?labelSelector= string. "" selects everything.
 * Throws errors.badRequest with Kubernetes' message, e.g.
 * `unable to parse requirement: found '', expected: ',' or ')'`.
 */
export function parseLabelSelector(selector: string): LabelMatcher {
  let reqs: LabelRequirement[];
  try {
    reqs = new Parser(lex(selector)).parse();
  } catch (e) {
    if (e instanceof ParseError) throw errors.badRequest(e.message);
    throw e;
  }
  return compile(reqs.sort(byKey));
}

/** labels.SelectorFromSet: exactly these labels; an empty or missing set selects everything. No validation. */
export function selectorFromSet(set: Record<string, string> | undefined | null): LabelMatcher {
  if (!set) return everything;
  return compile(Object.entries(set).map(([key, v]) => ({ key, operator: "=" as const, values: [v] })).sort(byKey));
}

const metaOperators: Record<string, LabelOperator> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/**
 * metav1.LabelSelectorAsSelector: a null/undefined selector selects nothing,
 * an empty one ({}) everything. Throws errors.badRequest for an invalid one
 * (with the Go error text); validateLabelSelector gives field errors instead.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): LabelMatcher {
  if (!ls) return nothing;
  const matchLabels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return everything;
  const reqs: LabelRequirement[] = [];
  for (const [key, v] of Object.entries(matchLabels)) {
    const errs = checkRequirement(key, "=", [v]);
    if (errs.length) throw errors.badRequest(aggregate(errs));
    reqs.push({ key, operator: "=", values: [v] });
  }
  for (const e of exprs) {
    const operator = Object.hasOwn(metaOperators, e.operator) ? metaOperators[e.operator] : undefined;
    if (!operator) throw errors.badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    const values = [...(e.values ?? [])];
    // Go renders the empty list it built as null.
    const errs = checkRequirement(e.key, operator, values, undefined, values.length ? values : null);
    if (errs.length) throw errors.badRequest(aggregate(errs));
    reqs.push({ key: e.key, operator, values });
  }
  return compile(reqs.sort(byKey));
}

/**
 * metav1.FormatLabelSelector, what kubectl shows (e.g. in `describe` and the
 * SELECTOR column): "app=nginx,tier in (a,b)", "<none>" when it selects
 * everything or is null, "<error>" when invalid.
 */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = selectorFromLabelSelector(ls).toString();
  } catch {
    return "<error>";
  }
  return s === "" ? "<none>" : s;
}

/**
 * metav1 validation.ValidateLabelSelector: field errors for an object's
 * selector (e.g. spec.selector of a Deployment). A null selector is valid.
 */
export function validateLabelSelector(ls: LabelSelector | null | undefined, fldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ls) return errs;
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldErrors.invalid(`${fldPath}.matchLabels`, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(`${fldPath}.matchLabels`, v, msg));
  }
  (ls.matchExpressions ?? []).forEach((e, i) => {
    const p = `${fldPath}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) errs.push(fieldErrors.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) errs.push(fieldErrors.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldErrors.invalid(`${p}.operator`, e.operator, "not a valid selector operator"));
    }
    for (const msg of isQualifiedName(e.key)) errs.push(fieldErrors.invalid(`${p}.key`, e.key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}
