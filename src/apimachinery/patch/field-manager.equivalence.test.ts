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
 * Taken again when the schema gained the `protocol: TCP` default of port
 * list keys (patch-extensions.ts): the scenarios' port items without a
 * protocol are now keyed as Kubernetes keys them; the algorithm is unchanged.
 */
const GOLDEN = "6aa65b8f649238d7a0b43033ef5bd550e42034a3b42ca13f12d14dd0aa22e5cc";

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
