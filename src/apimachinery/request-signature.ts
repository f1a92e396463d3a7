/**
 * Whether a PKCS#10 request is signed by the key it carries, as Go's
 * CertificateRequest.CheckSignature (which kube-apiserver runs on every
 * CertificateSigningRequest): ECDSA P-256/P-384/P-521, RSA PKCS#1 v1.5 and
 * Ed25519 with SHA-256/384/512, verified with WebCrypto (so in the Worker,
 * not in the store's synchronous transaction).
 */
import { children, tlv, type Tlv } from "./pem.js";

const hex = (der: Uint8Array, t: Tlv) => [...der.subarray(t.start, t.end)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Signature algorithm OIDs (content bytes, hex) → what WebCrypto verifies with. */
const SIGNATURES: Record<string, { family: "ECDSA" | "RSA" | "Ed25519"; hash?: string }> = {
  "2a8648ce3d040302": { family: "ECDSA", hash: "SHA-256" },
  "2a8648ce3d040303": { family: "ECDSA", hash: "SHA-384" },
  "2a8648ce3d040304": { family: "ECDSA", hash: "SHA-512" },
  "2a864886f70d01010b": { family: "RSA", hash: "SHA-256" },
  "2a864886f70d01010c": { family: "RSA", hash: "SHA-384" },
  "2a864886f70d01010d": { family: "RSA", hash: "SHA-512" },
  "2b6570": { family: "Ed25519" },
};
/** Named curves (OID hex) → WebCrypto's name and the size of r and s. */
const CURVES: Record<string, [string, number]> = { "2a8648ce3d030107": ["P-256", 32], "2b81040022": ["P-384", 48], "2b81040023": ["P-521", 66] };
const FAILURE = { ECDSA: "x509: ECDSA verification failure", RSA: "crypto/rsa: verification error", Ed25519: "x509: Ed25519 verification failure" };

/** An ECDSA-Sig-Value (SEQUENCE of INTEGER r, s) as WebCrypto's r || s, each size bytes. */
function rawEcdsa(sig: Uint8Array, size: number): Uint8Array | undefined {
  const seq = tlv(sig, 0);
  const [r, s] = (seq && seq.tag === 0x30 && children(sig, seq)) || [];
  if (!r || !s || r.tag !== 0x02 || s.tag !== 0x02) return undefined;
  const out = new Uint8Array(2 * size);
  for (const [i, n] of [r, s].entries()) {
    let v = sig.subarray(n.start, n.end);
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    out.set(v, (i + 1) * size - v.length);
  }
  return out;
}

/** Undefined when the request is signed by its own key; else the reason, in Go's words. */
export async function requestSignatureError(der: Uint8Array): Promise<string | undefined> {
  const outer = tlv(der, 0);
  const [info, algId, sigBits] = (outer && children(der, outer)) || [];
  const sigAlg = algId && children(der, algId)?.[0];
  const spki = info && children(der, info)?.[2];
  const keyAlg = spki && children(der, spki)?.[0];
  const [keyOid, keyParam] = (keyAlg && children(der, keyAlg)) || [];
  if (!info || !sigAlg || !sigBits || sigBits.tag !== 0x03 || !spki || !keyOid) return "x509: malformed certificate request";
  const alg = SIGNATURES[hex(der, sigAlg)];
  if (!alg) return "x509: cannot verify signature: algorithm unimplemented";
  const signed = der.subarray(info.at, info.end);
  const spkiDer = der.subarray(spki.at, spki.end);
  // A BIT STRING's first content byte counts unused bits (0 for signatures).
  let signature: Uint8Array | undefined = der.subarray(sigBits.start + 1, sigBits.end);
  try {
    let key: CryptoKey;
    let params: Parameters<SubtleCrypto["verify"]>[0];
    if (alg.family === "ECDSA") {
      const curve = keyParam && CURVES[hex(der, keyParam)];
      if (!curve) return "x509: cannot verify signature: algorithm unimplemented";
      key = await crypto.subtle.importKey("spki", spkiDer, { name: "ECDSA", namedCurve: curve[0] }, false, ["verify"]);
      params = { name: "ECDSA", hash: alg.hash! };
      signature = rawEcdsa(signature, curve[1]);
      if (!signature) return FAILURE.ECDSA;
    } else if (alg.family === "RSA") {
      key = await crypto.subtle.importKey("spki", spkiDer, { name: "RSASSA-PKCS1-v1_5", hash: alg.hash! }, false, ["verify"]);
      params = { name: "RSASSA-PKCS1-v1_5" };
    } else {
      key = await crypto.subtle.importKey("spki", spkiDer, { name: "Ed25519" }, false, ["verify"]);
      params = { name: "Ed25519" };
    }
    return (await crypto.subtle.verify(params, key, signature, signed)) ? undefined : FAILURE[alg.family];
  } catch {
    // A key of another type than the signature's, or one WebCrypto cannot read.
    return FAILURE[alg.family];
  }
}

