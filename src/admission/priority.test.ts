import { test } from "node:test";
import assert from "node:assert/strict";
import { priority } from "./priority.js";
import { attrs, FakeNamespace, pod } from "./testing.js";
import { ApiError } from "../apimachinery/status.js";
import type { KObject } from "../registry/types.js";

const pc = (name: string, value: number, extra: Record<string, unknown> = {}): KObject => ({ metadata: { name }, value, ...extra });
const spec = (p: KObject) => p.spec as { priority?: number; priorityClassName?: string; preemptionPolicy?: string };

test("a pod naming a class gets its value and preemption policy", () => {
  const ns = new FakeNamespace();
  ns.classes = [pc("high", 1000, { preemptionPolicy: "Never" }), pc("low", 10)];
  const p = pod("web", [{ name: "c" }], { priorityClassName: "high" });
  priority.admit!(attrs("pods", p), ns);
  assert.equal(spec(p).priority, 1000);
  assert.equal(spec(p).preemptionPolicy, "Never");
  const q = pod("batch", [{ name: "c" }], { priorityClassName: "low" });
  priority.admit!(attrs("pods", q), ns);
  assert.deepEqual([spec(q).priority, spec(q).preemptionPolicy], [10, "PreemptLowerPriority"]);
});

test("no class named: the lowest global default, else priority 0", () => {
  const ns = new FakeNamespace();
  const p = pod("a", [{ name: "c" }]);
  priority.admit!(attrs("pods", p), ns);
  assert.deepEqual([spec(p).priority, spec(p).priorityClassName, spec(p).preemptionPolicy], [0, undefined, "PreemptLowerPriority"]);
  ns.classes = [pc("d2", 50, { globalDefault: true }), pc("d1", 5, { globalDefault: true }), pc("other", 1)];
  const q = pod("b", [{ name: "c" }]);
  priority.admit!(attrs("pods", q), ns);
  assert.deepEqual([spec(q).priority, spec(q).priorityClassName], [5, "d1"]);
});

test("refusals: an unknown class, or a priority or policy that disagrees with the class", () => {
  const ns = new FakeNamespace();
  ns.classes = [pc("high", 1000)];
  const refused = (p: KObject, re: RegExp) =>
    assert.throws(() => priority.admit!(attrs("pods", p), ns), (e: unknown) => e instanceof ApiError && e.code === 403 && re.test(e.message));
  refused(pod("x", [{ name: "c" }], { priorityClassName: "missing" }), /pods "x" is forbidden: no PriorityClass with name missing was found/);
  refused(pod("y", [{ name: "c" }], { priorityClassName: "high", priority: 7 }), /the integer value of priority \(7\) must not be provided in pod spec; priority admission controller computed 1000/);
  refused(pod("z", [{ name: "c" }], { priorityClassName: "high", preemptionPolicy: "Never" }), /the string value of PreemptionPolicy \(Never\) must not be provided/);
  // The computed value itself may be repeated (a manifest exported with -o yaml applies again).
  const ok = pod("w", [{ name: "c" }], { priorityClassName: "high", priority: 1000 });
  priority.admit!(attrs("pods", ok), ns);
  assert.equal(spec(ok).priority, 1000);
});

test("updates keep the priority set at creation; other kinds and subresources are left alone", () => {
  const ns = new FakeNamespace();
  const old = pod("a", [{ name: "c" }], { priority: 100, preemptionPolicy: "Never", priorityClassName: "x" });
  const next = pod("a", [{ name: "c" }], { priorityClassName: "x" });
  priority.admit!(attrs("pods", next, "UPDATE", { oldObject: old }), ns);
  assert.deepEqual([spec(next).priority, spec(next).preemptionPolicy], [100, "Never"]);
  const status = pod("b", [{ name: "c" }], { priorityClassName: "missing" });
  priority.admit!(attrs("pods", status, "CREATE", { subresource: "binding" }), ns);
  assert.equal(spec(status).priority, undefined);
});
