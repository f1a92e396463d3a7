/**
 * The ingress controller's fallback certificate (served for names no Ingress
 * TLS section covers, as ingress-nginx serves its "Fake Certificate"): a
 * self-signed ECDSA P-256 certificate made at start with node:crypto alone.
 * An X.509 library would be simpler to read but costs the agent ~16 MiB of
 * RSS (its idle budget is 60 MiB), so the few DER structures a minimal v3
 * certificate needs are written out here.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

/** A DER element: tag, definite length, content. */
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
const seq = (...parts: Buffer[]) => der(0x30, ...parts);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * a + b];
  for (const v of rest) {
    const enc = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) enc.unshift((x & 0x7f) | 0x80);
    bytes.push(...enc);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const s = `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(s.slice(2))) : der(0x18, Buffer.from(s));
}

const commonName = (cn: string) => seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, Buffer.from(cn)))));
const ECDSA_SHA256 = "1.2.840.10045.4.3.2";

export function selfSignedCert(cn: string, days = 3650): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const alg = seq(oid(ECDSA_SHA256));
  const serial = randomBytes(8);
  serial[0] &= 0x7f; // a positive INTEGER
  const now = Date.now();
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // version v3
    der(0x02, serial),
    alg,
    commonName(cn),
    seq(time(new Date(now - 60_000)), time(new Date(now + days * 86_400_000))),
    commonName(cn),
    publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, privateKey);
  const cert = seq(tbs, alg, der(0x03, Buffer.from([0]), signature));
  const b64 = cert.toString("base64").replace(/(.{64})/g, "$1\n").trim();
  return { cert: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`, key: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
}
