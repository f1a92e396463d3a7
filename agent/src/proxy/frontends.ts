/**
 * The sockets of the userspace proxy: a TCP listener that splices every
 * accepted connection to a backend, and a UDP listener that keeps one
 * upstream socket per client address. Which backends to use and the counters
 * live in a PortState the listener reads at accept time, so endpoint changes
 * apply to the next connection with no listener change; connections already
 * spliced are left alone, as with conntrack.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { RelayDialer } from "./relay.js";
import { createSocket, type Socket as UdpSocket, type RemoteInfo } from "node:dgram";
import { endpointId, type Balancer, type Endpoint } from "./balancer.js";
import type { Protocol, ServicePort } from "./model.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type Log = (level: LogLevel, message: string) => void;

export interface Counters {
  /** Connections (TCP) or client sessions (UDP) accepted. */
  connections: number;
  /** Connections currently spliced to a backend. */
  active: number;
  /** Accepted connections that found no reachable backend, and failed backend connects. */
  errors: number;
  /** Connections refused at once because the port had no ready endpoints. */
  rejected: number;
}

export interface PortState {
  sp: ServicePort;
  balancer: Balancer;
  counters: Counters;
}

/** How long one backend gets to accept before the next is tried. */
const CONNECT_TIMEOUT_MS = 3_000;
/** A UDP client session with no traffic either way for this long is dropped. */
const UDP_IDLE_MS = 30_000;

export interface Frontend {
  readonly protocol: Protocol;
  /** Resolves once listening; rejects with the listen error (code EADDRINUSE etc.). */
  open(): Promise<void>;
  close(): void;
  /** The port state new traffic goes to (replaced when a Service is re-created on the same address). */
  state: PortState;
}

/** "::ffff:10.0.0.1" → "10.0.0.1", so affinity keys match however the socket reports. */
const clientIP = (addr: string | undefined) => (addr?.startsWith("::ffff:") ? addr.slice(7) : (addr ?? ""));

export class TcpFrontend implements Frontend {
  readonly protocol = "TCP" as const;
  private server?: Server;
  private readonly sockets = new Set<Duplex>();

  constructor(
    readonly host: string,
    readonly port: number,
    public state: PortState,
    private readonly log: Log,
    private readonly relay?: RelayDialer,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (c) => this.accept(c));
      const onError = (e: Error) => {
        server.close();
        reject(e);
      };
      server.once("error", onError);
      server.listen({ host: this.host, port: this.port }, () => {
        server.off("error", onError);
        server.on("error", (e) => this.log("warn", `proxy ${this.host}:${this.port}/TCP: ${e.message}`));
        this.server = server;
        resolve();
      });
    });
  }

  /** Stop listening and drop the connections it carries. */
  close(): void {
    this.server?.close();
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(s: Duplex) {
    this.sockets.add(s);
    s.once("close", () => this.sockets.delete(s));
  }

  private accept(client: Socket): void {
    const st = this.state;
    const ip = clientIP(client.remoteAddress);
    st.counters.connections++;
    client.on("error", () => {});
    const candidates = st.balancer.candidates(ip);
    if (!candidates.length) {
      // Kubernetes rejects connections to a Service without ready endpoints.
      st.counters.rejected++;
      client.resetAndDestroy();
      return;
    }
    this.track(client);
    client.setNoDelay(true);
    let i = 0;
    let upstream: Duplex | undefined;
    let spliced = false;
    // Until spliced, a client that goes away takes the pending backend connect with it.
    client.once("close", () => {
      if (!spliced) upstream?.destroy();
    });
    const attempt = () => {
      if (client.destroyed) return;
      if (i >= candidates.length) {
        st.counters.errors++;
        client.resetAndDestroy();
        return;
      }
      const ep = candidates[i++];
      // Another node's pod: through the control plane (its IP is not routable from here).
      const up: Duplex = ep.relay && this.relay ? this.relay({ namespace: ep.relay.namespace, pod: ep.relay.pod, port: ep.port }) : connect({ host: ep.ip, port: ep.port, allowHalfOpen: true, noDelay: true });
      upstream = up;
      const timer = setTimeout(() => up.destroy(new Error("connect timeout")), CONNECT_TIMEOUT_MS);
      const failed = (e: Error) => {
        clearTimeout(timer);
        up.destroy();
        st.counters.errors++;
        this.log("debug", `proxy ${st.sp.key}: backend ${endpointId(ep)}: ${e.message}`);
        attempt();
      };
      up.once("error", failed);
      up.once("connect", () => {
        clearTimeout(timer);
        up.off("error", failed);
        if (client.destroyed) {
          up.destroy();
          return;
        }
        spliced = true;
        st.balancer.connected(ip, ep);
        this.splice(client, up, st);
      });
    };
    attempt();
  }

  /** Bytes both ways with half-close kept; an error on either side tears down both. */
  private splice(client: Socket, up: Duplex, st: PortState): void {
    this.track(up);
    st.counters.active++;
    let closed = 0;
    const onClose = () => {
      if (++closed === 2) st.counters.active--;
    };
    client.once("close", onClose);
    up.once("close", onClose);
    up.on("error", () => client.resetAndDestroy());
    client.on("error", () => ("resetAndDestroy" in up ? (up as Socket).resetAndDestroy() : up.destroy()));
    client.pipe(up);
    up.pipe(client);
    client.resume();
  }
}

interface UdpSession {
  ep: Endpoint;
  sock: UdpSocket;
  timer: NodeJS.Timeout;
}

export class UdpFrontend implements Frontend {
  readonly protocol = "UDP" as const;
  private sock?: UdpSocket;
  private readonly sessions = new Map<string, UdpSession>();

  constructor(
    readonly host: string,
    readonly port: number,
    public state: PortState,
    private readonly log: Log,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const sock = createSocket({ type: "udp4" });
      const onError = (e: Error) => {
        sock.close();
        reject(e);
      };
      sock.once("error", onError);
      sock.bind({ address: this.host, port: this.port, exclusive: true }, () => {
        sock.off("error", onError);
        sock.on("error", (e) => this.log("warn", `proxy ${this.host}:${this.port}/UDP: ${e.message}`));
        sock.on("message", (msg, rinfo) => this.receive(msg, rinfo));
        this.sock = sock;
        resolve();
      });
    });
  }

  close(): void {
    for (const k of [...this.sessions.keys()]) this.end(k);
    this.sock?.close();
    this.sock = undefined;
  }

  private end(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    clearTimeout(s.timer);
    s.sock.close();
    this.state.counters.active--;
  }

  private receive(msg: Buffer, from: RemoteInfo): void {
    const st = this.state;
    const key = `${from.address}:${from.port}`;
    let s = this.sessions.get(key);
    // A session whose endpoint went away starts over (kube-proxy clears its conntrack entries).
    if (s && !st.balancer.has(s.ep)) {
      this.end(key);
      s = undefined;
    }
    if (!s) {
      const ep = st.balancer.candidates(from.address)[0];
      st.counters.connections++;
      if (!ep) {
        st.counters.rejected++;
        return;
      }
      st.balancer.connected(from.address, ep);
      const up = createSocket({ type: "udp4" });
      const session: UdpSession = { ep, sock: up, timer: setTimeout(() => this.end(key), UDP_IDLE_MS) };
      s = session;
      this.sessions.set(key, session);
      st.counters.active++;
      up.on("error", (e) => {
        st.counters.errors++;
        this.log("debug", `proxy ${st.sp.key}: backend ${endpointId(ep)}/UDP: ${e.message}`);
        this.end(key);
      });
      up.on("message", (reply, r) => {
        if (r.address !== ep.ip || r.port !== ep.port) return;
        session.timer.refresh();
        this.sock?.send(reply, from.port, from.address);
      });
    }
    s.timer.refresh();
    s.sock.send(msg, s.ep.port, s.ep.ip);
  }
}

export function makeFrontend(protocol: Protocol, host: string, port: number, state: PortState, log: Log, relay?: RelayDialer): Frontend {
  return protocol === "UDP" ? new UdpFrontend(host, port, state, log) : new TcpFrontend(host, port, state, log, relay);
}
