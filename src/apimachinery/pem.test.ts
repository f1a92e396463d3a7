import { test } from "node:test";
import assert from "node:assert/strict";
import { certificateNotAfter, isSignedEnvelope, pemBlocks, requestOrganizations } from "./pem.js";
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

/** The DER of a self-signed certificate valid until notAfter. */
const certUntil = async (notAfter: Date) => pemBlocks((await servingCert("CN=x", [], undefined, "02", notAfter)).cert)[0].der;

test("certificateNotAfter reads a certificate's notAfter, as UTCTime and as GeneralizedTime", async () => {
  const utc = await certUntil(new Date("2030-05-06T07:08:09Z"));
  const generalized = await certUntil(new Date("2051-01-02T03:04:05Z"));
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050 (tags 0x17 and 0x18 in the DER).
  assert.ok(Buffer.from(utc).includes(Buffer.from([0x17, 0x0d, ...Buffer.from("300506070809Z")])));
  assert.ok(Buffer.from(generalized).includes(Buffer.from([0x18, 0x0f, ...Buffer.from("20510102030405Z")])));
  assert.equal(certificateNotAfter(utc), Date.parse("2030-05-06T07:08:09Z"));
  assert.equal(certificateNotAfter(generalized), Date.parse("2051-01-02T03:04:05Z"));
  const { csr } = await certificateRequest("CN=jane");
  // A request is no certificate; neither is garbage.
  assert.equal(certificateNotAfter(pemBlocks(csr)[0].der), undefined);
  assert.equal(certificateNotAfter(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])), undefined);
});
