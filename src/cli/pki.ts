/**
 * The local cluster's certificates: a CA made once per EDGEPLANE_HOME and a
 * serving certificate for 127.0.0.1/localhost signed by it. kubectl sends
 * bearer tokens only over TLS, and with the CA in the kubeconfig it verifies
 * the server as it would a real cluster's (no insecure-skip-tls-verify).
 */
import * as x509 from "@peculiar/x509";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { webcrypto } from "node:crypto";

const crypto = webcrypto as unknown as Crypto;

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface Pki {
  caCert: string;
  cert: string;
  key: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").trim();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A serving certificate for these hosts (IPs or DNS names), signed by an issuer or, without one, by itself; valid ten years unless told until when. */
export async function servingCert(subject: string, hosts: string[], issuer?: { name: string; key: CryptoKey }, serialNumber = "01", notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000)): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(crypto);
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: "ip" as const, value: h } : { type: "dns" as const, value: h }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject,
    issuer: issuer?.name ?? subject,
    notBefore: new Date(Math.min(Date.now() - 60_000, notAfter.getTime() - 60_000)),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer?.key ?? keys.privateKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(san),
    ],
  });
  return { cert: cert.toString("pem") + "\n", key: pem("PRIVATE KEY", (await crypto.subtle.exportKey("pkcs8", keys.privateKey)) as ArrayBuffer) };
}

/** A PKCS#10 request for a new key (PEM), as `openssl req -new` makes one: for CertificateSigningRequests. */
export async function certificateRequest(subject: string): Promise<{ csr: string; key: string }> {
  x509.cryptoProvider.set(crypto);
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: alg });
  return { csr: csr.toString("pem") + "\n", key: pem("PRIVATE KEY", (await crypto.subtle.exportKey("pkcs8", keys.privateKey)) as ArrayBuffer) };
}

export async function ensurePki(home: string, hosts: string[] = ["127.0.0.1", "localhost", "::1", "10.96.0.1", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]): Promise<Pki> {
  const dir = join(home, "pki");
  const files = { caCert: join(dir, "ca.crt"), cert: join(dir, "apiserver.crt"), key: join(dir, "apiserver.key") };
  if (Object.values(files).every(existsSync)) {
    return { caCert: readFileSync(files.caCert, "utf8"), cert: readFileSync(files.cert, "utf8"), key: readFileSync(files.key, "utf8") };
  }
  mkdirSync(dir, { recursive: true });
  x509.cryptoProvider.set(crypto);
  const now = new Date(Date.now() - 60_000);
  const tenYears = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const caKeys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=edgeplane-ca",
    notBefore: now,
    notAfter: tenYears,
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const leaf = await servingCert("CN=edgeplane-apiserver", hosts, { name: ca.subject, key: caKeys.privateKey }, "02");
  const out: Pki = { caCert: ca.toString("pem") + "\n", ...leaf };
  writeFileSync(files.caCert, out.caCert);
  writeFileSync(files.cert, out.cert);
  writeFileSync(files.key, out.key, { mode: 0o600 });
  return out;
}
