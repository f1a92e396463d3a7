/**
 * The same code deploys with wrangler: a dry-run bundle builds from
 * wrangler.toml, with the store Durable Object bound and under the Workers
 * size limits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

test("npx wrangler deploy --dry-run builds the Worker", () => {
  const out = mkdtempSync(join(tmpdir(), "edgeplane-deploy-"));
  try {
    const r = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out], {
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /env\.STORE \(ObjectStore\)\s+Durable Object/);
    const js = readdirSync(out).find((f) => f.endsWith(".js"));
    assert.ok(js, "a bundle was written");
    const bytes = readFileSync(join(out, js));
    const gz = gzipSync(bytes).length;
    assert.ok(gz < 3 * 1024 * 1024, `gzip size ${gz} is within the free plan's 3 MiB`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
