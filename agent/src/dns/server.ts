/**
 * The node's cluster DNS (what CoreDNS is to a cluster, here node-local):
 * UDP and TCP on the cluster DNS address (put on lo like the cluster IPs),
 * answering Service names from the proxy's own view of Services and
 * EndpointSlices (records.ts), and relaying every other name to the host's
 * resolvers. Pods get it as their nameserver through their dnsPolicy.
 * Two agents on one host: the second finds the address taken and retries,
 * so it serves once its sibling is gone (as the proxy's listeners do).
 */
import dgram from "node:dgram";
import net from "node:net";
import { readFileSync } from "node:fs";
import * as dnsPacket from "dns-packet";
import { answer, CLUSTER_DNS_IP, CLUSTER_DOMAIN, type ClusterView } from "./records.js";

const AA = 1 << 10;
const RD = 1 << 8;
const RA = 1 << 7;
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;
const TTL = 5;
const UPSTREAM_TIMEOUT_MS = 2_000;

type Log = (level: "info" | "warn", message: string) => void;

/** The host's nameservers from resolv.conf (never the cluster DNS itself). */
export function hostResolvers(text: string, self = CLUSTER_DNS_IP): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && m[1] !== self && net.isIP(m[1])) out.push(m[1]);
  }
  return out;
}

export interface ClusterDnsOptions {
  view: ClusterView;
  address?: string;
  port?: number;
  /** Resolvers for names outside the cluster (port 53 unless given); default: the host's /etc/resolv.conf. */
  upstream?: Array<string | { host: string; port: number }>;
  log?: Log;
  retryMs?: number;
}

export class ClusterDns {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  readonly address: string;
  readonly port: number;
  private readonly upstream: Array<{ host: string; port: number }>;
  private readonly log: Log;

  constructor(private readonly o: ClusterDnsOptions) {
    this.address = o.address ?? CLUSTER_DNS_IP;
    this.port = o.port ?? 53;
    this.log = o.log ?? (() => {});
    let conf = "";
    try {
      conf = readFileSync("/etc/resolv.conf", "utf8");
    } catch {
      /* no resolv.conf: cluster names only */
    }
    this.upstream = (o.upstream ?? hostResolvers(conf, this.address)).map((u) => (typeof u === "string" ? { host: u, port: 53 } : u));
  }

  /** Bind UDP and TCP; an address in use (a sibling agent) or not yet on lo is retried until stop(). */
  async start(): Promise<void> {
    await this.bind();
  }

  get serving(): boolean {
    return !!this.udp && !!this.tcp;
  }

  /** The ports bound (useful with port 0). */
  boundPorts(): { udp?: number; tcp?: number } {
    return { udp: this.udp?.address().port, tcp: (this.tcp?.address() as net.AddressInfo | null)?.port };
  }

  private async bind(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.udp) this.udp = await this.bindUdp();
      if (!this.tcp) this.tcp = await this.bindTcp();
      this.log("info", `dns: serving cluster names on ${this.address}:${this.port} (upstream ${this.upstream.map((u) => u.host).join(", ") || "none"})`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!this.timer) this.log("warn", `dns: cannot listen on ${this.address}:${this.port} (${code ?? (e as Error).message}); retrying`);
      this.timer = setTimeout(() => void this.bind(), this.o.retryMs ?? 3_000);
      this.timer.unref();
    }
  }

  private bindUdp(): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const s = dgram.createSocket("udp4");
      s.once("error", (e) => {
        s.close();
        reject(e);
      });
      s.on("message", (msg, rinfo) => {
        void this.handle(msg).then((out) => s.send(out, rinfo.port, rinfo.address), () => {});
      });
      s.bind(this.port, this.address, () => {
        s.removeAllListeners("error");
        s.on("error", (e) => this.log("warn", `dns: udp: ${e.message}`));
        resolve(s);
      });
    });
  }

  private bindTcp(): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((sock) => {
        let buf = Buffer.alloc(0);
        sock.on("data", (d) => {
          buf = Buffer.concat([buf, d]);
          while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
            buf = buf.subarray(2 + msg.length);
            void this.handle(Buffer.from(msg)).then((out) => {
              const len = Buffer.alloc(2);
              len.writeUInt16BE(out.length);
              sock.write(Buffer.concat([len, out]));
            });
          }
        });
        sock.on("error", () => sock.destroy());
        sock.setTimeout(10_000, () => sock.destroy());
      });
      server.once("error", reject);
      server.listen(this.port, this.address, () => {
        server.removeAllListeners("error");
        resolve(server);
      });
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.udp?.close();
    this.tcp?.close();
    this.udp = this.tcp = undefined;
  }

  /** One query in, one response out (a cluster answer, or the upstream's). */
  async handle(msg: Buffer): Promise<Buffer> {
    let q: dnsPacket.Packet;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      // Unparseable: echo the id with FORMERR when there is one.
      const out = Buffer.alloc(12);
      if (msg.length >= 2) msg.copy(out, 0, 0, 2);
      out.writeUInt16BE(0x8001, 2);
      return out;
    }
    const question = q.questions?.[0];
    if (!question) return this.reply(q, RCODE.NOERROR, []);
    const a = answer(question.name, this.o.view, CLUSTER_DOMAIN);
    if (a.kind === "FORWARD") return this.forward(msg, q);
    if (a.kind === "NXDOMAIN") return this.reply(q, RCODE.NXDOMAIN, []);
    if (a.kind === "NODATA") return this.reply(q, RCODE.NOERROR, []);
    if (a.kind === "CNAME") return this.reply(q, RCODE.NOERROR, [{ type: "CNAME", name: question.name, ttl: TTL, class: "IN", data: a.target }]);
    if (question.type !== "A") return this.reply(q, RCODE.NOERROR, []);
    return this.reply(
      q,
      RCODE.NOERROR,
      a.ips.map((ip) => ({ type: "A" as const, name: question.name, ttl: TTL, class: "IN" as const, data: ip })),
    );
  }

  private reply(q: dnsPacket.Packet, rcode: number, answers: dnsPacket.Answer[]): Buffer {
    return dnsPacket.encode({ type: "response", id: q.id, flags: AA | RD | RA | rcode, questions: q.questions, answers });
  }

  /** Relay a query to the host's resolvers, in turn, over UDP. */
  private async forward(msg: Buffer, q: dnsPacket.Packet): Promise<Buffer> {
    for (const server of this.upstream) {
      const out = await new Promise<Buffer | undefined>((resolve) => {
        const s = dgram.createSocket(net.isIPv6(server.host) ? "udp6" : "udp4");
        const done = (b?: Buffer) => {
          clearTimeout(timer);
          s.close();
          resolve(b);
        };
        const timer = setTimeout(() => done(), UPSTREAM_TIMEOUT_MS);
        s.on("message", (b) => done(b));
        s.on("error", () => done());
        s.send(msg, server.port, server.host);
      });
      if (out) return out;
    }
    return dnsPacket.encode({ type: "response", id: q.id, flags: RD | RA | RCODE.SERVFAIL, questions: q.questions });
  }
}
