import { test } from "node:test";
import assert from "node:assert/strict";
import { isSignedEnvelope, pemBlocks, requestOrganizations } from "./pem.js";
import { base64Bytes } from "./bytes.js";
import { certificateRequest, servingCert } from "../cli/pki.js";

test("pemBlocks reads each block's type and DER; a real request and certificate are signed envelopes", async () => {
  const { csr, key } = await certificateRequest("CN=jane,O=dev");
  const { cert } = await servingCert("CN=server", ["127.0.0.1"]);
  const blocks = pemBlocks(csr + cert + key);
  assert.deepEqual(blocks.map((b) => b.type), ["CERTIFICATE REQUEST", "CERTIFICATE", "PRIVATE KEY"]);
  assert.ok(blocks.every((b) => !b.headers));
  assert.equal(isSignedEnvelope(blocks[0].der), true);
  assert.equal(isSignedEnvelope(blocks[1].der), true);
  // A PKCS#8 key is a SEQUENCE of INTEGER, SEQUENCE, OCTET STRING: not a signed envelope.
  assert.equal(isSignedEnvelope(blocks[2].der), false);
});

test("malformed PEM and DER are recognised", async () => {
  const { csr } = await certificateRequest("CN=x");
  const der = pemBlocks(csr)[0].der;
  assert.equal(isSignedEnvelope(der.subarray(0, der.length - 1)), false, "truncated");
  assert.equal(isSignedEnvelope(new Uint8Array([...der, 0])), false, "trailing byte");
  assert.equal(isSignedEnvelope(new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])), false, "length beyond the buffer");
  assert.deepEqual(pemBlocks("hello"), []);
  assert.deepEqual(pemBlocks("-----BEGIN X-----\n!!!!\n-----END X-----\n"), [], "a body that is not base64");
  const withHeaders = pemBlocks("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END CERTIFICATE-----\n");
  assert.equal(withHeaders[0].headers, true);
  assert.equal(base64Bytes("a"), undefined, "not a multiple of four");
  assert.deepEqual([...base64Bytes("aGk=")!], [104, 105]);
  assert.equal(base64Bytes("not base64!"), undefined);
});

test("requestOrganizations reads the O= of a request's subject (a client certificate's groups)", async () => {
  const { csr } = await certificateRequest("CN=jane,O=system:masters,O=dev");
  assert.deepEqual(requestOrganizations(pemBlocks(csr)[0].der).sort(), ["dev", "system:masters"]);
  const { csr: plain } = await certificateRequest("CN=bob");
  assert.deepEqual(requestOrganizations(pemBlocks(plain)[0].der), []);
  assert.deepEqual(requestOrganizations(new Uint8Array([0x30, 0x03, 0x02, 0x01])), [], "malformed");
});
