import { test } from "node:test";
import assert from "node:assert/strict";
import { namespaceLifecycle } from "./namespace-lifecycle.js";
import { mutate, validate } from "./chain.js";
import { FakeNamespace, attrs, pod } from "./testing.js";

test("no creates in a terminating namespace, nothing written into a missing one; updates of a terminating one pass", () => {
  assert.throws(() => namespaceLifecycle.validate!(attrs("configmaps", { metadata: { name: "x" } }), new FakeNamespace({}, "Terminating")), /configmaps "x" is forbidden: unable to create new content in namespace team because it is being terminated/);
  assert.throws(() => namespaceLifecycle.validate!(attrs("configmaps", { metadata: { name: "x" } }, "UPDATE"), new FakeNamespace({}, "Absent")), /namespaces "team" not found/);
  namespaceLifecycle.validate!(attrs("configmaps", { metadata: { name: "x" } }, "UPDATE"), new FakeNamespace({}, "Terminating"));
  namespaceLifecycle.validate!(attrs("namespaces", { metadata: { name: "x" } }), new FakeNamespace({}, "Absent"));
});

test("the chain mutates before it validates", () => {
  const ns = new FakeNamespace()
    .add("limitranges", { metadata: { name: "lr" }, spec: { limits: [{ type: "Container", default: { cpu: "1" }, defaultRequest: { cpu: "1" }, max: { cpu: "1" } }] } })
    .add("resourcequotas", { metadata: { name: "q" }, spec: { hard: { "limits.cpu": "4" } } });
  const a = attrs("pods", pod("p", [{ name: "c" }]));
  mutate(a, ns);
  validate(a, ns);
  assert.deepEqual(ns.statusWrites[0].status, { hard: { "limits.cpu": "4" }, used: { "limits.cpu": "1" } });
});
