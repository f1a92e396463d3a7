import { test } from "node:test";
import assert from "node:assert/strict";
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1";
import { compileRules, ruleErrors, toCel, validateRules } from "./validation-rules.js";

const schema = (s: object) => s as JSONSchemaProps;
const messages = (s: object, obj: object, old?: object) => validateRules(compileRules(schema(s)), obj as Record<string, unknown>, old as Record<string, unknown> | undefined).map((e) => `${e.field}: ${e.message}`);

const widget = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      "x-kubernetes-validations": [{ rule: "self.minReplicas <= self.maxReplicas", message: "minReplicas cannot be larger than maxReplicas" }],
      properties: {
        minReplicas: { type: "integer" },
        maxReplicas: { type: "integer" },
        name: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "name is immutable" }] },
        size: { type: "string", "x-kubernetes-validations": [{ rule: "quantity(self).isLessThan(quantity('10Gi'))", reason: "FieldValueForbidden", message: "too big" }] },
        ports: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: {
            type: "object",
            properties: { name: { type: "string" }, port: { type: "integer", "x-kubernetes-validations": [{ rule: "self >= oldSelf", message: "ports only grow" }] } },
          },
        },
        tags: { type: "array", items: { type: "string", "x-kubernetes-validations": [{ rule: "self.size() <= 3" }] } },
        labels: { type: "object", additionalProperties: { type: "string", "x-kubernetes-validations": [{ rule: "self != ''", messageExpression: "'empty value'" }] } },
      },
    },
  },
};

test("rules run on the value at their node, with Kubernetes' messages and paths", () => {
  assert.deepEqual(messages(widget, { spec: { minReplicas: 1, maxReplicas: 3 } }), []);
  assert.deepEqual(messages(widget, { spec: { minReplicas: 5, maxReplicas: 3 } }), ['spec: Invalid value: "object": minReplicas cannot be larger than maxReplicas']);
  assert.deepEqual(messages(widget, { spec: { minReplicas: 1, maxReplicas: 3, size: "20Gi" } }), ["spec.size: Forbidden: too big"]);
  assert.deepEqual(messages(widget, { spec: { minReplicas: 1, maxReplicas: 3, tags: ["ok", "long"] } }), ['spec.tags[1]: Invalid value: "string": failed rule: self.size() <= 3']);
  assert.deepEqual(messages(widget, { spec: { minReplicas: 1, maxReplicas: 3, labels: { a: "x", b: "" } } }), ['spec.labels[b]: Invalid value: "string": empty value']);
});

test("a missing field is an evaluation error naming the rule", () => {
  assert.deepEqual(messages(widget, { spec: { minReplicas: 1 } }), ['spec: Invalid value: "object": no such key: maxReplicas evaluating rule: minReplicas cannot be larger than maxReplicas']);
});

test("transition rules run on update only, where an old value correlates (properties, list-map keys)", () => {
  const base = { minReplicas: 1, maxReplicas: 3 };
  assert.deepEqual(messages(widget, { spec: { ...base, name: "a" } }), [], "create: oldSelf rules skipped");
  assert.deepEqual(messages(widget, { spec: { ...base, name: "b" } }, { spec: { ...base, name: "a" } }), ['spec.name: Invalid value: "string": name is immutable']);
  assert.deepEqual(messages(widget, { spec: { ...base, name: "a" } }, { spec: { ...base } }), [], "no old value: skipped");
  const ports = (...p: [string, number][]) => ({ spec: { ...base, ports: p.map(([name, port]) => ({ name, port })) } });
  assert.deepEqual(messages(widget, ports(["b", 1], ["a", 80]), ports(["a", 90])), ['spec.ports[1].port: Invalid value: "integer": ports only grow'], "matched by key, not index");
  assert.deepEqual(messages(widget, ports(["a", 80], ["c", 1]), ports(["a", 80])), []);
});

test("optionalOldSelf rules run on create too, with an optional oldSelf", () => {
  const s = { type: "object", properties: { spec: { type: "object", properties: { v: { type: "integer", "x-kubernetes-validations": [{ rule: "!oldSelf.hasValue() || self >= oldSelf.value()", optionalOldSelf: true, message: "no decrease" }, { rule: "oldSelf.hasValue() || self < 10", optionalOldSelf: true, message: "starts below 10" }] } } } } };
  assert.deepEqual(messages(s, { spec: { v: 20 } }), ['spec.v: Invalid value: "integer": starts below 10']);
  assert.deepEqual(messages(s, { spec: { v: 20 } }, { spec: { v: 5 } }), []);
  assert.deepEqual(messages(s, { spec: { v: 4 } }, { spec: { v: 5 } }), ['spec.v: Invalid value: "integer": no decrease']);
});

test("root rules see apiVersion, kind, metadata.name; fieldPath and reasons place the error", () => {
  const s = {
    type: "object",
    "x-kubernetes-validations": [
      { rule: "self.metadata.name.startsWith('w-')", message: "name must start with w-" },
      { rule: "!has(self.metadata.labels)", message: "labels are not visible" },
      { rule: "self.spec.a == self.spec.b", fieldPath: ".spec.b", reason: "FieldValueRequired", message: "b must equal a" },
    ],
    properties: { spec: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } } } },
  };
  const obj = { apiVersion: "x/v1", kind: "W", metadata: { name: "v-1", labels: { a: "b" } }, spec: { a: "1", b: "2" } };
  assert.deepEqual(messages(s, obj), ['<nil>: Invalid value: "object": name must start with w-', "spec.b: Required value: b must equal a"]);
});

test("values are typed by the schema: ints, doubles, escaped names, nulls and unknown fields absent", () => {
  const s = schema({
    type: "object",
    properties: {
      i: { type: "integer" },
      d: { type: "number" },
      "x-prop": { type: "string" },
      namespace: { type: "string" },
      n: { type: "string", nullable: true },
      t: { type: "string", format: "date-time" },
      io: { "x-kubernetes-int-or-string": true },
      free: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { known: { type: "integer" } } },
    },
  });
  const v = toCel({ i: 3, d: 2, "x-prop": "p", namespace: "ns", n: null, t: "2024-01-01T00:00:00Z", io: 5, free: { known: 1, other: 2 } }, s) as Record<string, unknown>;
  assert.equal(v.i, 3n);
  assert.equal(v.d, 2);
  assert.equal(v.x__dash__prop, "p");
  assert.equal(v.__namespace__, "ns");
  assert.ok(!("n" in v));
  assert.ok(v.t instanceof Date);
  assert.equal(v.io, 5n);
  assert.deepEqual(v.free, { known: 1n });
});

test("CRDs with bad rules are refused: syntax, result type, messageExpression, fieldPath, reason, transition rules in atomic lists", () => {
  const s = schema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        "x-kubernetes-validations": [
          { rule: "self.a >" },
          { rule: "'a' + 'b'" },
          { rule: "true", messageExpression: "1 +" },
          { rule: "true", fieldPath: ".nope" },
          { rule: "true", reason: "Sometimes" },
          { rule: "true" },
        ],
        properties: { list: { type: "array", items: { type: "object", properties: { x: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf" }] } } } } },
      },
    },
  });
  const errs = ruleErrors(s, "spec.versions[0].schema.openAPIV3Schema").map((e) => `${e.field}: ${e.message}`);
  const p = "spec.versions[0].schema.openAPIV3Schema.properties[spec]";
  assert.deepEqual(errs, [
    `${p}.x-kubernetes-validations[0].rule: Invalid value: "self.a >": compilation failed: ERROR: <input>:1:9: Unexpected token: EOF`,
    `${p}.x-kubernetes-validations[1].rule: Invalid value: "'a' + 'b'": compilation failed: cel expression must evaluate to a bool`,
    `${p}.x-kubernetes-validations[2].messageExpression: Invalid value: "1 +": messageExpression compilation failed: ERROR: <input>:1:4: Unexpected token: EOF`,
    `${p}.x-kubernetes-validations[3].fieldPath: Invalid value: ".nope": does not refer to a valid field`,
    `${p}.x-kubernetes-validations[4].reason: Unsupported value: "Sometimes": supported values: "FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"`,
    `${p}.properties[list].items.properties[x].x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${p}.properties[list]`,
  ]);
  assert.equal(compileRules(schema({ type: "object", properties: { a: { type: "string" } } })), undefined, "no rules: nothing to walk");
});

test("ratcheting: a rule without oldSelf is not run again on a value the update left alone; transition rules still run", () => {
  const s = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          a: { type: "integer", "x-kubernetes-validations": [{ rule: "self < 10", message: "a too big" }] },
          b: { type: "integer", "x-kubernetes-validations": [{ rule: "self >= oldSelf", message: "b may not shrink" }] },
        },
      },
    },
  };
  const old = { spec: { a: 20, b: 5 } };
  assert.deepEqual(messages(s, old), ["spec.a: Invalid value: \"integer\": a too big"]);
  assert.deepEqual(messages(s, { spec: { a: 20, b: 6 } }, old), [], "a unchanged: not judged again");
  assert.deepEqual(messages(s, { spec: { a: 21, b: 6 } }, old), ["spec.a: Invalid value: \"integer\": a too big"]);
  assert.deepEqual(messages(s, { spec: { a: 20, b: 4 } }, old), ["spec.b: Invalid value: \"integer\": b may not shrink"]);
});
