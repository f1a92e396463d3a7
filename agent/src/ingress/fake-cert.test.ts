import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import * as tls from "node:tls";
import { selfSignedCert } from "./fake-cert.js";

test("the fallback certificate parses, is self-signed by its key, valid now for ten years, and serves TLS", async () => {
  const { cert, key } = selfSignedCert("Edgeplane Ingress Controller Fake Certificate");
  const x = new X509Certificate(cert);
  assert.equal(x.subject, "CN=Edgeplane Ingress Controller Fake Certificate");
  assert.equal(x.issuer, x.subject);
  assert.ok(x.verify(x.publicKey), "signed by its own key");
  assert.ok(x.checkPrivateKey(createPrivateKey(key)));
  const from = Date.parse(x.validFrom);
  const to = Date.parse(x.validTo);
  assert.ok(from <= Date.now() && to - Date.now() > 3600 * 86_400_000, `${x.validFrom} .. ${x.validTo}`);
  // A TLS handshake with it, trusted as its own CA.
  const server = tls.createServer({ cert, key }, (s) => s.end("hi"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const got = await new Promise<string>((resolve, reject) => {
    const c = tls.connect({ host: "127.0.0.1", port, ca: cert, checkServerIdentity: () => undefined }, () => {
      let data = "";
      c.on("data", (d) => (data += d));
      c.on("end", () => resolve(data));
    });
    c.on("error", reject);
  });
  server.close();
  assert.equal(got, "hi");
});
