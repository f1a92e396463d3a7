import { test } from "node:test";
import assert from "node:assert/strict";
import { instrumented } from "./instrumented.js";
import type { Runtime } from "./types.js";

test("every runtime call is counted and timed; failures count as errors; logs streams are not", async () => {
  const fake = {
    async list() {
      return [];
    },
    async start() {
      throw new Error("boom");
    },
    logs() {
      return (async function* () {})();
    },
  } as unknown as Runtime;
  const { runtime, stats } = instrumented(fake);
  await runtime.list("n");
  await runtime.list("n");
  await assert.rejects(runtime.start("x"), /boom/);
  runtime.logs("x", { follow: false, timestamps: false }, new AbortController().signal);
  assert.equal(stats.get("list")!.count, 2);
  assert.equal(stats.get("list")!.errors, 0);
  assert.equal(stats.get("start")!.errors, 1);
  assert.equal(stats.has("logs"), false);
});
