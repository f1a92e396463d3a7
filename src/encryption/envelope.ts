/**
 * Encryption at rest, as Kubernetes' EncryptionConfiguration with an aesgcm
 * provider: a keyring from the ENCRYPTION_KEYS secret
 * ("k2:<base64 key>,k1:<base64 key>"), whose first key encrypts and all of
 * which decrypt, so keys rotate by prepending a new one and re-encrypting.
 * A stored value is text, "enc:aesgcm:<key id>:<base64 of iv ‖ ciphertext>",
 * the key id telling which key opens it; the object's resource and name are
 * the authenticated data, so a value cannot be moved to another object.
 * WebCrypto only (AES-GCM, 96-bit random IVs): nothing here is hand-rolled.
 */
import { fromBase64, toBase64 } from "../apimachinery/bytes.js";

export const SEALED_PREFIX = "enc:";
const SCHEME = "aesgcm";

interface Key {
  id: string;
  key: CryptoKey;
}

export interface Keyring {
  primary: Key;
  byId: Map<string, Key>;
}

export class EncryptionError extends Error {}


/** Parse ENCRYPTION_KEYS; null when unset (the identity provider: stored as is). */
export async function keyring(spec: string | undefined): Promise<Keyring | null> {
  const entries = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (!entries.length) return null;
  const byId = new Map<string, Key>();
  let primary: Key | undefined;
  for (const e of entries) {
    const i = e.indexOf(":");
    const id = e.slice(0, i);
    if (i <= 0 || !/^[A-Za-z0-9_-]+$/.test(id)) throw new EncryptionError(`ENCRYPTION_KEYS: entry "${id || e.slice(0, 8)}" is not <id>:<base64 key>`);
    let raw: Uint8Array;
    try {
      raw = fromBase64(e.slice(i + 1));
    } catch {
      throw new EncryptionError(`ENCRYPTION_KEYS: key "${id}" is not base64`);
    }
    if (![16, 24, 32].includes(raw.length)) throw new EncryptionError(`ENCRYPTION_KEYS: key "${id}" must be 16, 24 or 32 bytes, not ${raw.length}`);
    const key = { id, key: await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]) };
    if (byId.has(id)) throw new EncryptionError(`ENCRYPTION_KEYS: key id "${id}" appears twice`);
    byId.set(id, key);
    primary ??= key;
  }
  return { primary: primary!, byId };
}

export const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);

/** The key id a stored value was sealed with (undefined for plaintext). */
export function keyIdOf(stored: string): string | undefined {
  if (!isSealed(stored)) return undefined;
  return stored.split(":", 4)[2];
}

export async function seal(ring: Keyring, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) }, ring.primary.key, new TextEncoder().encode(plaintext)));
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return `${SEALED_PREFIX}${SCHEME}:${ring.primary.id}:${toBase64(out)}`;
}

/** Plaintext of a stored value; values stored before encryption was on come back as they are. */
export async function open(ring: Keyring | null, stored: string, context: string): Promise<string> {
  if (!isSealed(stored)) return stored;
  const [, scheme, id, body] = stored.split(":", 4);
  if (scheme !== SCHEME) throw new EncryptionError(`unknown encryption scheme "${scheme}"`);
  const key = ring?.byId.get(id);
  if (!key) throw new EncryptionError(`no key "${id}" in ENCRYPTION_KEYS to decrypt with`);
  const bytes = fromBase64(body ?? "");
  try {
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: new TextEncoder().encode(context) }, key.key, bytes.subarray(12));
    return new TextDecoder().decode(pt);
  } catch {
    throw new EncryptionError(`value does not decrypt with key "${id}" (corrupt, or sealed for another object)`);
  }
}

/** Which resources are sealed: ENCRYPTED_RESOURCES ("secrets,configmaps"), default just Secrets. */
export const encryptedResources = (spec: string | undefined) => new Set((spec ?? "secrets").split(",").map((s) => s.trim()).filter(Boolean));
