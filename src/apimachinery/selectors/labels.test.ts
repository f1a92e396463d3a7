import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../status.js";
import {
  everything,
  formatLabelSelector,
  formatRequirement,
  nothing,
  parseLabelSelector,
  selectorFromLabelSelector,
  selectorFromSet,
  validateLabelSelector,
  type LabelRequirement,
} from "./labels.js";

/** Asserts parse fails with a 400 BadRequest carrying exactly this message. */
function parseError(selector: string): string {
  try {
    parseLabelSelector(selector);
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError for ${JSON.stringify(selector)}`);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(selector)} to be rejected`);
}

const reqs = (s: string) => parseLabelSelector(s).requirements.map((r) => ({ ...r, values: [...r.values] }));

test("valid selectors re-stringify without spaces (TestSelectorParse)", () => {
  for (const s of ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]) {
    assert.equal(parseLabelSelector(s).toString(), s.replaceAll(" ", ""), s);
  }
});

test("parse is deterministic: requirements sorted by key", () => {
  assert.equal(parseLabelSelector("x=a,a=x").toString(), parseLabelSelector("a=x,x=a").toString());
  assert.equal(parseLabelSelector("z,y=1,x in (b,a)").toString(), "x in (a,b),y=1,z");
});

test("every operator parses to the right requirement", () => {
  const cases: [string, LabelRequirement][] = [
    ["a=b", { key: "a", operator: "=", values: ["b"] }],
    ["a==b", { key: "a", operator: "==", values: ["b"] }],
    ["a!=b", { key: "a", operator: "!=", values: ["b"] }],
    ["a in (x,y)", { key: "a", operator: "in", values: ["x", "y"] }],
    ["a notin (x,y)", { key: "a", operator: "notin", values: ["x", "y"] }],
    ["a", { key: "a", operator: "exists", values: [] }],
    ["!a", { key: "a", operator: "!", values: [] }],
    ["a>1", { key: "a", operator: "gt", values: ["1"] }],
    ["a<1", { key: "a", operator: "lt", values: ["1"] }],
    ["a=", { key: "a", operator: "=", values: [""] }],
    ["a!=", { key: "a", operator: "!=", values: [""] }],
  ];
  for (const [s, want] of cases) assert.deepEqual(reqs(s), [want], s);
});

test("set-based parsing (TestSetSelectorParser)", () => {
  const good: [string, LabelRequirement[]][] = [
    ["", []],
    ["\rx", [{ key: "x", operator: "exists", values: [] }]],
    [
      "this-is-a-dns.domain.com/key-with-dash",
      [{ key: "this-is-a-dns.domain.com/key-with-dash", operator: "exists", values: [] }],
    ],
    [
      "this-is-another-dns.domain.com/key-with-dash in (so,what)",
      [{ key: "this-is-another-dns.domain.com/key-with-dash", operator: "in", values: ["so", "what"] }],
    ],
    [
      "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
      [{ key: "0.1.2.domain/99", operator: "notin", values: ["10.10.100.1", "tick.tack.clock"] }],
    ],
    ["foo  in\t (abc)", [{ key: "foo", operator: "in", values: ["abc"] }]],
    ["x notin\n (abc)", [{ key: "x", operator: "notin", values: ["abc"] }]],
    ["x  notin\t\t\t(abc,def)", [{ key: "x", operator: "notin", values: ["abc", "def"] }]],
    ["x in (abc,)", [{ key: "x", operator: "in", values: ["", "abc"] }]],
    ["x in (abc,abc)", [{ key: "x", operator: "in", values: ["abc"] }]],
    ["x in ()", [{ key: "x", operator: "in", values: [""] }]],
    ["x in (a,,)", [{ key: "x", operator: "in", values: ["", "a"] }]],
    ["x in (a,,,)", [{ key: "x", operator: "in", values: ["", "a"] }]],
    ["x in (a,,,,,,)", [{ key: "x", operator: "in", values: ["", "a"] }]],
    ["x in (a,,a,,a,,a,,)", [{ key: "x", operator: "in", values: ["", "a"] }]],
    ["x in (,a)", [{ key: "x", operator: "in", values: ["", "a"] }]],
    ["x notin ( )", [{ key: "x", operator: "notin", values: [""] }]],
    ["x notin (, a)", [{ key: "x", operator: "notin", values: ["", "a"] }]],
    ["a ", [{ key: "a", operator: "exists", values: [] }]],
    ["a in (x,y,notin, z,in)", [{ key: "a", operator: "in", values: ["in", "notin", "x", "y", "z"] }]],
    ["in in (in)", [{ key: "in", operator: "in", values: ["in"] }]],
    ["notin=in", [{ key: "notin", operator: "=", values: ["in"] }]],
    [
      "x notin (abc,,def),bar,z in (),w",
      [
        { key: "bar", operator: "exists", values: [] },
        { key: "w", operator: "exists", values: [] },
        { key: "x", operator: "notin", values: ["", "abc", "def"] },
        { key: "z", operator: "in", values: [""] },
      ],
    ],
    [
      "x=a,y!=b,z in (h,i,j)",
      [
        { key: "x", operator: "=", values: ["a"] },
        { key: "y", operator: "!=", values: ["b"] },
        { key: "z", operator: "in", values: ["h", "i", "j"] },
      ],
    ],
  ];
  for (const [s, want] of good) assert.deepEqual(reqs(s), want, JSON.stringify(s));
  for (const bad of ["x=a||y=b", "x,,y", ",x,y", "x nott in (y)", "a in (xyz),", "a in (xyz)b notin ()", "a in (xyz abc)", "a notin(", "a (", "("]) {
    assert.throws(() => parseLabelSelector(bad), ApiError, bad);
  }
});

test("whitespace tolerance", () => {
  assert.equal(parseLabelSelector("  a = b ,  c  ,  !d , e in ( x , y )  ").toString(), "a=b,c,!d,e in (x,y)");
  assert.equal(parseLabelSelector("a\t=\tb").toString(), "a=b");
  assert.ok(parseLabelSelector("   ").empty);
});

test("parse errors carry Kubernetes' messages", () => {
  const ops = "in, notin, =, ==, !=, gt, lt";
  assert.equal(parseError("a b"), `unable to parse requirement: found 'b', expected: ${ops}`);
  assert.equal(parseError("a!!b"), `unable to parse requirement: found '!', expected: ${ops}`);
  // "|" is no operator: "a||y" lexes as one (invalid) value.
  assert.match(parseError("x=a||y=b"), /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a\|\|y": a valid label/);
  assert.equal(parseError("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
  assert.equal(parseError("a in (xyz abc)"), "unable to parse requirement: found 'abc', expected: ',' or ')'");
  assert.equal(parseError("a in b"), "unable to parse requirement: found 'b' expected: '('");
  assert.equal(parseError("a in (=)"), "unable to parse requirement: found '=', expected: ',', ')' or identifier");
  assert.equal(parseError("a in (x,=)"), "unable to parse requirement: found '=', expected: ',', or identifier");
  assert.equal(parseError("a=(b)"), "unable to parse requirement: found '(', expected: identifier");
  assert.equal(parseError("a<=1"), "unable to parse requirement: found '=', expected: identifier");
  assert.equal(parseError("!"), "unable to parse requirement: found '', expected: identifier");
  assert.equal(parseError("!=a"), "found '!=', expected: !, identifier, or 'end of string'");
  assert.equal(parseError("a,"), "found '', expected: identifier after ','");
  assert.equal(parseError("a=b,,c"), "found ',', expected: identifier after ','");
  assert.equal(parseError(",a"), "found ',', expected: !, identifier, or 'end of string'");
  assert.equal(parseError("(a)"), "found '(', expected: !, identifier, or 'end of string'");
  assert.equal(parseError("!a=b"), "found '=', expected: ',' or 'end of string'");
  assert.equal(parseError("x==a==b"), "found '==', expected: ',' or 'end of string'");
  assert.equal(parseError("a in (xyz)b notin ()"), "found 'b', expected: ',' or 'end of string'");
});

test("invalid keys and values are refused with validation messages", () => {
  assert.equal(
    parseError("Foo_"),
    `unable to parse requirement: <nil>: Invalid value: "Foo_": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  );
  assert.equal(parseError("/a"), `unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty`);
  assert.match(parseError("a/b/c"), /^unable to parse requirement: <nil>: Invalid value: "a\/b\/c": a valid label key must consist/);
  assert.match(parseError("Example.com/a=b"), /<nil>: Invalid value: "Example.com\/a": prefix part a lowercase RFC 1123 subdomain/);
  assert.match(parseError(`${"k".repeat(64)}=v`), /name part must be no more than 63 bytes/);
  assert.equal(
    parseError("a=b_"),
    `unable to parse requirement: values[0][a]: Invalid value: "b_": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  );
  assert.match(parseError(`a=${"v".repeat(64)}`), /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "v+": must be no more than 63 bytes$/);
  assert.match(parseError("a in (ok,-bad)"), /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-bad"/);
  // Two bad values: an aggregate, in brackets.
  assert.match(parseError("a in (_x,_y)"), /^unable to parse requirement: \[values\[0\]\[a\]: .*, values\[1\]\[a\]: .*\]$/);
});

test("gt and lt need one integer value", () => {
  assert.equal(parseError("x<a"), `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`);
  assert.equal(parseError("x>"), `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`);
  assert.equal(parseError("x>99999999999999999999"), `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`);
  // A negative number is not a valid label value.
  assert.match(parseError("x>-1"), /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "-1": a valid label/);
  assert.deepEqual(reqs("x>007"), [{ key: "x", operator: "gt", values: ["007"] }]);
});

test("matching (TestSelectorMatches)", () => {
  const yes: [string, Record<string, string>][] = [
    ["", { x: "y" }],
    ["x=y", { x: "y" }],
    ["x==y", { x: "y" }],
    ["x=y,z=w", { x: "y", z: "w" }],
    ["x!=y,z!=w", { x: "z", z: "a" }],
    ["notin=in", { notin: "in" }],
    ["x", { x: "z" }],
    ["x", { x: "" }],
    ["!x", { y: "z" }],
    ["x>1", { x: "2" }],
    ["x<1", { x: "0" }],
    ["x<1", { x: "-5" }],
    ["x>1", { x: "+2" }],
    ["x>9223372036854775806", { x: "9223372036854775807" }],
    ["x!=y", {}],
    ["x notin (a,b)", {}],
    ["x notin (a,b)", { x: "c" }],
    ["x in (a,b)", { x: "b" }],
    ["x in ()", { x: "" }],
    ["x=", { x: "" }],
    ["foo=bar,baz=blah", { foo: "bar", baz: "blah" }],
  ];
  const no: [string, Record<string, string>][] = [
    ["x=z", {}],
    ["x=y", { x: "z" }],
    ["x=y,z=w", { x: "w", z: "w" }],
    ["x!=y,z!=w", { x: "z", z: "w" }],
    ["x", { y: "z" }],
    ["!x", { x: "z" }],
    ["x>1", { x: "0" }],
    ["x>1", { x: "1" }],
    ["x<1", { x: "2" }],
    ["x>1", {}],
    ["x>1", { x: "v2" }],
    ["x>1", { x: "1.5" }],
    ["x>1", { x: "99999999999999999999" }],
    ["x in (a,b)", { x: "c" }],
    ["x in (a,b)", {}],
    ["x notin (a,b)", { x: "a" }],
    ["x=", {}],
    ["foo=bar,foobar=bar,baz=blah", { foo: "bar", baz: "blah" }],
  ];
  for (const [s, l] of yes) assert.equal(parseLabelSelector(s)(l), true, `${s} should match ${JSON.stringify(l)}`);
  for (const [s, l] of no) assert.equal(parseLabelSelector(s)(l), false, `${s} should not match ${JSON.stringify(l)}`);
});

test("unlabelled objects and inherited properties", () => {
  assert.equal(parseLabelSelector("")(undefined), true);
  assert.equal(parseLabelSelector("!a")(undefined), true);
  assert.equal(parseLabelSelector("a!=b")(null), true);
  assert.equal(parseLabelSelector("a")(undefined), false);
  assert.equal(parseLabelSelector("a=b")(undefined), false);
  // Keys that exist on Object.prototype are not labels.
  assert.equal(parseLabelSelector("constructor")({}), false);
  assert.equal(parseLabelSelector("!toString")({}), true);
});

test("exact-match requirements for pre-filtering", () => {
  const m = parseLabelSelector("app=web,tier==front,env in (prod),x in (a,b),y!=z,w");
  assert.deepEqual({ ...m.exact }, { app: "web", env: "prod", tier: "front" });
  assert.equal(m.requiresExactMatch("app"), "web");
  assert.equal(m.requiresExactMatch("x"), undefined);
  assert.equal(m.requiresExactMatch("y"), undefined);
  assert.equal(m.requiresExactMatch("nope"), undefined);
  assert.deepEqual({ ...parseLabelSelector("").exact }, {});
  assert.deepEqual({ ...parseLabelSelector("a in ()").exact }, { a: "" });
  assert.ok(Object.isFrozen(m.exact));
});

test("everything and nothing", () => {
  assert.equal(everything({ a: "b" }), true);
  assert.equal(everything(undefined), true);
  assert.ok(everything.empty);
  assert.ok(!everything.nothing);
  assert.equal(nothing({ a: "b" }), false);
  assert.equal(nothing(undefined), false);
  assert.ok(!nothing.empty);
  assert.ok(nothing.nothing);
  assert.equal(String(everything), "");
  assert.equal(String(nothing), "");
  assert.ok(parseLabelSelector("").empty);
  assert.ok(!parseLabelSelector("a").empty);
});

test("formatRequirement (TestToString)", () => {
  const f = (key: string, operator: LabelRequirement["operator"], values: string[]) => formatRequirement({ key, operator, values });
  assert.equal(f("x", "in", ["def", "abc"]), "x in (abc,def)");
  assert.equal(f("y", "notin", ["jkl"]), "y notin (jkl)");
  assert.equal(f("z", "exists", []), "z");
  assert.equal(f("z", "!", []), "!z");
  assert.equal(f("z", "notin", [""]), "z notin ()");
  assert.equal(f("x", "=", ["abc"]), "x=abc");
  assert.equal(f("y", "==", ["jkl"]), "y==jkl");
  assert.equal(f("z", "!=", ["a"]), "z!=a");
  assert.equal(f("x", "gt", ["2"]), "x>2");
  assert.equal(f("y", "lt", ["8"]), "y<8");
});

test("selectorFromSet", () => {
  const m = selectorFromSet({ b: "2", a: "1" });
  assert.equal(m.toString(), "a=1,b=2");
  assert.equal(m({ a: "1", b: "2", c: "3" }), true);
  assert.equal(m({ a: "1" }), false);
  assert.deepEqual({ ...m.exact }, { a: "1", b: "2" });
  assert.ok(selectorFromSet({}).empty);
  assert.ok(selectorFromSet(undefined).empty);
});

test("selectorFromLabelSelector: null selects nothing, {} everything", () => {
  assert.equal(selectorFromLabelSelector(undefined)({ a: "b" }), false);
  assert.equal(selectorFromLabelSelector(null)({}), false);
  assert.ok(selectorFromLabelSelector(null).nothing);
  assert.equal(selectorFromLabelSelector({})({ a: "b" }), true);
  assert.equal(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] })(undefined), true);
  assert.ok(selectorFromLabelSelector({ matchLabels: null, matchExpressions: null }).empty);
});

test("selectorFromLabelSelector: matchLabels and every expression operator", () => {
  const m = selectorFromLabelSelector({
    matchLabels: { app: "nginx" },
    matchExpressions: [
      { key: "tier", operator: "In", values: ["b", "a"] },
      { key: "env", operator: "NotIn", values: ["dev"] },
      { key: "team", operator: "Exists" },
      { key: "legacy", operator: "DoesNotExist", values: [] },
    ],
  });
  assert.equal(m.toString(), "app=nginx,env notin (dev),!legacy,team,tier in (a,b)");
  assert.equal(m({ app: "nginx", tier: "a", team: "x" }), true);
  assert.equal(m({ app: "nginx", tier: "b", team: "x", env: "prod" }), true);
  assert.equal(m({ app: "nginx", tier: "c", team: "x" }), false);
  assert.equal(m({ app: "nginx", tier: "a", team: "x", env: "dev" }), false);
  assert.equal(m({ app: "nginx", tier: "a" }), false);
  assert.equal(m({ app: "nginx", tier: "a", team: "x", legacy: "" }), false);
  assert.equal(m({ app: "apache", tier: "a", team: "x" }), false);
  assert.deepEqual({ ...m.exact }, { app: "nginx" });
});

test("selectorFromLabelSelector: invalid selectors", () => {
  const msg = (ls: Parameters<typeof selectorFromLabelSelector>[0]) => {
    try {
      selectorFromLabelSelector(ls);
    } catch (e) {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 400);
      return e.message;
    }
    assert.fail("expected an error");
  };
  assert.equal(msg({ matchExpressions: [{ key: "a", operator: "Foo" }] }), `"Foo" is not a valid label selector operator`);
  assert.equal(msg({ matchExpressions: [{ key: "a", operator: "In" }] }), "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty");
  assert.equal(
    msg({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }),
    `values: Invalid value: ["x"]: values set must be empty for exists and does not exist`,
  );
  assert.match(msg({ matchLabels: { "a b": "c" } }), /^key: Invalid value: "a b": name part must consist/);
  assert.match(msg({ matchLabels: { "a b": "c d" } }), /^\[key: Invalid value: "a b": .*, values\[0\]\[a b\]: Invalid value: "c d": .*\]$/);
});

test("formatLabelSelector as kubectl shows it", () => {
  assert.equal(
    formatLabelSelector({ matchLabels: { app: "nginx" }, matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }] }),
    "app=nginx,tier in (a,b)",
  );
  assert.equal(formatLabelSelector({ matchLabels: { b: "2", a: "1" } }), "a=1,b=2");
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: "x", operator: "DoesNotExist" }] }), "!x");
  assert.equal(formatLabelSelector({}), "<none>");
  assert.equal(formatLabelSelector(null), "<none>");
  assert.equal(formatLabelSelector(undefined), "<none>");
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }), "<error>");
  assert.equal(formatLabelSelector({ matchLabels: { "bad key": "v" } }), "<error>");
});

test("validateLabelSelector returns field errors", () => {
  assert.deepEqual(validateLabelSelector(null, "spec.selector"), []);
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: "x" }, matchExpressions: [{ key: "a", operator: "In", values: ["b"] }] }, "spec.selector"), []);
  const errs = validateLabelSelector(
    {
      matchLabels: { "bad key": "ok", good: "bad value" },
      matchExpressions: [
        { key: "a", operator: "In" },
        { key: "b", operator: "Exists", values: ["x"] },
        { key: "c", operator: "Bogus" },
        { key: "d", operator: "NotIn", values: ["ok", "-bad"] },
      ],
    },
    "spec.selector",
  );
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [
      ["FieldValueInvalid", "spec.selector.matchLabels"],
      ["FieldValueInvalid", "spec.selector.matchLabels"],
      ["FieldValueRequired", "spec.selector.matchExpressions[0].values"],
      ["FieldValueForbidden", "spec.selector.matchExpressions[1].values"],
      ["FieldValueInvalid", "spec.selector.matchExpressions[2].operator"],
      ["FieldValueInvalid", "spec.selector.matchExpressions[3].values[1]"],
    ],
  );
  assert.equal(errs[2].message, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
  assert.equal(errs[3].message, "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  assert.equal(errs[4].message, `Invalid value: "Bogus": not a valid selector operator`);
});

test("matchers are immutable", () => {
  const m = parseLabelSelector("a in (x,y)");
  assert.ok(Object.isFrozen(m.requirements));
  assert.ok(Object.isFrozen(m.requirements[0]));
  assert.ok(Object.isFrozen(m.requirements[0].values));
});
