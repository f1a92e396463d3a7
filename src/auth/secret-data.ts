/** Reading a Secret's base64 data as text (the token Secrets' fields). */
import type { KObject } from "../registry/types.js";

/** The decoded (UTF-8) value of a Secret's data key. */
export function secretValue(s: KObject, key: string): string | undefined {
  const v = (s.data as Record<string, string> | undefined)?.[key];
  if (v === undefined) return undefined;
  const bin = atob(v);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}
