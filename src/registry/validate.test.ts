import { test } from "node:test";
import assert from "node:assert/strict";
import { validateChanges, validateSchema } from "./validate.js";
import { pod } from "./kinds/core/pod.js";
import type { KObject } from "./types.js";

const stored = (): KObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "ns", resourceVersion: "5" },
  spec: { containers: [{ name: "c", image: "nginx" }], nodeName: "n1" },
  status: { phase: "Pending" },
});

test("validateChanges gives validateSchema's errors and warnings for changed fields", () => {
  const changed = { ...stored(), status: { phase: "Running", bogus: 1 } } as Record<string, unknown>;
  const copy = structuredClone(changed);
  assert.deepEqual(validateChanges(pod, changed, stored(), "Warn"), validateSchema(pod, copy, "Warn"));
  assert.deepEqual(changed, copy);
  assert.throws(() => validateChanges(pod, { ...stored(), status: { phase: 3 } }, stored(), "Warn"), /status.phase: expected string/);
  assert.throws(() => validateChanges(pod, { ...stored(), spec: { containers: [{ name: "c", image: "x", nope: 1 }] } }, stored(), "Strict"), /unknown field "spec.containers\[0\].nope"/);
  assert.throws(() => validateChanges(pod, { ...stored(), extra: 1 }, stored(), "Strict"), /unknown field "extra"/);
});

test("validateChanges does not parse fields equal to the stored ones", () => {
  // Unknown fields cannot be in a stored object; one there shows which fields were skipped.
  const old = { ...stored(), spec: { containers: [{ name: "c", image: "nginx" }], legacy: true } } as KObject;
  const next = { ...structuredClone(old), status: { phase: "Running" } } as Record<string, unknown>;
  assert.deepEqual(validateChanges(pod, next, old, "Strict"), []);
  assert.throws(() => validateSchema(pod, structuredClone(next), "Strict"), /unknown field "spec.legacy"/);
});

test("pod updates may change only images, tolerations and the other mutable spec fields", () => {
  const old = stored();
  const validateUpdate = pod.strategy!.validateUpdate!;
  const next = structuredClone(old);
  (next.spec as { containers: { image: string }[] }).containers[0].image = "nginx:2";
  (next.spec as Record<string, unknown>).activeDeadlineSeconds = 5;
  assert.deepEqual(validateUpdate(next, old), []);
  const renamed = structuredClone(old);
  (renamed.spec as { containers: { name: string }[] }).containers[0].name = "d";
  assert.match(JSON.stringify(validateUpdate(renamed, old)), /pod updates may not change fields/);
  const more = structuredClone(old);
  (more.spec as { containers: unknown[] }).containers.push({ name: "e", image: "x" });
  assert.equal(validateUpdate(more, old).length, 1);
  const moved = structuredClone(old);
  (moved.spec as { nodeName: string }).nodeName = "n2";
  assert.match(JSON.stringify(validateUpdate(moved, old)), /field is immutable once set/);
  const policy = structuredClone(old);
  (policy.spec as Record<string, unknown>).restartPolicy = "Never";
  assert.equal(validateUpdate(policy, old).length, 1);
});

test("a partial object (an apply configuration) is not held to required fields; unknown fields and types still are", async () => {
  const { priorityClass } = await import("./kinds/scheduling/priorityclass.js");
  const config = { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "p", labels: { a: "b" } } };
  assert.deepEqual(validateSchema(priorityClass, structuredClone(config), "Strict", priorityClass.schema, true), []);
  assert.throws(() => validateSchema(priorityClass, structuredClone(config), "Strict"), /value: Required value/);
  assert.throws(() => validateSchema(priorityClass, { ...structuredClone(config), bogus: 1 }, "Strict", priorityClass.schema, true), /unknown field "bogus"/);
  assert.throws(() => validateSchema(priorityClass, { ...structuredClone(config), value: "high" }, "Strict", priorityClass.schema, true), /cannot be handled as a PriorityClass/);
});
