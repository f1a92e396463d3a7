/**
 * The pod sandbox's "pause" image, made here rather than pulled: edge hosts
 * often reach no registry, and the image is just a process that sleeps
 * forever holding the pod's network and IPC namespaces. We emit a minimal
 * static ELF executable (one PT_LOAD segment, a three-instruction loop) for
 * the host's architecture and wrap it in a one-file tar for the engine's
 * image import.
 */
import { arch as osArch } from "node:os";
import { tar } from "./tar.js";

/** The image the sandboxes run; a fixed non-latest tag so it is never pulled. */
export const PAUSE_IMAGE = "localhost/edgeplane/pause:1";
/** Path of the executable inside the image. */
export const PAUSE_PATH = "/pause";

export type PauseArch = "x64" | "arm64";

const BASE = 0x400000n;
const EHDR = 64;
const PHDR = 56;

/**
 * The loop. x86_64: `mov eax, 34 (pause); syscall; jmp loop`.
 * aarch64 has no pause(2): `ppoll(NULL, 0, NULL, NULL, 0)` (nr 73) in a loop;
 * the arguments are reloaded each time since x0 holds the return value.
 */
function code(arch: PauseArch): Uint8Array {
  if (arch === "x64") return Uint8Array.of(0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7);
  const words = [
    0xd2800000, // mov x0, #0
    0xd2800001, // mov x1, #0
    0xd2800002, // mov x2, #0
    0xd2800003, // mov x3, #0
    0xd2800004, // mov x4, #0
    0xd2800928, // mov x8, #73 (ppoll)
    0xd4000001, // svc #0
    0x17fffff9, // b -7 instructions
  ];
  const out = new Uint8Array(words.length * 4);
  const v = new DataView(out.buffer);
  words.forEach((w, i) => v.setUint32(i * 4, w, true));
  return out;
}

/** The whole static ELF64 executable for `arch`. */
export function pauseElf(arch: PauseArch = hostArch()): Uint8Array {
  const body = code(arch);
  const size = EHDR + PHDR + body.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2 /* 64-bit */, 1 /* little endian */, 1 /* version */, 0 /* System V */]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, arch === "x64" ? 62 : 183, true); // EM_X86_64 / EM_AARCH64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BASE + BigInt(EHDR + PHDR), true); // entry
  v.setBigUint64(32, BigInt(EHDR), true); // program headers right after this header
  v.setBigUint64(40, 0n, true); // no section headers
  v.setUint32(48, 0, true);
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, 1, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, 0, true);
  v.setUint16(62, 0, true);
  // PT_LOAD of the whole file, read + execute, at BASE.
  const p = EHDR;
  v.setUint32(p, 1, true);
  v.setUint32(p + 4, 5, true);
  v.setBigUint64(p + 8, 0n, true);
  v.setBigUint64(p + 16, BASE, true);
  v.setBigUint64(p + 24, BASE, true);
  v.setBigUint64(p + 32, BigInt(size), true);
  v.setBigUint64(p + 40, BigInt(size), true);
  v.setBigUint64(p + 48, 0x10000n, true); // 64 KiB: fine for 4K and 64K page kernels
  out.set(body, EHDR + PHDR);
  return out;
}

export function hostArch(): PauseArch {
  const a = osArch();
  if (a === "x64" || a === "arm64") return a;
  throw new Error(`no pause executable for architecture ${a} (only x64 and arm64)`);
}

/** The image's root filesystem as a tar archive: just /pause. */
export function pauseRootfsTar(arch: PauseArch = hostArch()): Uint8Array {
  return tar([{ name: PAUSE_PATH.slice(1), type: "file", mode: 0o755, data: pauseElf(arch) }]);
}
