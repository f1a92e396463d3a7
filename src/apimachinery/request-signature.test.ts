import { test } from "node:test";
import assert from "node:assert/strict";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { pemBlocks } from "./pem.js";
import { requestSignatureError } from "./request-signature.js";
import { certificateRequest, servingCert } from "../cli/pki.js";

const subtle = (webcrypto as unknown as Crypto).subtle;

type KeyAlgorithm = Parameters<SubtleCrypto["generateKey"]>[0];
type SigningAlgorithm = Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0]["signingAlgorithm"];

async function request(alg: KeyAlgorithm, signing: SigningAlgorithm): Promise<Uint8Array> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = (await subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=jane,O=dev", keys, signingAlgorithm: signing });
  return new Uint8Array(csr.rawData);
}

test("requests signed by their own key verify: ECDSA P-256 and P-384, RSA, Ed25519", async () => {
  assert.equal(await requestSignatureError(pemBlocks((await certificateRequest("CN=a")).csr)[0].der), undefined);
  assert.equal(await requestSignatureError(await request({ name: "ECDSA", namedCurve: "P-384" }, { name: "ECDSA", hash: "SHA-384" })), undefined);
  assert.equal(await requestSignatureError(await request({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" })), undefined);
  assert.equal(await requestSignatureError(await request({ name: "Ed25519" }, { name: "Ed25519" })), undefined);
});

test("a request changed after signing, or signed by another key, fails as Go says", async () => {
  const der = pemBlocks((await certificateRequest("CN=jane,O=dev")).csr)[0].der;
  // Rename the subject (jane → jana) without signing again.
  const tampered = Uint8Array.from(der);
  const at = Buffer.from(tampered).indexOf("jane");
  tampered[at + 3] = "a".charCodeAt(0);
  assert.equal(await requestSignatureError(tampered), "x509: ECDSA verification failure");
  const rsa = await request({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
  const badRsa = Uint8Array.from(rsa);
  badRsa[badRsa.length - 1] ^= 1;
  assert.equal(await requestSignatureError(badRsa), "crypto/rsa: verification error");
  // A certificate is not a request: its structure differs.
  const cert = pemBlocks((await servingCert("CN=x", ["x.example"])).cert)[0].der;
  assert.notEqual(await requestSignatureError(cert), undefined);
  assert.equal(await requestSignatureError(new Uint8Array([0x30, 0x00])), "x509: malformed certificate request");
});
