/** The committed generated schemas are up to date, and the hand-written tables match them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { definitions } from "./generated/index.js";
import { getDefinitions, type JsonSchema } from "./openapi.js";
import { patchExtensions, typeExtensions } from "./patch-extensions.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const committed = join(here, "generated");

test("src/schemas/generated is what scripts/gen-schemas.ts generates", () => {
  const out = mkdtempSync(join(tmpdir(), "edgeplane-schemas-"));
  try {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/gen-schemas.ts", out], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const fresh = readdirSync(out).sort();
    assert.deepEqual(readdirSync(committed).sort(), fresh, "file set differs: run npx tsx scripts/gen-schemas.ts");
    for (const file of fresh) {
      const same = readFileSync(join(out, file), "utf8") === readFileSync(join(committed, file), "utf8");
      assert.ok(same, `${file} is stale: run npx tsx scripts/gen-schemas.ts`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("every patch-extensions key names a generated definition and field of a fitting type", () => {
  const defs = getDefinitions();
  for (const [key, ext] of Object.entries(patchExtensions)) {
    const i = key.lastIndexOf(".");
    const def = defs[key.slice(0, i)];
    assert.ok(def, `${key}: unknown definition`);
    const prop = def.properties?.[key.slice(i + 1)] as JsonSchema | undefined;
    assert.ok(prop, `${key}: unknown field`);
    if (ext["x-kubernetes-list-type"] || ext["x-kubernetes-list-map-keys"] || ext["x-kubernetes-patch-merge-key"]) {
      assert.equal(prop.type, "array", `${key}: list extensions on a non-list`);
    }
    for (const k of ext["x-kubernetes-list-map-keys"] ?? []) {
      const item = defs[String((prop.items as JsonSchema).$ref).split("/").pop()!];
      assert.ok(item?.properties?.[k], `${key}: list-map key ${k} is not a field of the items`);
    }
    if (ext["x-kubernetes-patch-merge-key"]) {
      const item = defs[String((prop.items as JsonSchema).$ref).split("/").pop()!];
      assert.ok(item?.properties?.[ext["x-kubernetes-patch-merge-key"]], `${key}: merge key is not a field of the items`);
    }
  }
  for (const name of Object.keys(typeExtensions)) assert.ok(definitions[name], name);
});
