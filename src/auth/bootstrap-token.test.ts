import { test } from "node:test";
import assert from "node:assert/strict";
import { authenticateBootstrapToken, bootstrapUser, newBootstrapToken, parseBootstrapToken } from "./bootstrap-token.js";
import { authenticateUserToken, newUserToken, userOfTokenSecret } from "./user-token.js";
import type { KObject } from "../registry/types.js";

test("bootstrap token format", () => {
  assert.deepEqual(parseBootstrapToken("abcdef.0123456789abcdef"), { id: "abcdef", secret: "0123456789abcdef" });
  for (const bad of ["ABCDEF.0123456789abcdef", "abcde.0123456789abcdef", "abcdef.0123456789abcde", "abcdef0123456789abcdef", "abcdef.0123456789abcdef.x"]) assert.equal(parseBootstrapToken(bad), null, bad);
  const { token, secret } = newBootstrapToken({ ttlSeconds: 60 });
  assert.ok(parseBootstrapToken(token));
  assert.equal(secret.metadata.name, `bootstrap-token-${token.split(".")[0]}`);
  assert.equal(secret.type, "bootstrap.kubernetes.io/token");
});

test("a bootstrap token authenticates until it expires, with its extra groups; a wrong secret or usage is refused", async () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const { token, secret } = newBootstrapToken({ ttlSeconds: 3600, extraGroups: ["system:bootstrappers:edge"], now });
  const [id, sec] = token.split(".");
  const lookup = async (name: string) => (name === secret.metadata.name ? secret : undefined);
  assert.deepEqual(await authenticateBootstrapToken(token, lookup, now + 1000), { username: `system:bootstrap:${id}`, groups: ["system:bootstrappers", "system:bootstrappers:edge", "system:authenticated"] });
  assert.equal(await authenticateBootstrapToken(token, lookup, now + 3601_000), null, "expired");
  assert.equal(bootstrapUser(secret, id, "x".repeat(16), now), null, "wrong secret");
  assert.equal(await authenticateBootstrapToken(token, async () => undefined, now), null, "no Secret");
  const noUsage: KObject = structuredClone(secret);
  delete (noUsage.data as Record<string, string>)["usage-bootstrap-authentication"];
  assert.equal(bootstrapUser(noUsage, id, sec, now), null);
  const badGroup = newBootstrapToken({ extraGroups: ["system:masters"] });
  const [bid, bsec] = badGroup.token.split(".");
  assert.equal(bootstrapUser(badGroup.secret, bid, bsec, now), null, "extra groups must be system:bootstrappers:*");
  assert.equal(bootstrapUser({ ...secret, type: "Opaque" }, id, sec, now), null);
});

test("user tokens: only the hash is stored; the Secret grants its user and groups until it expires", async () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const { token, secret } = await newUserToken({ username: "jane", groups: ["devs"], ttlSeconds: 60, now });
  assert.ok(!JSON.stringify(secret).includes(token));
  const lookup = async (name: string) => (name === secret.metadata.name ? secret : undefined);
  assert.deepEqual(await authenticateUserToken(token, lookup, now), { username: "jane", groups: ["devs", "system:authenticated"] });
  assert.equal(await authenticateUserToken(token, lookup, now + 61_000), null, "expired");
  assert.equal(await authenticateUserToken(token + "0", lookup, now), null);
  assert.equal(userOfTokenSecret({ ...secret, type: "Opaque" }, "", now), null);
});
