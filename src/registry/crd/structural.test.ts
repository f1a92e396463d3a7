import { test } from "node:test";
import assert from "node:assert/strict";
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1";
import { applyDefaults, checkStructural, unknownFields, validateValue, type Path } from "./structural.js";

/** Schemas are written as plain JSON, Kubernetes extensions included. */
const schema = (s: object) => s as JSONSchemaProps;
const sorted = (paths: Path[]) => paths.map((p) => p.join("/")).sort();
const messages = (value: unknown, s: object, path = "spec") => validateValue(value, schema(s), path).map((e) => `${e.field}: ${e.message}`);

const cronTab = schema({
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        cronSpec: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
        image: { type: "string" },
        replicas: { type: "integer", minimum: 1, maximum: 10 },
      },
    },
    status: { type: "object", properties: { replicas: { type: "integer" } } },
  },
});

// ---- unknownFields ----

test("pruning a CronTab reports every unknown field, at any depth, and nothing else", () => {
  const obj = {
    spec: { cronSpec: "* * * * */5", image: "my-cron", replicas: 2, extra: true, other: { deep: 1 } },
    status: { replicas: 1, message: "x" },
    top: "level",
  };
  assert.deepEqual(sorted(unknownFields(obj, cronTab)), ["spec/extra", "spec/other", "status/message", "top"]);
  assert.deepEqual(unknownFields(obj.spec, cronTab.properties!.spec), [["extra"], ["other"]]);
  assert.deepEqual(unknownFields({ spec: { image: "x" } }, cronTab), []);
});

test("an undefined schema preserves everything; an object schema without properties preserves nothing", () => {
  assert.deepEqual(unknownFields({ a: { b: 1 } }, undefined), []);
  assert.deepEqual(sorted(unknownFields({ a: 1, b: { c: 2 } }, schema({ type: "object" }))), ["a", "b"]);
});

test("x-kubernetes-preserve-unknown-fields keeps unknown keys at its level but prunes inside known properties", () => {
  const s = schema({
    type: "object",
    properties: {
      config: {
        type: "object",
        "x-kubernetes-preserve-unknown-fields": true,
        properties: { known: { type: "object", properties: { a: { type: "string" } } } },
      },
    },
  });
  const obj = { config: { anything: { goes: [1, { here: true }] }, known: { a: "x", b: "y" } }, bogus: 1 };
  assert.deepEqual(sorted(unknownFields(obj, s)), ["bogus", "config/known/b"]);
  // At the root too, and without a type.
  assert.deepEqual(unknownFields({ a: 1 }, schema({ "x-kubernetes-preserve-unknown-fields": true })), []);
});

test("a preserving array's item objects keep their unknown fields; a non-preserving one's do not", () => {
  const items = { type: "object", properties: { name: { type: "string" } } };
  const value = [{ name: "a", extra: 1 }];
  assert.deepEqual(unknownFields(value, schema({ type: "array", items, "x-kubernetes-preserve-unknown-fields": true })), []);
  assert.deepEqual(unknownFields(value, schema({ type: "array", items })), [[0, "extra"]]);
});

test("additionalProperties maps keep every key and prune inside each value", () => {
  const s = schema({
    type: "object",
    properties: {
      labels: { type: "object", additionalProperties: { type: "string" } },
      ports: { type: "object", additionalProperties: { type: "object", properties: { port: { type: "integer" } } } },
      loose: { type: "object", additionalProperties: true },
    },
  });
  const obj = { labels: { a: "1", "b.c/d": "2" }, ports: { http: { port: 80, proto: "TCP" }, https: { port: 443 } }, loose: { x: 1, y: { z: 2 } } };
  assert.deepEqual(unknownFields(obj, s), [["ports", "http", "proto"]]);
});

test("arrays of objects report unknown fields with their indices", () => {
  const s = schema({
    type: "object",
    properties: {
      containers: {
        type: "array",
        items: { type: "object", properties: { name: { type: "string" }, env: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } } } },
      },
    },
  });
  const obj = { containers: [{ name: "a" }, { name: "b", image: "x", env: [{ name: "E" }, { name: "F", value: "v" }] }] };
  assert.deepEqual(sorted(unknownFields(obj, s)), ["containers/1/env/1/value", "containers/1/image"]);
});

test("embedded resources always keep apiVersion, kind and metadata (unchecked inside) but prune the rest", () => {
  const s = schema({
    type: "object",
    properties: {
      template: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object", properties: { a: { type: "string" } } } } },
    },
  });
  const obj = { template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", whatever: { x: 1 } }, spec: { a: "x", b: 1 }, status: {} } };
  assert.deepEqual(sorted(unknownFields(obj, s)), ["template/spec/b", "template/status"]);
  // Outside an embedded resource those names are ordinary unknown fields.
  assert.deepEqual(unknownFields({ kind: "x" }, schema({ type: "object", properties: {} })), [["kind"]]);
});

test("values of the wrong type and int-or-string leaves are left to validation", () => {
  const s = schema({
    type: "object",
    properties: { spec: { type: "object", properties: { port: { "x-kubernetes-int-or-string": true }, n: { type: "integer" } } } },
  });
  assert.deepEqual(unknownFields({ spec: { port: { a: 1 }, n: { b: 2 } } }, s), []);
  assert.deepEqual(unknownFields({ spec: ["not", "an", "object"] }, s), []);
});

test("a field named like an Object.prototype member is still unknown", () => {
  assert.deepEqual(unknownFields({ constructor: 1, toString: 2 }, schema({ type: "object", properties: {} })), [["constructor"], ["toString"]]);
});

// ---- applyDefaults ----

test("defaults fill absent properties with copies, including defaults inside defaulted objects", () => {
  const s = schema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        default: {},
        properties: {
          replicas: { type: "integer", default: 1 },
          strategy: { type: "object", default: { type: "Rolling" }, properties: { type: { type: "string" }, maxSurge: { type: "integer", default: 25 } } },
          tags: { type: "array", default: ["a"], items: { type: "string" } },
        },
      },
    },
  });
  const a: Record<string, unknown> = {};
  applyDefaults(a, s);
  assert.deepEqual(a, { spec: { replicas: 1, strategy: { type: "Rolling", maxSurge: 25 }, tags: ["a"] } });
  const b: Record<string, unknown> = { spec: { replicas: 3, strategy: { type: "Recreate" } } };
  applyDefaults(b, s);
  assert.deepEqual(b, { spec: { replicas: 3, strategy: { type: "Recreate", maxSurge: 25 }, tags: ["a"] } });
  // The default is copied, not shared.
  (a.spec as { tags: string[] }).tags.push("b");
  const c: Record<string, unknown> = {};
  applyDefaults(c, s);
  assert.deepEqual((c.spec as { tags: string[] }).tags, ["a"]);
});

test("defaults do not create absent parents", () => {
  const s = schema({ type: "object", properties: { spec: { type: "object", properties: { replicas: { type: "integer", default: 1 } } } } });
  const obj: Record<string, unknown> = { status: {} };
  applyDefaults(obj, s);
  assert.deepEqual(obj, { status: {} });
});

test("null is defaulted when not nullable, kept when nullable, and dropped when not nullable without a default", () => {
  const s = schema({
    type: "object",
    properties: {
      a: { type: "string", default: "x" },
      b: { type: "string", default: "y", nullable: true },
      c: { type: "string" },
      d: { type: "string", nullable: true },
    },
  });
  const obj: Record<string, unknown> = { a: null, b: null, c: null, d: null };
  applyDefaults(obj, s);
  assert.deepEqual(obj, { a: "x", b: null, d: null });
});

test("defaults apply inside map values and array items, and to their null entries", () => {
  const item = { type: "object", default: { name: "dflt" }, properties: { name: { type: "string" }, port: { type: "integer", default: 80 } } };
  const s = schema({ type: "object", properties: { byName: { type: "object", additionalProperties: item }, list: { type: "array", items: item } } });
  const obj: Record<string, unknown> = { byName: { x: { name: "x" }, y: null }, list: [{ name: "a" }, null] };
  applyDefaults(obj, s);
  assert.deepEqual(obj, {
    byName: { x: { name: "x", port: 80 }, y: { name: "dflt", port: 80 } },
    list: [{ name: "a", port: 80 }, { name: "dflt", port: 80 }],
  });
});

// ---- validateValue ----

test("type mismatches read like Kubernetes' and stop further checks of that value", () => {
  assert.deepEqual(validateValue("3", schema({ type: "integer", minimum: 5 }), "spec.replicas"), [
    { type: "FieldValueTypeInvalid", field: "spec.replicas", message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
  ]);
  assert.deepEqual(messages(1.5, { type: "integer" }), ['spec: Invalid value: "number": spec in body must be of type integer: "number"']);
  assert.deepEqual(messages(2, { type: "number" }), []);
  assert.deepEqual(messages([], { type: "object" }), ['spec: Invalid value: "array": spec in body must be of type object: "array"']);
  assert.deepEqual(messages({}, { type: "array" }), ['spec: Invalid value: "object": spec in body must be of type array: "object"']);
  assert.deepEqual(messages(1, { type: "boolean" }), ['spec: Invalid value: "integer": spec in body must be of type boolean: "integer"']);
  assert.deepEqual(messages(true, { type: "string" }), ['spec: Invalid value: "boolean": spec in body must be of type string: "boolean"']);
  assert.deepEqual(validateValue({ anything: 1 }, undefined, "spec"), []);
});

test("null passes only a nullable or untyped schema", () => {
  assert.deepEqual(messages(null, { type: "string" }), ['spec: Invalid value: "null": spec in body must be of type string: "null"']);
  assert.deepEqual(messages(null, { type: "string", nullable: true, enum: ["a"] }), []);
  assert.deepEqual(messages(null, { description: "anything" }), []);
  // Array items are validated even when null; object properties that are null count as absent.
  assert.deepEqual(messages([null], { type: "array", items: { type: "string" } }), ['spec[0]: Invalid value: "null": spec[0] in body must be of type string: "null"']);
  assert.deepEqual(messages({ a: null }, { type: "object", properties: { a: { type: "string" } } }), []);
});

test("x-kubernetes-int-or-string accepts integers and strings only", () => {
  const s = { "x-kubernetes-int-or-string": true };
  assert.deepEqual(messages(8080, s), []);
  assert.deepEqual(messages("http", s), []);
  assert.deepEqual(messages(1.5, s), ['spec: Invalid value: "number": spec in body must be of type integer,string: "number"']);
  assert.deepEqual(messages(null, s), ['spec: Invalid value: "null": spec in body must be of type integer,string: "null"']);
  assert.deepEqual(messages("80%", { ...s, pattern: "^\\d+%?$" }), []);
});

test("required fields: missing, or null without nullable, are Required value", () => {
  const s = {
    type: "object",
    required: ["cronSpec", "image", "maybe"],
    properties: { cronSpec: { type: "string" }, image: { type: "string" }, maybe: { type: "string", nullable: true } },
  };
  assert.deepEqual(validateValue({ image: null, maybe: null }, schema(s), "spec"), [
    { type: "FieldValueRequired", field: "spec.cronSpec", message: "Required value" },
    { type: "FieldValueRequired", field: "spec.image", message: "Required value" },
  ]);
});

test("enum: Unsupported value listing the supported values", () => {
  assert.deepEqual(validateValue("x", schema({ type: "string", enum: ["a", "b"] }), "spec.mode"), [
    { type: "FieldValueNotSupported", field: "spec.mode", message: 'Unsupported value: "x": supported values: "a", "b"' },
  ]);
  assert.deepEqual(messages(3, { type: "integer", enum: [1, 2] }), ['spec: Unsupported value: 3: supported values: "1", "2"']);
  assert.deepEqual(messages({ b: 1, a: 2 }, { type: "object", enum: [{ a: 2, b: 1 }] }), []);
});

test("maximum and minimum, inclusive and exclusive, and multipleOf", () => {
  assert.deepEqual(messages(11, { type: "integer", maximum: 10 }), ["spec: Invalid value: 11: spec in body should be less than or equal to 10"]);
  assert.deepEqual(messages(10, { type: "integer", maximum: 10 }), []);
  assert.deepEqual(messages(10, { type: "integer", maximum: 10, exclusiveMaximum: true }), ["spec: Invalid value: 10: spec in body should be less than 10"]);
  assert.deepEqual(messages(0, { type: "integer", minimum: 1 }), ["spec: Invalid value: 0: spec in body should be greater than or equal to 1"]);
  assert.deepEqual(messages(1, { type: "integer", minimum: 1, exclusiveMinimum: true }), ["spec: Invalid value: 1: spec in body should be greater than 1"]);
  assert.deepEqual(messages(7, { type: "integer", multipleOf: 3 }), ["spec: Invalid value: 7: spec in body should be a multiple of 3"]);
  assert.deepEqual(messages(0.3, { type: "number", multipleOf: 0.1 }), []);
});

test("maxLength and minLength count code points, not UTF-16 units", () => {
  assert.deepEqual(validateValue("abcdef", schema({ type: "string", maxLength: 5 }), "spec.name"), [
    { type: "FieldValueTooLong", field: "spec.name", message: "Too long: may not be longer than 5" },
  ]);
  assert.deepEqual(messages("😀😀", { type: "string", maxLength: 2 }), []);
  assert.deepEqual(messages("😀", { type: "string", minLength: 2 }), ['spec: Invalid value: "😀": spec in body should be at least 2 chars long']);
});

test("pattern is an unanchored ECMAScript regexp; an invalid pattern is skipped", () => {
  const cronSpec = cronTab.properties!.spec.properties!.cronSpec;
  assert.deepEqual(validateValue("* * * * */5", cronSpec, "spec.cronSpec"), []);
  assert.deepEqual(validateValue("bad", cronSpec, "spec.cronSpec").map((e) => e.message), [`Invalid value: "bad": spec.cronSpec in body should match '${cronSpec.pattern}'`]);
  assert.deepEqual(messages("xaby", { type: "string", pattern: "ab" }), []);
  assert.deepEqual(messages("x", { type: "string", pattern: "([" }), []);
  assert.deepEqual(messages("\u{1F600}", { type: "string", pattern: "^.$" }), []);
});

test("formats: date-time, date, byte, uuid, int32 and int64 are checked; unknown formats pass", () => {
  const ok = [
    ["date-time", "2024-02-29T12:30:00Z"],
    ["date-time", "2024-02-29T12:30:00.123+02:00"],
    ["date", "2024-02-29"],
    ["byte", "aGVsbG8="],
    ["uuid", "123e4567-e89b-12d3-a456-426614174000"],
    ["email-ish", "whatever"],
  ];
  for (const [format, v] of ok) assert.deepEqual(messages(v, { type: "string", format }), [], `${format} ${v}`);
  const bad = [
    ["date-time", "yesterday"],
    ["date-time", "2023-02-29T00:00:00Z"],
    ["date", "2024-13-01"],
    ["byte", "not base64!"],
    ["uuid", "123"],
  ];
  for (const [format, v] of bad) assert.deepEqual(messages(v, { type: "string", format }), [`spec: Invalid value: "${v}": spec in body must be of type ${format}: "${v}"`]);
  assert.deepEqual(messages(2 ** 31 - 1, { type: "integer", format: "int32" }), []);
  assert.deepEqual(messages(2 ** 31, { type: "integer", format: "int32" }), [`spec: Invalid value: ${2 ** 31}: spec in body must be of type int32: "${2 ** 31}"`]);
  assert.deepEqual(messages(2 ** 31, { type: "integer", format: "int64" }), []);
});

test("maxItems, minItems and uniqueItems", () => {
  assert.deepEqual(validateValue([1, 2, 3], schema({ type: "array", items: { type: "integer" }, maxItems: 2 }), "spec.xs"), [
    { type: "FieldValueTooMany", field: "spec.xs", message: "Too many: 3: must have at most 2 items" } as never,
  ]);
  assert.deepEqual(messages([], { type: "array", items: { type: "integer" }, minItems: 1 }), ["spec: Invalid value: 0: spec in body should have at least 1 items"]);
  assert.deepEqual(messages([{ a: 1, b: 2 }, { b: 2, a: 1 }, 3, 3], { type: "array", uniqueItems: true }), [
    'spec[1]: Duplicate value: {"b":2,"a":1}',
    "spec[3]: Duplicate value: 3",
  ]);
});

test("maxProperties and minProperties", () => {
  assert.deepEqual(validateValue({ a: 1, b: 2 }, schema({ type: "object", maxProperties: 1 }), "spec.m"), [
    { type: "FieldValueTooMany", field: "spec.m", message: "Too many: 2: must have at most 1 items" } as never,
  ]);
  assert.deepEqual(messages({}, { type: "object", minProperties: 1 }), ["spec: Invalid value: 0: spec in body should have at least 1 properties"]);
});

test("x-kubernetes-list-type set and map report later duplicates", () => {
  assert.deepEqual(messages(["a", "b", "a"], { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } }, "spec.finalizers"), [
    'spec.finalizers[2]: Duplicate value: "a"',
  ]);
  const ports = {
    type: "array",
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["port", "protocol"],
    items: { type: "object", properties: { port: { type: "integer" }, protocol: { type: "string", default: "TCP" }, name: { type: "string" } } },
  };
  const value = [{ port: 80, name: "a" }, { port: 80, protocol: "UDP" }, { port: 80, protocol: "TCP", name: "c" }];
  assert.deepEqual(messages(value, ports, "spec.ports"), ['spec.ports[2]: Duplicate value: {"port":80,"protocol":"TCP"}']);
  assert.deepEqual(messages([{ port: 80 }, { port: 81 }], ports), []);
});

test("allOf collects every failure; anyOf, oneOf and not report one composite error", () => {
  const allOf = { allOf: [{ minLength: 2 }, { pattern: "^a" }] };
  assert.deepEqual(messages("b", { type: "string", ...allOf }), [
    'spec: Invalid value: "b": spec in body should be at least 2 chars long',
    `spec: Invalid value: "b": spec in body should match '^a'`,
    'spec: Invalid value: "": "spec" must validate all the schemas (allOf). None validated',
  ]);
  assert.deepEqual(messages("ab", { type: "string", ...allOf }), []);

  const anyOf = { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, anyOf: [{ required: ["a"] }, { required: ["b"] }] };
  assert.deepEqual(messages({ b: "x" }, anyOf), []);
  assert.deepEqual(messages({}, anyOf), ['spec: Invalid value: "": "spec" must validate at least one schema (anyOf)']);

  const oneOf = { type: "object", oneOf: [{ required: ["a"] }, { required: ["b"] }] };
  assert.deepEqual(messages({ a: 1 }, oneOf), []);
  assert.deepEqual(messages({ a: 1, b: 2 }, oneOf), ['spec: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives']);
  assert.deepEqual(messages({}, oneOf), ['spec: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found none valid']);

  // A sub-schema without a type accepts any type: here "not an empty string", for strings and numbers alike.
  const not = { "x-kubernetes-int-or-string": true, not: { enum: [""] } };
  assert.deepEqual(messages(3, not), []);
  assert.deepEqual(messages("", not), ['spec: Invalid value: "": "spec" must not validate the schema (not)']);
});

test("recursion uses dotted paths for properties and map entries and [i] for items; unknown fields are not errors", () => {
  const s = {
    type: "object",
    properties: {
      containers: { type: "array", items: { type: "object", required: ["name"], properties: { name: { type: "string" }, image: { type: "string", minLength: 1 } } } },
      limits: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
    },
  };
  const value = { containers: [{ name: "a", image: "x" }, { image: "" }], limits: { cpu: -1, memory: 5 }, unknown: { whatever: true } };
  assert.deepEqual(messages(value, s), [
    "spec.containers[1].name: Required value",
    'spec.containers[1].image: Invalid value: "": spec.containers[1].image in body should be at least 1 chars long',
    "spec.limits.cpu: Invalid value: -1: spec.limits.cpu in body should be greater than or equal to 0",
  ]);
});

test("x-kubernetes-preserve-unknown-fields without a type accepts any value but still checks its listed properties", () => {
  const s = { "x-kubernetes-preserve-unknown-fields": true, properties: { n: { type: "integer" } } };
  assert.deepEqual(messages("str", s), []);
  assert.deepEqual(messages([1, "a"], s), []);
  assert.deepEqual(messages({ n: 1, other: { x: 1 } }, s), []);
  assert.deepEqual(messages({ n: "1" }, s), ['spec.n: Invalid value: "string": spec.n in body must be of type integer: "string"']);
});

test("a whole CronTab validates replicas within 1..10 and collects errors across fields", () => {
  const spec = cronTab.properties!.spec;
  assert.deepEqual(validateValue({ cronSpec: "*/5 * * * *", image: "img", replicas: 5 }, spec, "spec"), []);
  assert.deepEqual(messages({ cronSpec: "nope", image: 3, replicas: 11 }, spec).sort(), [
    `spec.cronSpec: Invalid value: "nope": spec.cronSpec in body should match '${spec.properties!.cronSpec.pattern}'`,
    'spec.image: Invalid value: "integer": spec.image in body must be of type string: "integer"',
    "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
  ]);
});

// ---- checkStructural ----

const P = "spec.versions[0].schema.openAPIV3Schema";
const structuralMessages = (s: object) => checkStructural(schema(s), P).map((e) => `${e.field}: ${e.message}`);

test("checkStructural accepts a typical structural schema", () => {
  assert.deepEqual(checkStructural(cronTab, P), []);
  assert.deepEqual(
    structuralMessages({
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            port: { "x-kubernetes-int-or-string": true },
            config: { "x-kubernetes-preserve-unknown-fields": true },
            labels: { type: "object", additionalProperties: { type: "string" } },
            items: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
            template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
            loose: { type: "object", properties: { a: { type: "string" } }, additionalProperties: true },
            choice: { type: "string", anyOf: [{ enum: ["a"] }, { pattern: "^b" }] },
          },
        },
      },
    }),
    [],
  );
});

test("checkStructural requires a type on every specified node, with Kubernetes' wording per level", () => {
  assert.deepEqual(structuralMessages({ properties: { spec: { type: "object" } } }), [`${P}.type: Required value: must not be empty at the root`]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { spec: { properties: { a: { description: "untyped" } } } } }), [
    `${P}.properties[spec].type: Required value: must not be empty for specified object fields`,
    `${P}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields`,
  ]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { xs: { type: "array", items: {} } } }), [
    `${P}.properties[xs].items.type: Required value: must not be empty for specified array items`,
  ]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { m: { type: "object", additionalProperties: { description: "x" } } } }), [
    `${P}.properties[m].additionalProperties.type: Required value: must not be empty for specified object fields`,
  ]);
});

test("checkStructural refuses a non-object root, unknown types and embedded resources that are not objects", () => {
  assert.deepEqual(structuralMessages({ type: "string" }), [`${P}.type: Invalid value: "string": must be object at the root`]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { a: { type: "map" } } }), [
    `${P}.properties[a].type: Unsupported value: "map": supported values: "array", "boolean", "integer", "number", "object", "string"`,
  ]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { t: { "x-kubernetes-embedded-resource": true } } }), [
    `${P}.properties[t].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
  ]);
});

test("checkStructural refuses properties with additionalProperties, missing or tuple items, and $ref", () => {
  assert.deepEqual(structuralMessages({ type: "object", properties: { m: { type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "string" } } } }), [
    `${P}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
  ]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { m: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false } } }), [
    `${P}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
  ]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { xs: { type: "array" } } }), [`${P}.properties[xs].items: Required value: must be specified`]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { xs: { type: "array", items: [{ type: "string" }] } } }), [
    `${P}.properties[xs].items: Forbidden: items must be a schema object and not an array`,
  ]);
  assert.deepEqual(structuralMessages({ type: "object", properties: { r: { type: "object", $ref: "#/definitions/R" } } }), [`${P}.properties[r].$ref: Forbidden: $ref is not supported`]);
});

test("ratcheting: on update, values the update left alone are not judged again by a tightened schema", () => {
  const s = schema({
    type: "object",
    properties: {
      size: { type: "integer", maximum: 10 },
      name: { type: "string", pattern: "^[a-z]+$" },
      ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", properties: { name: { type: "string" }, port: { type: "integer", maximum: 1000 } } } },
      tags: { type: "array", items: { type: "string", maxLength: 3 } },
    },
  });
  const old = { size: 20, name: "Old_Name", ports: [{ name: "http", port: 8080 }], tags: ["long-tag"] };
  const errs = (value: object, prev?: object) => validateValue(value, s, "spec", prev).map((e) => e.field);
  assert.deepEqual(errs(old).sort(), ["spec.name", "spec.ports[0].port", "spec.size", "spec.tags[0]"], "all judged on create");
  // Another field changes: the old invalid values stay without complaint; the changed one is judged.
  assert.deepEqual(errs({ ...old, size: 30 }, old), ["spec.size"]);
  assert.deepEqual(errs({ ...old, size: 5 }, old), []);
  // List-type map items correlate by key, even reordered; a new item is judged.
  assert.deepEqual(errs({ ...old, ports: [{ name: "metrics", port: 9090 }, { name: "http", port: 8080 }] }, old), ["spec.ports[0].port"]);
  // An atomic list that changed is judged whole.
  assert.deepEqual(errs({ ...old, tags: ["long-tag", "ok"] }, old), ["spec.tags[0]"]);
});
