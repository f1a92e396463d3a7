import { test } from "node:test";
import assert from "node:assert/strict";
import { keyring, seal, open, keyIdOf, isSealed, encryptedResources, EncryptionError } from "./envelope.js";

const key = (byte: number) => Buffer.alloc(32, byte).toString("base64");

test("seal/open round-trips; the first key seals, any key opens; plaintext passes through", async () => {
  const old = await keyring(`k1:${key(1)}`);
  const both = await keyring(`k2:${key(2)},k1:${key(1)}`);
  const s1 = await seal(old!, '{"data":{"password":"aHVudGVyMg=="}}', "secrets/db");
  assert.ok(isSealed(s1) && keyIdOf(s1) === "k1" && !s1.includes("aHVudGVyMg"));
  assert.equal(await open(both, s1, "secrets/db"), '{"data":{"password":"aHVudGVyMg=="}}');
  const s2 = await seal(both!, "x", "secrets/db");
  assert.equal(keyIdOf(s2), "k2");
  assert.notEqual(await seal(both!, "x", "secrets/db"), s2, "random IVs");
  assert.equal(await open(both, "{}", "secrets/db"), "{}");
});

test("a value sealed for one object does not open as another; unknown keys and bad configs are refused", async () => {
  const ring = await keyring(`k1:${key(1)}`);
  const s = await seal(ring!, "x", "secrets/a");
  await assert.rejects(open(ring, s, "secrets/b"), EncryptionError);
  await assert.rejects(open(await keyring(`k9:${key(9)}`), s, "secrets/a"), /no key "k1"/);
  await assert.rejects(open(null, s, "secrets/a"), /no key/);
  assert.equal(await keyring(""), null);
  await assert.rejects(keyring("k1:abc"), /16, 24 or 32 bytes/);
  await assert.rejects(keyring(`nokey`), /not <id>:<base64 key>/);
  assert.deepEqual([...encryptedResources(undefined)], ["secrets"]);
  assert.deepEqual([...encryptedResources("secrets, configmaps")], ["secrets", "configmaps"]);
});
