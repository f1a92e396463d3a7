/**
 * The hashes controllers name things by (controller.ComputeHash: the
 * pod-template-hash of Deployments, the controller-revision-hash of
 * StatefulSets and DaemonSets): FNV-32a of the object plus the collision
 * count, rendered with rand.SafeEncodeString's alphabet. The object is
 * hashed as canonical JSON (sorted keys), so equal templates always hash
 * alike; the values differ from Kubernetes' (which hashes Go's dump of the
 * struct) but are as stable.
 */
import { canonicalJson, fnv32a, SAFE_ALPHABET } from "../../apimachinery/hash.js";

const ALPHANUMS = SAFE_ALPHABET;

export { canonicalJson, fnv32a };

/** rand.SafeEncodeString. */
export const safeEncodeString = (s: string): string => [...s].map((c) => ALPHANUMS[c.codePointAt(0)! % ALPHANUMS.length]).join("");

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
