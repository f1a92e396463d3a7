/**
 * PEM blocks and a DER shape check for the API fields that carry X.509
 * material (a CertificateSigningRequest's request and certificate): enough
 * to refuse what is not a well-formed block of the right type with
 * Kubernetes' messages, and to read the few fields the control plane acts
 * on (a request's organizations, a certificate's notAfter), without an X.509
 * library in the Worker.
 */
import { base64Bytes } from "./bytes.js";

export interface PemBlock {
  type: string;
  /** Whether the block had RFC 1421 headers ("Proc-Type: …"), which Kubernetes refuses. */
  headers: boolean;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** The PEM blocks of a text, in order; a block whose body is not base64 is skipped, as Go's pem.Decode does. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const lines = m[2].split(/\r?\n/);
    const headers = lines.some((l) => l.includes(":"));
    const body = lines.filter((l) => !l.includes(":")).join("").trim();
    const der = base64Bytes(body);
    if (der) out.push({ type: m[1], headers, der });
  }
  return out;
}

/** The PEM blocks of an API bytes field (base64 of PEM text), or undefined when it is not base64. */
export function pemBlocksOfBase64(value: string): PemBlock[] | undefined {
  const pem = base64Bytes(value);
  return pem && pemBlocks(new TextDecoder().decode(pem));
}

/** One DER TLV at offset: its tag, where it begins (at) and where its content starts and ends, or undefined when malformed. */
export function tlv(der: Uint8Array, at: number): { tag: number; at: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at];
  let len = der[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > der.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    start += n;
  }
  const end = start + len;
  return end <= der.length ? { tag, at, start, end } : undefined;
}

/**
 * Whether der is one SEQUENCE filling the whole buffer whose elements are
 * SEQUENCE, SEQUENCE, BIT STRING: the signed envelope of both a PKCS#10
 * request and an X.509 certificate (what is signed, the algorithm, the signature).
 */
export function isSignedEnvelope(der: Uint8Array): boolean {
  const outer = tlv(der, 0);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return false;
  const tags = children(der, outer)?.map((c) => c.tag);
  return !!tags && tags.length === 3 && tags[0] === 0x30 && tags[1] === 0x30 && tags[2] === 0x03;
}

export type Tlv = NonNullable<ReturnType<typeof tlv>>;

/** The elements inside a constructed TLV, or undefined when one is malformed. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const el = tlv(der, at);
    if (!el || el.end > parent.end) return undefined;
    out.push(el);
    at = el.end;
  }
  return out;
}

/** The OID 2.5.4.10 (organizationName) as DER content bytes. */
const ORGANIZATION = [0x55, 0x04, 0x0a];

/**
 * The organizations (O=) in the subject of a PKCS#10 request's DER: what
 * Kubernetes reads as the groups of a client certificate. Empty when the
 * request is malformed.
 */
export function requestOrganizations(der: Uint8Array): string[] {
  const outer = tlv(der, 0);
  const info = outer && children(der, outer)?.[0];
  // CertificationRequestInfo: version, subject (a SEQUENCE of SETs of SEQUENCE { OID, value }), key, attributes.
  const subject = info && children(der, info)?.[1];
  const out: string[] = [];
  for (const rdn of (subject && children(der, subject)) ?? []) {
    for (const atv of children(der, rdn) ?? []) {
      const [oid, value] = children(der, atv) ?? [];
      if (!oid || !value || oid.tag !== 0x06) continue;
      const id = der.subarray(oid.start, oid.end);
      if (id.length === ORGANIZATION.length && ORGANIZATION.every((b, i) => id[i] === b)) out.push(new TextDecoder().decode(der.subarray(value.start, value.end)));
    }
  }
  return out;
}

/** UTCTime (YYMMDDHHMMSSZ, 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ): what RFC 5280 allows in a validity. */
function derTime(der: Uint8Array, t: Tlv): number | undefined {
  const s = new TextDecoder().decode(der.subarray(t.start, t.end));
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) return undefined;
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year >= 50 ? 1900 : 2000;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** When an X.509 certificate's DER stops being valid (its notAfter, ms since the epoch), or undefined when malformed. */
export function certificateNotAfter(der: Uint8Array): number | undefined {
  const outer = tlv(der, 0);
  const tbs = outer && children(der, outer)?.[0];
  const fields = tbs && children(der, tbs);
  if (!fields) return undefined;
  // TBSCertificate: [0] version (absent for v1), serialNumber, signature, issuer, validity { notBefore, notAfter }, …
  const validity = fields[fields[0]?.tag === 0xa0 ? 4 : 3];
  const notAfter = validity && validity.tag === 0x30 ? children(der, validity)?.[1] : undefined;
  return notAfter && derTime(der, notAfter);
}
