import { test } from "node:test";
import assert from "node:assert/strict";
import { cpuQuantity, memQuantity, nodeSample, rate } from "./stats.js";

test("cpu rate from cumulative samples, in nanocores", () => {
  assert.equal(rate(undefined, { cpuNanos: 5, timestamp: 1 }), undefined);
  // 0.5 s of cpu over 1 s = half a core = 500,000,000 n
  assert.equal(rate({ cpuNanos: 0, timestamp: 1000 }, { cpuNanos: 5e8, timestamp: 2000 }), 5e8);
  assert.equal(rate({ cpuNanos: 10, timestamp: 1000 }, { cpuNanos: 5, timestamp: 2000 }), undefined);
  assert.equal(cpuQuantity(1234.4), "1234n");
  assert.equal(memQuantity(2048), "2Ki");
});

test("node sample reads this host's /proc", () => {
  const s = nodeSample();
  assert.ok(s.cpuNanos > 0);
  assert.ok(s.memoryBytes > 0);
});
