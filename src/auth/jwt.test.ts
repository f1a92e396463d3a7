import { test } from "node:test";
import assert from "node:assert/strict";
import { checkTimes, ES256, intersectAudiences, jwkThumbprint, JwtError, signJwt, unb64url, verifyJwt } from "./jwt.js";
import { checkServiceAccountClaims, nodeClaims, nodeOfClaims, serviceAccountClaims, SERVICE_ACCOUNT_ISSUER } from "./claims.js";

const pair = async () => (await crypto.subtle.generateKey(ES256, true, ["sign", "verify"])) as CryptoKeyPair;

test("a signed JWT verifies with its key and fails with another key, a changed payload or an unknown kid", async () => {
  const k = await pair();
  const other = await pair();
  const token = await signJwt({ sub: "x", exp: 10 }, k.privateKey, "kid-1");
  const { header, claims } = await verifyJwt(token, async (kid) => (kid === "kid-1" ? k.publicKey : undefined));
  assert.equal(header.alg, "ES256");
  assert.equal(claims.sub, "x");
  await assert.rejects(verifyJwt(token, async () => other.publicKey), JwtError);
  await assert.rejects(verifyJwt(token, async () => undefined), /unknown signing key/);
  const [h, , s] = token.split(".");
  const forged = `${h}.${Buffer.from(JSON.stringify({ sub: "admin", exp: 10 })).toString("base64url")}.${s}`;
  await assert.rejects(verifyJwt(forged, async () => k.publicKey), /invalid signature/);
  const none = `${Buffer.from(JSON.stringify({ alg: "none", kid: "kid-1" })).toString("base64url")}.${token.split(".")[1]}.`;
  await assert.rejects(verifyJwt(none + "AA", async () => k.publicKey), /unexpected JWT header/);
  assert.equal(unb64url(s).length, 64, "r||s signature");
});

test("expiry, not-before and audiences", () => {
  assert.throws(() => checkTimes({ exp: 100 }, 200), /expired/);
  assert.doesNotThrow(() => checkTimes({ exp: 100 }, 150), "within the leeway");
  assert.throws(() => checkTimes({ exp: 1000, nbf: 500 }, 100), /not valid yet/);
  assert.throws(() => checkTimes({}, 100), /no expiry/);
  assert.deepEqual(intersectAudiences({ aud: ["a", "b"] }, ["b", "c"]), ["b"]);
  assert.deepEqual(intersectAudiences({ aud: "a" }, ["a"]), ["a"]);
  assert.deepEqual(intersectAudiences({}, ["a"]), []);
});

test("ServiceAccount claims are Kubernetes' and are checked for issuer, subject and audience", async () => {
  const sa = { metadata: { name: "builder", namespace: "ci", uid: "sa-uid" } };
  const pod = { metadata: { name: "p", namespace: "ci", uid: "pod-uid" } };
  const c = serviceAccountClaims(sa, pod, [SERVICE_ACCOUNT_ISSUER], 3600, 1000, "jti-1");
  assert.equal(c.sub, "system:serviceaccount:ci:builder");
  assert.equal(c.exp, 4600);
  assert.deepEqual(c["kubernetes.io"], { namespace: "ci", serviceaccount: { name: "builder", uid: "sa-uid" }, pod: { name: "p", uid: "pod-uid" } });
  assert.ok(checkServiceAccountClaims(c, [SERVICE_ACCOUNT_ISSUER]));
  assert.equal(checkServiceAccountClaims(c, ["other"]), null, "wrong audience");
  assert.equal(checkServiceAccountClaims({ ...c, iss: "evil" }, [SERVICE_ACCOUNT_ISSUER]), null);
  assert.equal(checkServiceAccountClaims({ ...c, sub: "system:serviceaccount:ci:admin" }, [SERVICE_ACCOUNT_ISSUER]), null);
  // A node credential is never a ServiceAccount token, nor the reverse.
  const n = nodeClaims("edge-1", 1000);
  assert.equal(nodeOfClaims(n), "edge-1");
  assert.equal(checkServiceAccountClaims(n, [SERVICE_ACCOUNT_ISSUER]), null);
  assert.equal(nodeOfClaims(c), null);
  assert.equal(nodeOfClaims({ ...n, sub: "system:node:other" }), null);
  const jwk = (await crypto.subtle.exportKey("jwk", (await pair()).publicKey)) as JsonWebKey;
  assert.match(await jwkThumbprint(jwk), /^[A-Za-z0-9_-]{43}$/);
});
