import { test } from "node:test";
import assert from "node:assert/strict";
import { byteBatches } from "./byte-batches.js";

const item = (n: number, id: string) => ({ id, data: "x".repeat(n) });

test("changes are cut into runs under the bound, in order, an oversized one alone", () => {
  const items = [item(4, "a"), item(4, "b"), item(3, "c"), item(20, "big"), item(1, "d")];
  assert.deepEqual(
    byteBatches(items, 10).map((b) => b.map((i) => i.id)),
    [["a", "b"], ["c"], ["big"], ["d"]],
  );
  assert.deepEqual(byteBatches([], 10), []);
  assert.equal(byteBatches(items, 1000).length, 1);
});
