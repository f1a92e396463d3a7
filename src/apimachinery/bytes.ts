/** Byte helpers shared by the stream code (watch coalescing, SPDY framing, the proxy's HTTP parser). */

/** The chunks as one array (the chunk itself when there is one). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Where `seq` first starts in `b`, or -1. */
export function indexOfBytes(b: Uint8Array, seq: readonly number[]): number {
  outer: for (let i = 0; i + seq.length <= b.length; i++) {
    for (let j = 0; j < seq.length; j++) if (b[i + j] !== seq[j]) continue outer;
    return i;
  }
  return -1;
}

/** Standard base64 of bytes (btoa takes a binary string; built in chunks, as spreading a large array overflows the stack). */
export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The bytes of standard base64 (atob gives a binary string). */
export const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Whether a string is standard, padded base64 (what a JSON []byte field must hold). */
export const isBase64 = (s: string): boolean => s.length % 4 === 0 && BASE64.test(s);

/** Standard base64 (whitespace ignored, as in PEM bodies) to bytes, or undefined when it is not base64. */
export function base64Bytes(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, "");
  return isBase64(clean) ? fromBase64(clean) : undefined;
}
