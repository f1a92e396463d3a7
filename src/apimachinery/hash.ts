/** FNV-1a (32-bit): a small stable hash for names, template hashes and address derivation. */
export function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** Kubernetes' rand alphabet: no vowels, no 0/1/3 (no accidental words, no look-alikes). */
export const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
