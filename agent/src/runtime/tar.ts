/**
 * A tiny ustar writer: the agent builds its own pause image (and tests their
 * busybox image) in memory and hands the archive to the engine, because no
 * registry is reachable from an edge host and an npm tar package would cost
 * memory the agent does not have. Only what image import needs: regular
 * files, directories and symlinks, names up to 255 bytes.
 */

export interface TarEntry {
  /** Path inside the archive, without a leading "/" (directories may end in "/"). */
  name: string;
  type: "file" | "dir" | "symlink";
  /** Defaults: 0o644 files, 0o755 directories, 0o777 symlinks. */
  mode?: number;
  data?: Uint8Array;
  /** Symlink target. */
  target?: string;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch (default 0, so archives are reproducible). */
  mtime?: number;
}

const BLOCK = 512;
const enc = new TextEncoder();

/** Write `value` as a NUL-terminated, zero-padded octal field of `width` bytes. */
function octal(buf: Uint8Array, off: number, width: number, value: number): void {
  const s = value.toString(8).padStart(width - 1, "0");
  if (s.length > width - 1) throw new Error(`tar: value ${value} does not fit in ${width} bytes`);
  buf.set(enc.encode(s), off);
  buf[off + width - 1] = 0;
}

function text(buf: Uint8Array, off: number, width: number, value: string, what: string): void {
  const b = enc.encode(value);
  if (b.length > width) throw new Error(`tar: ${what} "${value}" is longer than ${width} bytes`);
  buf.set(b, off);
}

/** Split a long path into ustar's prefix (≤155) and name (≤100) at a "/". */
function splitName(path: string): [prefix: string, name: string] {
  if (enc.encode(path).length <= 100) return ["", path];
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== "/") continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(name).length <= 100 && name) return [prefix, name];
  }
  throw new Error(`tar: path "${path}" is too long for ustar`);
}

/** The 512-byte ustar header of one entry. */
export function tarHeader(e: TarEntry): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const size = e.type === "file" ? (e.data?.length ?? 0) : 0;
  const name = e.type === "dir" && !e.name.endsWith("/") ? `${e.name}/` : e.name;
  const [prefix, short] = splitName(name.replace(/^\/+/, ""));
  text(h, 0, 100, short, "name");
  octal(h, 100, 8, e.mode ?? (e.type === "dir" ? 0o755 : e.type === "symlink" ? 0o777 : 0o644));
  octal(h, 108, 8, e.uid ?? 0);
  octal(h, 116, 8, e.gid ?? 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, e.mtime ?? 0);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h[156] = e.type === "dir" ? 0x35 : e.type === "symlink" ? 0x32 : 0x30;
  if (e.type === "symlink") text(h, 157, 100, e.target ?? "", "link target");
  text(h, 257, 6, "ustar\0", "magic");
  text(h, 263, 2, "00", "version");
  text(h, 265, 32, "root", "uname");
  text(h, 297, 32, "root", "gname");
  text(h, 345, 155, prefix, "prefix");
  let sum = 0;
  for (const b of h) sum += b;
  const s = sum.toString(8).padStart(6, "0");
  h.set(enc.encode(s), 148);
  h[154] = 0;
  h[155] = 0x20;
  return h;
}

/** A complete archive: headers, data padded to 512 bytes, two zero blocks at the end. */
export function tar(entries: TarEntry[]): Uint8Array {
  let total = 2 * BLOCK;
  for (const e of entries) total += BLOCK + (e.type === "file" ? Math.ceil((e.data?.length ?? 0) / BLOCK) * BLOCK : 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const e of entries) {
    out.set(tarHeader(e), off);
    off += BLOCK;
    if (e.type === "file" && e.data) {
      out.set(e.data, off);
      off += Math.ceil(e.data.length / BLOCK) * BLOCK;
    }
  }
  return out;
}
