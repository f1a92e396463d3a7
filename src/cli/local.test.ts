import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { newAdminToken } from "./local.js";

test("admin tokens are 48 hex digits, so a command line never takes one for an option", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const t = newAdminToken();
    assert.match(t, /^[0-9a-f]{48}$/);
    seen.add(t);
    // As the agent reads it: `--token VALUE` (a value starting with "-" is refused there).
    assert.equal(parseArgs({ args: ["--token", t], options: { token: { type: "string" } } }).values.token, t);
  }
  assert.equal(seen.size, 2000);
});
