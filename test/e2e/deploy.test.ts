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

test("edgeplane deploy --dry-run builds, keeps its secrets, and says what it would do", () => {
  const home = mkdtempSync(join(tmpdir(), "edgeplane-deploy-home-"));
  try {
    const run = () => spawnSync(process.execPath, ["bin/edgeplane.js", "deploy", "--dry-run"], { encoding: "utf8", env: { ...process.env, EDGEPLANE_HOME: home, WRANGLER_SEND_METRICS: "false", CI: "true" }, timeout: 180_000 });
    const r = run();
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /✓ built the Worker into .*deploy\/dist/);
    assert.match(r.stdout, /would upload secrets: ADMIN_TOKEN/);
    const first = JSON.parse(readFileSync(join(home, "deploy", "secrets.json"), "utf8"));
    assert.equal(run().status, 0);
    assert.deepEqual(JSON.parse(readFileSync(join(home, "deploy", "secrets.json"), "utf8")), first, "secrets are made once and kept");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
