import { test } from "node:test";
import assert from "node:assert/strict";
import type { KObject } from "../../registry/types.js";
import { ApiError } from "../../apimachinery/status.js";
import { mutateInTurn } from "./mutate.js";
import type { JsonPatchOp } from "./review.js";

type H = { name: string; reinvocationPolicy?: "Never" | "IfNeeded" };
const pod = (): KObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: {} } });
const labels = (o: KObject) => o.metadata.labels ?? {};

/** Webhooks as functions of the object they are sent; the log records who saw what. */
function invoker(behaviour: Record<string, (o: KObject) => JsonPatchOp[] | undefined>) {
  const log: string[] = [];
  const invoke = async (h: H, o: KObject) => {
    log.push(`${h.name}:${Object.keys(labels(o)).sort().join(",")}`);
    return behaviour[h.name](o);
  };
  return { log, invoke };
}

test("each mutating webhook gets the object the one before it patched; patches are collected in order", async () => {
  const { log, invoke } = invoker({
    a: () => [{ op: "add", path: "/metadata/labels/a", value: "1" }],
    b: (o) => (labels(o).a ? [{ op: "add", path: "/metadata/labels/b", value: "2" }] : undefined),
  });
  const r = await mutateInTurn<H>([{ name: "a" }, { name: "b" }], pod(), invoke);
  assert.deepEqual(log, ["a:", "b:a"]);
  assert.deepEqual(labels(r.object), { a: "1", b: "2" });
  assert.deepEqual(r.patches.map((p) => p.path), ["/metadata/labels/a", "/metadata/labels/b"]);
});

test("reinvocationPolicy IfNeeded: called once more when a later webhook changed the object, once only, in order", async () => {
  const { log, invoke } = invoker({
    // A sidecar injector that must see every label: copies the count into an annotation-like label.
    inj: (o) => [{ op: "add", path: "/metadata/labels/seen", value: String(Object.keys(labels(o)).length) }],
    late: () => [{ op: "add", path: "/metadata/labels/late", value: "x" }],
    quiet: () => undefined,
  });
  const r = await mutateInTurn<H>([{ name: "inj", reinvocationPolicy: "IfNeeded" }, { name: "quiet", reinvocationPolicy: "IfNeeded" }, { name: "late" }], pod(), invoke);
  // inj's output was changed by late: called again (and its own change does not call it a third time);
  // quiet's output was changed by late too, so it is reinvoked as well; late (Never) is not.
  assert.deepEqual(log, ["inj:", "quiet:seen", "late:seen", "inj:late,seen", "quiet:late,seen"]);
  assert.equal(labels(r.object).seen, "2");
});

test("no reinvocation when nothing changed after a webhook, or with the default policy", async () => {
  const { log, invoke } = invoker({ a: () => [{ op: "add", path: "/metadata/labels/a", value: "1" }], b: () => undefined });
  await mutateInTurn<H>([{ name: "a", reinvocationPolicy: "IfNeeded" }, { name: "b", reinvocationPolicy: "IfNeeded" }], pod(), invoke);
  assert.deepEqual(log, ["a:", "b:a"]);
  const second = invoker({ a: () => undefined, b: () => [{ op: "add", path: "/metadata/labels/b", value: "1" }] });
  await mutateInTurn<H>([{ name: "a", reinvocationPolicy: "Never" }, { name: "b" }], pod(), second.invoke);
  assert.deepEqual(second.log, ["a:", "b:"]);
});

test("a patch that does not apply is the webhook's call failure", async () => {
  const { invoke } = invoker({ bad: () => [{ op: "replace", path: "/spec/nope", value: 1 }] });
  await assert.rejects(mutateInTurn<H>([{ name: "bad" }], pod(), invoke), (e: unknown) => e instanceof ApiError && /bad.*the webhook's JSON patch does not apply/.test(e.message));
});
