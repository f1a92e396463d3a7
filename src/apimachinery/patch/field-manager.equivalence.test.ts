import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { managedFieldsAfterUpdate } from "./field-manager.js";
import { runScenarios } from "./field-manager.scenarios.js";

/**
 * The digest of every object and error the scenarios produced with the
 * original, unoptimised field manager (commit "Field manager: benchmark,
 * workload fixtures and a golden equivalence test"). Optimisations must keep
 * it: same managers, fields, times, order, fallbacks and conflict messages.
 */
const GOLDEN = "7a2f74f9e5aff70c23684710ff7a32502a9a34ca8974c568098f99b57081f30e";

describe("field manager equivalence", () => {
  it("gives the original implementation's results on 2,000 random writes", () => {
    let compared = 0;
    const lines = runScenarios(undefined, undefined, (old, updated, opts, result) => {
      // The store's entry point gives the same record without copying the object, and leaves both objects alone.
      const before = JSON.stringify([old, updated]);
      assert.deepEqual(managedFieldsAfterUpdate(old, updated, opts), result.metadata.managedFields);
      assert.equal(JSON.stringify([old, updated]), before);
      compared++;
    });
    assert.ok(compared > 1500, String(compared));
    assert.equal(lines.length, 2136);
    assert.equal(createHash("sha256").update(lines.join("\n")).digest("hex"), GOLDEN);
  });
});
