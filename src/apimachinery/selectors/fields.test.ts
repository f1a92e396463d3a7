import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../status.js";
import {
  checkFields,
  escapeFieldValue,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldValue,
  type FieldGetter,
} from "./fields.js";

const getter =
  (o: Record<string, string>): FieldGetter =>
  (p) =>
    Object.hasOwn(o, p) ? o[p] : undefined;

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    return e.message;
  }
  assert.fail("expected a BadRequest");
}

test("parses =, == and != terms", () => {
  assert.deepEqual(parseFieldSelector("metadata.name=foo").requirements, [{ field: "metadata.name", operator: "=", value: "foo" }]);
  assert.deepEqual(parseFieldSelector("metadata.name==foo").requirements, [{ field: "metadata.name", operator: "==", value: "foo" }]);
  assert.deepEqual(parseFieldSelector("status.phase!=Running").requirements, [{ field: "status.phase", operator: "!=", value: "Running" }]);
  assert.deepEqual(parseFieldSelector("a=").requirements, [{ field: "a", operator: "=", value: "" }]);
  assert.deepEqual(parseFieldSelector("=b").requirements, [{ field: "", operator: "=", value: "b" }]);
});

test("comma-separated terms, sorted, empty terms skipped", () => {
  const s = parseFieldSelector("spec.nodeName=n1,metadata.namespace!=kube-system,,");
  assert.deepEqual(s.requirements, [
    { field: "metadata.namespace", operator: "!=", value: "kube-system" },
    { field: "spec.nodeName", operator: "=", value: "n1" },
  ]);
  assert.equal(s.toString(), "metadata.namespace!=kube-system,spec.nodeName=n1");
});

test("empty selector matches everything", () => {
  for (const s of ["", ",", ",,,"]) {
    const sel = parseFieldSelector(s);
    assert.ok(sel.empty, JSON.stringify(s));
    assert.equal(sel.matches(() => undefined), true);
    assert.equal(sel.toString(), "");
  }
  assert.ok(!parseFieldSelector("a=b").empty);
});

test("the first operator in a term splits it, == before =", () => {
  assert.deepEqual(parseFieldSelector("a==b").requirements, [{ field: "a", operator: "==", value: "b" }]);
  assert.deepEqual(parseFieldSelector(String.raw`a!=b\=c`).requirements, [{ field: "a", operator: "!=", value: "b=c" }]);
  assert.deepEqual(parseFieldSelector("x.y/z=w").requirements, [{ field: "x.y/z", operator: "=", value: "w" }]);
  assert.throws(() => parseFieldSelector("a===b"), /unescaped character in value: 61/);
  assert.throws(() => parseFieldSelector("a!==b"), /unescaped character in value: 61/);
});

test("escaping in values", () => {
  assert.deepEqual(parseFieldSelector(String.raw`a=x\,y`).requirements, [{ field: "a", operator: "=", value: "x,y" }]);
  assert.deepEqual(parseFieldSelector(String.raw`a=x\=y`).requirements, [{ field: "a", operator: "=", value: "x=y" }]);
  assert.deepEqual(parseFieldSelector(String.raw`a=x\\y`).requirements, [{ field: "a", operator: "=", value: String.raw`x\y` }]);
  assert.deepEqual(parseFieldSelector(String.raw`a=x\,y,b=z`).requirements, [
    { field: "a", operator: "=", value: "x,y" },
    { field: "b", operator: "=", value: "z" },
  ]);
  assert.deepEqual(parseFieldSelector(String.raw`a=\\,b=z`).requirements, [
    { field: "a", operator: "=", value: "\\" },
    { field: "b", operator: "=", value: "z" },
  ]);
  assert.equal(parseFieldSelector(String.raw`a=x\,y\=z\\w`).toString(), String.raw`a=x\,y\=z\\w`);
});

test("escapeFieldValue and unescapeFieldValue round-trip", () => {
  for (const v of ["", "plain", "a,b", "a=b", "a\\b", "\\,=", "ünïcödé", "x\\\\,,==y"]) {
    assert.equal(unescapeFieldValue(escapeFieldValue(v)), v);
  }
  assert.equal(escapeFieldValue("a,b=c\\d"), String.raw`a\,b\=c\\d`);
});

test("bad escapes and bare separators are refused", () => {
  assert.equal(badRequest(() => unescapeFieldValue(String.raw`a\b`)), String.raw`invalid field selector: invalid escape sequence: \b`);
  assert.equal(badRequest(() => unescapeFieldValue("a\\")), "invalid field selector: invalid escape sequence: \\");
  // Go prints the rune as a number.
  assert.equal(badRequest(() => unescapeFieldValue("a=b")), "invalid field selector: unescaped character in value: 61");
  assert.equal(badRequest(() => parseFieldSelector("a=b=c")), "invalid field selector: unescaped character in value: 61");
  assert.equal(badRequest(() => parseFieldSelector(String.raw`a=b\c`)), String.raw`invalid field selector: invalid escape sequence: \c`);
  assert.equal(badRequest(() => parseFieldSelector("a=b\\")), "invalid field selector: invalid escape sequence: \\");
});

test("terms without an operator are refused", () => {
  assert.equal(badRequest(() => parseFieldSelector("abc")), "invalid selector: 'abc'; can't understand 'abc'");
  assert.equal(badRequest(() => parseFieldSelector("a=b,c")), "invalid selector: 'a=b,c'; can't understand 'c'");
  assert.equal(badRequest(() => parseFieldSelector("a<b")), "invalid selector: 'a<b'; can't understand 'a<b'");
  assert.equal(badRequest(() => parseFieldSelector("a in (b)")), "invalid selector: 'a in (b)'; can't understand 'a in (b)'");
});

test("whitespace is significant, as in Kubernetes", () => {
  assert.deepEqual(parseFieldSelector("a = b").requirements, [{ field: "a ", operator: "=", value: " b" }]);
});

test("matching with a getter; missing fields compare as empty", () => {
  const pod = getter({ "metadata.name": "web-1", "metadata.namespace": "default", "spec.nodeName": "n1", "status.phase": "Running" });
  assert.equal(parseFieldSelector("metadata.name=web-1").matches(pod), true);
  assert.equal(parseFieldSelector("metadata.name==web-1,spec.nodeName=n1").matches(pod), true);
  assert.equal(parseFieldSelector("metadata.name=web-2").matches(pod), false);
  assert.equal(parseFieldSelector("status.phase!=Running").matches(pod), false);
  assert.equal(parseFieldSelector("status.phase!=Pending").matches(pod), true);
  assert.equal(parseFieldSelector("spec.missing=").matches(pod), true);
  assert.equal(parseFieldSelector("spec.missing!=").matches(pod), false);
  assert.equal(parseFieldSelector("spec.missing=x").matches(pod), false);
  assert.equal(parseFieldSelector("spec.missing!=x").matches(pod), true);
  assert.equal(parseFieldSelector("spec.nodeName=").matches(pod), false);
  assert.equal(parseFieldSelector("metadata.name=web-1,status.phase=Pending").matches(pod), false);
});

test("requiresExactMatch", () => {
  const s = parseFieldSelector("metadata.name=foo,spec.nodeName!=n1");
  assert.equal(s.requiresExactMatch("metadata.name"), "foo");
  assert.equal(s.requiresExactMatch("spec.nodeName"), undefined);
  assert.equal(s.requiresExactMatch("other"), undefined);
  assert.equal(parseFieldSelector("metadata.name==").requiresExactMatch("metadata.name"), "");
  assert.equal(parseFieldSelector("a!=x,a=y").requiresExactMatch("a"), "y");
});

test("fieldSelectorFromSet", () => {
  const s = fieldSelectorFromSet({ "metadata.name": "a,b", "spec.nodeName": "n" });
  assert.equal(s.matches(getter({ "metadata.name": "a,b", "spec.nodeName": "n" })), true);
  assert.equal(s.matches(getter({ "metadata.name": "a,b" })), false);
  assert.equal(s.toString(), String.raw`metadata.name=a\,b,spec.nodeName=n`);
  assert.ok(fieldSelectorFromSet({}).empty);
});

test("checkFields refuses unsupported field labels", () => {
  const supported = new Set(["metadata.name", "metadata.namespace"]);
  checkFields(parseFieldSelector("metadata.name=a,metadata.namespace!=b"), supported);
  checkFields(parseFieldSelector(""), supported);
  checkFields([], supported);
  assert.equal(badRequest(() => checkFields(parseFieldSelector("spec.foo=bar"), supported)), "field label not supported: spec.foo");
  assert.equal(
    badRequest(() => checkFields([{ field: "status.phase", operator: "=", value: "x" }], supported)),
    "field label not supported: status.phase",
  );
  assert.equal(badRequest(() => checkFields(parseFieldSelector("a = b"), new Set(["a"]))), "field label not supported: a ");
});
