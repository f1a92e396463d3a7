/**
 * The hashes controllers name things by (controller.ComputeHash: the
 * pod-template-hash of Deployments, the controller-revision-hash of
 * StatefulSets and DaemonSets): FNV-32a of the object plus the collision
 * count, rendered with rand.SafeEncodeString's alphabet. The object is
 * hashed as canonical JSON (sorted keys), so equal templates always hash
 * alike; the values differ from Kubernetes' (which hashes Go's dump of the
 * struct) but are as stable.
 */
import { fnv32a, SAFE_ALPHABET } from "../../apimachinery/hash.js";

const ALPHANUMS = SAFE_ALPHABET;

export { fnv32a };

/** rand.SafeEncodeString. */
export const safeEncodeString = (s: string): string => [...s].map((c) => ALPHANUMS[c.codePointAt(0)! % ALPHANUMS.length]).join("");

/** JSON with object keys sorted and undefined members dropped: one text per value. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** controller.ComputeHash(template, collisionCount). */
export function computeHash(obj: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(obj)));
  if (collisionCount !== undefined) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
