import { test } from "node:test";
import assert from "node:assert/strict";
import { kindsOf, orphanedKind, schemaNameOf } from "./kind.js";
import { firstResult } from "./columns.js";
import { validateSchema } from "../validate.js";
import { prepareCreate, prepareUpdate } from "../strategy.js";
import { ApiError } from "../../apimachinery/status.js";
import type { KObject, StrategyContext } from "../types.js";

const ctx: StrategyContext = { now: Date.parse("2026-01-01T00:00:00Z"), nowRfc3339: "2026-01-01T00:00:00Z", user: { username: "u", groups: [] } };

const crd: KObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com", uid: "u1", resourceVersion: "7" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", kind: "Widget", shortNames: ["wd"] },
    versions: [
      { name: "v1beta1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } },
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { size: { type: "integer", default: 3, maximum: 5 }, labels: { type: "object", additionalProperties: { type: "string" } } } },
              status: { type: "object", properties: { ready: { type: "boolean" } } },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: ".spec.size", statusReplicasPath: ".status.size" } },
        additionalPrinterColumns: [
          { name: "Size", type: "integer", jsonPath: ".spec.size" },
          { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: "Created", type: "date", jsonPath: ".metadata.creationTimestamp", priority: 1 },
        ],
      },
      { name: "v0", served: false, storage: false },
    ],
  },
};

test("one kind per served version, storage version first, named as Kubernetes publishes it", () => {
  const kinds = kindsOf(crd);
  assert.deepEqual(kinds.map((k) => k.version), ["v1", "v1beta1"]);
  const [v1] = kinds;
  assert.equal(v1.group, "example.com");
  assert.equal(v1.plural, "widgets");
  assert.equal(v1.singular, "widget");
  assert.equal(v1.namespaced, true);
  assert.deepEqual(v1.shortNames, ["wd"]);
  assert.equal(v1.schemaName, "com.example.v1.Widget");
  assert.equal(schemaNameOf("stable.example.com", "v2", "CronTab"), "com.example.stable.v2.CronTab");
  assert.equal(v1.custom?.listKind, "WidgetList");
  assert.deepEqual(v1.subresources, { status: true, scale: { specReplicasPath: ".spec.size", statusReplicasPath: ".status.size" } });
  assert.equal(kindsOf(crd), kinds, "memoised per resourceVersion");
  assert.notEqual(kindsOf({ ...crd, metadata: { ...crd.metadata, resourceVersion: "8" } }), kinds);
});

test("unknown fields: refused under Strict, pruned (with warnings) under Warn, at any depth; maps and preserved roots keep theirs", () => {
  const [v1, beta] = kindsOf(crd);
  const body = () => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 1, extra: 1, labels: { a: "b" } }, top: true });
  assert.throws(() => validateSchema(v1, body(), "Strict"), (e: unknown) => e instanceof ApiError && e.code === 400 && /unknown field "spec\.extra", unknown field "top"/.test(e.message));
  const o = body();
  assert.deepEqual(validateSchema(v1, o, "Warn").sort(), ['unknown field "spec.extra"', 'unknown field "top"']);
  assert.deepEqual(o, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 1, labels: { a: "b" } } });
  // metadata is ObjectMeta for every kind; a preserve-unknown-fields root keeps everything else.
  assert.throws(() => validateSchema(beta, { metadata: { name: "w", bogus: 1 }, anything: { goes: [1] } }, "Strict"), /unknown field "metadata\.bogus"/);
  assert.deepEqual(validateSchema(beta, { metadata: { name: "w" }, anything: { goes: [1] } }, "Strict"), []);
});

test("create: defaults from the schema, status dropped (status subresource), generation tracked; invalid values are 422", () => {
  const [v1] = kindsOf(crd);
  const { obj } = prepareCreate(v1, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: {}, status: { ready: true } }, { fieldValidation: "Strict", ctx, namespace: "ns" });
  assert.deepEqual(obj.spec, { size: 3 });
  assert.equal(obj.status, undefined);
  assert.equal(obj.metadata.generation, 1);
  assert.equal(obj.metadata.namespace, "ns");
  const upd = prepareUpdate(v1, { ...structuredClone(obj), spec: { size: 4 } }, { ...obj, metadata: { ...obj.metadata, resourceVersion: "1" } }, { fieldValidation: "Strict", ctx, namespace: "ns" }).obj;
  assert.equal(upd.metadata.generation, 2);
  assert.throws(
    () => prepareCreate(v1, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 9 } }, { fieldValidation: "Strict", ctx, namespace: "ns" }),
    (e: unknown) => e instanceof ApiError && e.code === 422 && /spec\.size: Invalid value: 9: spec\.size in body should be less than or equal to 5/.test(e.message),
  );
});

test("printer columns: JSONPath filters, integers, dates as ages, empty cells for missing values", () => {
  const [v1] = kindsOf(crd);
  assert.deepEqual(v1.columns.map((c) => [c.name, c.type, c.priority]), [["Name", "string", undefined], ["Size", "integer", 0], ["Ready", "string", 0], ["Created", "string", 1]]);
  const o: KObject = { metadata: { name: "w", creationTimestamp: "2026-01-01T00:00:00Z" }, spec: { size: 2 }, status: { conditions: [{ type: "Other", status: "False" }, { type: "Ready", status: "True" }] } };
  const now = Date.parse("2026-01-01T00:05:00Z");
  assert.deepEqual(v1.columns.map((c) => c.cell(o, now)), ["w", 2, "True", "5m"]);
  assert.deepEqual(v1.columns.map((c) => c.cell({ metadata: { name: "x" } }, now)), ["x", null, null, null]);
  assert.equal(firstResult(o, "{.spec.size}"), 2);
  assert.equal(firstResult(o, "spec.size"), 2);
  // A CRD without columns gets Name and Age.
  const plain = kindsOf({ ...crd, metadata: { ...crd.metadata, uid: "u2" }, spec: { ...(crd.spec as object), versions: [{ name: "v1", served: true, storage: true }] } })[0];
  assert.deepEqual(plain.columns.map((c) => c.name), ["Name", "Age"]);
});

test("a stored custom resource whose CRD is gone still has a kind to be deleted with", () => {
  const k = orphanedKind("gizmos.example.com");
  assert.equal(k.plural, "gizmos");
  assert.equal(k.group, "example.com");
  assert.equal(orphanedKind("gizmos.example.com"), k);
});
