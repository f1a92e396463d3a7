import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyMergePatch } from "./merge-patch.js";

describe("applyMergePatch", () => {
  it("matches every example of RFC 7386 appendix A", () => {
    const examples: [unknown, unknown, unknown][] = [
      [{ a: "b" }, { a: "c" }, { a: "c" }],
      [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
      [{ a: "b" }, { a: null }, {}],
      [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
      [{ a: ["b"] }, { a: "c" }, { a: "c" }],
      [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
      [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
      [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
      [["a", "b"], ["c", "d"], ["c", "d"]],
      [{ a: "b" }, ["c"], ["c"]],
      [{ a: "foo" }, null, null],
      [{ a: "foo" }, "bar", "bar"],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: "b", c: null }, { a: "b" }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [doc, patch, want] of examples) {
      assert.deepEqual(applyMergePatch(doc, patch), want, `${JSON.stringify(doc)} + ${JSON.stringify(patch)}`);
    }
  });

  it("scales through /scale the way kubectl scale does", () => {
    const scale = { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web" }, spec: { replicas: 1 }, status: { replicas: 1 } };
    assert.deepEqual(applyMergePatch(scale, { spec: { replicas: 3 } }), { ...scale, spec: { replicas: 3 } });
  });

  it("replaces lists whole, even lists Kubernetes would merge strategically", () => {
    const doc = { spec: { containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] } };
    assert.deepEqual(applyMergePatch(doc, { spec: { containers: [{ name: "a", image: "z" }] } }), {
      spec: { containers: [{ name: "a", image: "z" }] },
    });
  });

  it("leaves its inputs alone", () => {
    const doc = { metadata: { labels: { a: "1" } } };
    const patch = { metadata: { labels: { b: { deep: "2" } } } };
    const out = applyMergePatch(doc, patch) as { metadata: { labels: Record<string, unknown> } };
    assert.deepEqual(doc, { metadata: { labels: { a: "1" } } });
    (out.metadata.labels.b as Record<string, string>).deep = "changed";
    assert.deepEqual(patch, { metadata: { labels: { b: { deep: "2" } } } });
  });
});
