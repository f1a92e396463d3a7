import { test } from "node:test";
import assert from "node:assert/strict";
import { authsFor, registryOf, pullPolicy } from "./images.js";

const secret = (auths: Record<string, unknown>) => ({ data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths })).toString("base64") } });

test("registry of an image reference", () => {
  assert.equal(registryOf("busybox"), "docker.io");
  assert.equal(registryOf("library/busybox:1"), "docker.io");
  assert.equal(registryOf("ghcr.io/a/b:1"), "ghcr.io");
  assert.equal(registryOf("localhost:5000/x"), "localhost:5000");
});

test("pull secrets match the image's registry; auth is decoded", () => {
  const s = [secret({ "ghcr.io": { auth: Buffer.from("me:pw:with:colons").toString("base64") }, "https://index.docker.io/v1/": { username: "hub", password: "h" } })];
  assert.deepEqual(authsFor("ghcr.io/me/app:1", s), [{ username: "me", password: "pw:with:colons", serveraddress: "ghcr.io" }]);
  assert.deepEqual(authsFor("busybox", s).map((a) => a.username), ["hub"]);
  assert.deepEqual(authsFor("quay.io/x", s), []);
});

test("pull policy defaults as the API server's", () => {
  assert.equal(pullPolicy({ image: "busybox" }), "Always");
  assert.equal(pullPolicy({ image: "busybox:1" }), "IfNotPresent");
  assert.equal(pullPolicy({ image: "busybox:1", imagePullPolicy: "Never" }), "Never");
});
