import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../status.js";
import { applyJsonPatch } from "./json-patch.js";

const pod = () => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", labels: { app: "web" }, annotations: { "example.com/owner": "team-a" } },
  spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "redis" }] },
});

/** Run `f`, expecting an ApiError; return it. */
function apiError(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${e}`);
    return e;
  }
  assert.fail("expected an error");
}

/** The 422 the apiserver returns for an operation that fails, with `cause` as its cause. */
function assertRejected(f: () => unknown, cause: string) {
  const e = apiError(f);
  assert.equal(e.code, 422);
  assert.equal(e.reason, "Invalid");
  assert.equal(e.message, "the server rejected our request due to an error in our request");
  assert.deepEqual(e.details?.causes, [{ reason: "UnexpectedServerResponse", message: cause }]);
}

describe("applyJsonPatch", () => {
  it("applies add, remove and replace on objects and arrays", () => {
    const out = applyJsonPatch(pod(), [
      { op: "add", path: "/metadata/labels/tier", value: "frontend" },
      { op: "remove", path: "/metadata/labels/app" },
      { op: "replace", path: "/spec/containers/0/image", value: "nginx:1.25" },
      { op: "add", path: "/spec/containers/1", value: { name: "mid", image: "busybox" } },
      { op: "add", path: "/spec/containers/-", value: { name: "last", image: "alpine" } },
    ]) as ReturnType<typeof pod>;
    assert.deepEqual(out.metadata.labels, { tier: "frontend" });
    assert.deepEqual(
      out.spec.containers.map((c) => `${c.name}=${c.image}`),
      ["a=nginx:1.25", "mid=busybox", "b=redis", "last=alpine"],
    );
  });

  it("returns a new document and leaves its inputs alone", () => {
    const doc = pod();
    const ops = [{ op: "add", path: "/metadata/labels/x", value: { nested: true } }];
    const out = applyJsonPatch(doc, ops) as ReturnType<typeof pod>;
    assert.deepEqual(doc, pod());
    (out.metadata.labels as Record<string, unknown>).x = "changed";
    assert.deepEqual(ops[0].value, { nested: true });
  });

  it("moves and copies values", () => {
    const out = applyJsonPatch({ a: { b: 1 }, c: [1, 2] }, [
      { op: "copy", from: "/a", path: "/d" },
      { op: "move", from: "/a/b", path: "/c/0" },
    ]) as Record<string, unknown>;
    assert.deepEqual(out, { a: {}, c: [1, 1, 2], d: { b: 1 } });
    // A copy is deep: changing it leaves the source alone.
    const copied = applyJsonPatch({ a: { b: 1 } }, [
      { op: "copy", from: "/a", path: "/x" },
      { op: "replace", path: "/x/b", value: 2 },
    ]);
    assert.deepEqual(copied, { a: { b: 1 }, x: { b: 2 } });
  });

  it("passes a test op on an equal value and fails on a different one", () => {
    const ops = (replicas: unknown) => [
      { op: "test", path: "/spec/replicas", value: replicas },
      { op: "replace", path: "/spec/replicas", value: 5 },
    ];
    assert.deepEqual(applyJsonPatch({ spec: { replicas: 3 } }, ops(3)), { spec: { replicas: 5 } });
    assertRejected(() => applyJsonPatch({ spec: { replicas: 3 } }, ops(4)), "testing value /spec/replicas failed: test failed");
    // Deep equality on structures; a missing key equals null, as in evanphx v4.
    assert.doesNotThrow(() => applyJsonPatch(pod(), [{ op: "test", path: "/metadata/labels", value: { app: "web" } }]));
    assert.doesNotThrow(() => applyJsonPatch(pod(), [{ op: "test", path: "/metadata/missing", value: null }]));
  });

  it("unescapes ~1 and ~0 in pointers (annotation keys with slashes)", () => {
    const out = applyJsonPatch(pod(), [
      { op: "replace", path: "/metadata/annotations/example.com~1owner", value: "team-b" },
      { op: "add", path: "/metadata/annotations/a~0b", value: "tilde" },
    ]) as ReturnType<typeof pod>;
    assert.deepEqual(out.metadata.annotations, { "example.com/owner": "team-b", "a~b": "tilde" });
  });

  it("counts negative array indices from the end, like evanphx v4", () => {
    assert.deepEqual(applyJsonPatch({ l: [1, 2, 3] }, [{ op: "remove", path: "/l/-1" }]), { l: [1, 2] });
    assert.deepEqual(applyJsonPatch({ l: [1, 2, 3] }, [{ op: "replace", path: "/l/-3", value: 0 }]), { l: [0, 2, 3] });
  });

  it("adds an absent key on replace, like evanphx v4", () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "/b", value: 2 }]), { a: 1, b: 2 });
  });

  it("replaces the whole document with path \"\"", () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }]), { b: 2 });
  });

  it("rejects failing operations with 422 and the library's error as the cause", () => {
    assertRejected(
      () => applyJsonPatch(pod(), [{ op: "remove", path: "/metadata/labels/missing" }]),
      "error in remove for path: '/metadata/labels/missing': Unable to remove nonexistent key: missing: missing value",
    );
    assertRejected(
      () => applyJsonPatch(pod(), [{ op: "add", path: "/spec/nothere/x", value: 1 }]),
      `add operation does not apply: doc is missing path: "/spec/nothere/x": missing value`,
    );
    assertRejected(
      () => applyJsonPatch(pod(), [{ op: "replace", path: "/spec/containers/5", value: {} }]),
      "replace operation does not apply: doc is missing key: /spec/containers/5: missing value",
    );
    assertRejected(
      () => applyJsonPatch(pod(), [{ op: "add", path: "/spec/containers/9", value: {} }]),
      "error in add for path: '/spec/containers/9': Unable to access invalid index: 9: invalid index referenced",
    );
    assertRejected(
      () => applyJsonPatch(pod(), [{ op: "move", from: "/spec/gone", path: "/spec/x" }]),
      "error in move for path: 'gone': Unable to remove nonexistent key: gone: missing value",
    );
    assertRejected(() => applyJsonPatch(pod(), [{ op: "frobnicate", path: "/a" }]), "Unexpected kind: frobnicate");
    assertRejected(() => applyJsonPatch(pod(), [{ path: "/a" }]), "Unexpected kind: unknown");
    assertRejected(() => applyJsonPatch(pod(), [{ op: "add", value: 1 }]), "add operation failed to decode path: missing value");
    assertRejected(
      () => applyJsonPatch(pod(), [{ op: "add", path: "no-slash", value: 1 }]),
      `add operation does not apply: doc is missing path: "no-slash": missing value`,
    );
  });

  it("stops at the first failing operation and changes nothing", () => {
    const doc = pod();
    assert.throws(() =>
      applyJsonPatch(doc, [
        { op: "replace", path: "/metadata/name", value: "q" },
        { op: "test", path: "/metadata/name", value: "p" },
      ]),
    );
    assert.equal(doc.metadata.name, "p");
  });

  it("rejects a body that is not a list of operations with 400", () => {
    let e = apiError(() => applyJsonPatch(pod(), { op: "add" }));
    assert.equal(e.code, 400);
    assert.equal(e.message, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    e = apiError(() => applyJsonPatch(pod(), ["add"]));
    assert.equal(e.code, 400);
    assert.equal(e.message, "json: cannot unmarshal string into Go value of type jsonpatch.Operation");
  });

  it("treats a null patch as empty, as Go decodes it", () => {
    assert.deepEqual(applyJsonPatch(pod(), null), pod());
  });

  it("limits a patch to 10000 operations (413)", () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/kind", value: "Pod" }));
    const e = apiError(() => applyJsonPatch(pod(), ops));
    assert.equal(e.code, 413);
    assert.equal(e.message, "The allowed maximum operations in a JSON patch is 10000, got 10001");
  });
});
