import { test } from "node:test";
import assert from "node:assert/strict";
import { compileCel, celErrorMessage, CelCompileError } from "./cel.js";

const run = (expr: string, vars: Record<string, unknown> = {}) => compileCel(expr)(vars);

test("standard CEL: macros, has(), size, string functions, ints as bigint", () => {
  assert.equal(run("self.min <= self.max", { self: { min: 1n, max: 3n } }), true);
  assert.equal(run("has(self.x)", { self: {} }), false);
  assert.equal(run("self.all(x, x.startsWith('a')) && self.exists_one(x, x == 'ab')", { self: ["ab", "ac"] }), true);
  assert.equal(run("size(self) + 1", { self: [1n, 2n] }), 3n);
  assert.equal(run("self.matches('^[a-z]+$')", { self: "abc" }), true);
  assert.deepEqual(run("self.map(x, x * 2).filter(x, x > 2)", { self: [1n, 2n, 3n] }), [4n, 6n]);
});

test("Kubernetes' strings, lists and regex libraries", () => {
  assert.equal(run("'abc'.charAt(1)"), "b");
  assert.equal(run("'aaa'.replace('a', 'b', 2)"), "bba");
  assert.equal(run("'aaa'.replace('a', 'b', -1)"), "bbb");
  assert.equal(run("'abc'.reverse()"), "cba");
  assert.equal(run("[1, 2, 2].isSorted() && ![2, 1].isSorted()"), true);
  assert.equal(run("[1, 2, 3].sum()"), 6n);
  assert.equal(run("[1.5, 2.0].sum()"), 3.5);
  assert.equal(run("[3, 1, 2].min()"), 1n);
  assert.equal(run("['b', 'c', 'a'].max()"), "c");
  assert.equal(run("[1, 2, 1].indexOf(1)"), 0n);
  assert.equal(run("[1, 2, 1].lastIndexOf(1)"), 2n);
  assert.equal(run("['a'].indexOf('z')"), -1n);
  assert.equal(run("'abc 123 456'.find('[0-9]+')"), "123");
  assert.deepEqual(run("'abc 123 456'.findAll('[0-9]+')"), ["123", "456"]);
  assert.deepEqual(run("'a1b2c3'.findAll('[0-9]', 2)"), ["1", "2"]);
  assert.throws(() => run("[].min()"), /min called on empty list/);
});

test("Kubernetes' quantity library compares and adds resource quantities", () => {
  assert.equal(run("quantity('500m').isLessThan(quantity('1'))"), true);
  assert.equal(run("quantity('1Gi').isGreaterThan(quantity('1G'))"), true);
  assert.equal(run("quantity('1Ki').compareTo(quantity('1024'))"), 0n);
  assert.equal(run("quantity('1.5').add(quantity('500m')).asInteger()"), 2n);
  assert.equal(run("quantity('2').sub(3).sign()"), -1n);
  assert.equal(run("quantity('1.5').isInteger()"), false);
  assert.equal(run("quantity('250m').asApproximateFloat()"), 0.25);
  assert.equal(run("isQuantity('10Mi') && !isQuantity('ten')"), true);
  assert.throws(() => run("quantity('ten')"), /quantities must match/);
  assert.throws(() => run("quantity('1.5').asInteger()"), /cannot convert value to integer/);
});

test("Kubernetes' url library", () => {
  assert.equal(run("url('https://example.com:8443/a/b?x=1&x=2').getHost()"), "example.com:8443");
  assert.equal(run("url('https://example.com:8443/a').getHostname()"), "example.com");
  assert.equal(run("url('https://example.com:8443/a').getPort()"), "8443");
  assert.equal(run("url('https://example.com/a%20b').getEscapedPath()"), "/a%20b");
  assert.equal(run("url('https://example.com').getScheme()"), "https");
  assert.deepEqual(run("url('https://example.com/?x=1&x=2').getQuery()"), { x: ["1", "2"] });
  assert.equal(run("isURL('https://example.com') && isURL('/relative') && !isURL('example.com')"), true);
  assert.equal(run("url('/path').getHost()"), "");
});

test("compiling: the variables read, the result type, cel-go style errors", () => {
  const p = compileCel("self.x == oldSelf.x");
  assert.deepEqual([...p.uses].sort(), ["oldSelf", "self"]);
  assert.equal(compileCel("self > 1").type, "bool");
  assert.equal(compileCel("'a' + 'b'").type, "string");
  assert.throws(() => compileCel("self >"), (e: unknown) => e instanceof CelCompileError && /^ERROR: <input>:1:\d+: /.test((e as Error).message));
  assert.throws(() => compileCel("1 + 'a'"), CelCompileError);
});

test("evaluation errors read as cel-go's", () => {
  assert.throws(() => run("self.x", { self: {} }), (e: unknown) => celErrorMessage(e) === "no such key: x");
  assert.throws(() => run("1 / 0"), (e: unknown) => /division by zero/.test(celErrorMessage(e)));
});
