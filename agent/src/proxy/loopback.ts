/**
 * Makes cluster IPs local addresses of this host by putting them on the
 * loopback device with iproute2 (`ip addr add <ip>/32 dev lo`), so the proxy
 * can listen on them and pods reach them through their default gateway.
 * Adding is idempotent ("already there" is success) and needs CAP_NET_ADMIN;
 * the first "not permitted" (or a missing `ip`) marks the feature
 * unavailable so the caller logs it once and serves node ports only.
 */
import { execFile } from "node:child_process";

export interface IpResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ip` with the given arguments; replaceable in tests. */
export type IpRunner = (args: string[]) => Promise<IpResult>;

export const runIp: IpRunner = (args) =>
  new Promise((resolve) => {
    execFile("ip", args, { timeout: 5_000 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      const code = !e ? 0 : typeof e.code === "number" ? e.code : -1;
      resolve({ code, stdout: String(stdout), stderr: e && typeof e.code === "string" ? `${e.code}: ${e.message}` : String(stderr) });
    });
  });

const EXISTS = /File exists|already assigned/i;
const MISSING = /Cannot assign|not found|No such/i;
const DENIED = /not permitted|Permission denied|ENOENT|EACCES/i;

export class LoopbackAddresses {
  /** false once adding was refused for lack of privilege (or no `ip`); the reason is in `why`. */
  available = true;
  why = "";

  constructor(
    private readonly run: IpRunner = runIp,
    private readonly device = "lo",
  ) {}

  /** Ensure ip/32 is on the device; true when it is (or already was). */
  async add(ip: string): Promise<boolean> {
    if (!this.available) return false;
    const r = await this.run(["addr", "add", `${ip}/32`, "dev", this.device]);
    if (r.code === 0 || EXISTS.test(r.stderr)) return true;
    if (DENIED.test(r.stderr)) {
      this.available = false;
      this.why = r.stderr.trim();
    }
    throw new Error(`ip addr add ${ip}/32 dev ${this.device}: ${r.stderr.trim() || `exit ${r.code}`}`);
  }

  /** Remove ip/32 from the device; an address already gone is fine. */
  async remove(ip: string): Promise<void> {
    if (!this.available) return;
    const r = await this.run(["addr", "del", `${ip}/32`, "dev", this.device]);
    if (r.code === 0 || MISSING.test(r.stderr)) return;
    throw new Error(`ip addr del ${ip}/32 dev ${this.device}: ${r.stderr.trim() || `exit ${r.code}`}`);
  }

  /** The IPv4 addresses on the device now. */
  async list(): Promise<Set<string>> {
    const r = await this.run(["-4", "-o", "addr", "show", "dev", this.device]);
    const out = new Set<string>();
    if (r.code !== 0) return out;
    for (const m of r.stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\//g)) out.add(m[1]);
    return out;
  }
}
