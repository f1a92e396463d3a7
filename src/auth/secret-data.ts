/** Reading a Secret's base64 data as text (the token Secrets' fields). */
import type { KObject } from "../registry/types.js";
import { fromBase64 } from "../apimachinery/bytes.js";

/** The decoded (UTF-8) value of a Secret's data key. */
export function secretValue(s: KObject, key: string): string | undefined {
  const v = (s.data as Record<string, string> | undefined)?.[key];
  if (v === undefined) return undefined;
  return new TextDecoder().decode(fromBase64(v));
}
