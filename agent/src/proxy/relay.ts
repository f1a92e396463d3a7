/**
 * Reaching a Service endpoint on another node. Hosts share no pod network
 * (each runtime's bridge is its own, often with the same subnet), so a
 * connection to a pod elsewhere goes through the control plane: a WebSocket
 * to the pod's pods/portforward offering v1.relay.edgeplane.dev, which the
 * pod's node tunnel turns into a TCP connection on that node. Outbound only,
 * like every connection of the agent, so it works from behind NAT. One
 * WebSocket per connection; its binary messages are the connection's bytes,
 * an empty one our half-close. The Duplex emits "connect" once the relay is
 * open, like a net.Socket, and may be written to before.
 */
import { Duplex } from "node:stream";
import WebSocket from "ws";
import { RELAY_PROTOCOL } from "../../../src/tunnel/frames.js";
import { statusMessage } from "../../../src/cli/kube-client.js";

export interface RelayTarget {
  namespace: string;
  pod: string;
  port: number;
}

export interface RelayOptions {
  server: string;
  token: string;
  ca?: string;
}

export type RelayDialer = (t: RelayTarget) => Duplex;

export function relayDialer(o: RelayOptions): RelayDialer {
  const base = o.server.replace(/^http/, "ws").replace(/\/$/, "");
  return (t) => {
    const url = `${base}/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/portforward?ports=${t.port}`;
    const ws = new WebSocket(url, [RELAY_PROTOCOL], { headers: { authorization: `Bearer ${o.token}` }, ...(o.ca ? { ca: o.ca } : {}) });
    const whenOpen = (fn: () => void) => (ws.readyState === WebSocket.CONNECTING ? ws.once("open", fn) : fn());
    const d = new Duplex({
      allowHalfOpen: true,
      read() {
        ws.resume();
      },
      write(chunk: Buffer, _enc, cb) {
        whenOpen(() => (ws.readyState === WebSocket.OPEN ? ws.send(chunk, cb) : cb(new Error("relay closed"))));
      },
      final(cb) {
        whenOpen(() => (ws.readyState === WebSocket.OPEN ? ws.send(Buffer.alloc(0), cb) : cb()));
      },
      destroy(err, cb) {
        ws.terminate();
        cb(err);
      },
    });
    ws.on("open", () => d.emit("connect"));
    ws.on("message", (data: Buffer) => {
      if (!d.push(data)) ws.pause();
    });
    ws.on("close", (code, reason) => {
      if (code === 1000 || code === 1005) d.push(null);
      else d.destroy(new Error(`relay to ${t.namespace}/${t.pod}:${t.port}: ${reason.toString() || `closed (${code})`}`));
    });
    ws.on("error", (e) => d.destroy(e));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => d.destroy(new Error(`relay to ${t.namespace}/${t.pod}:${t.port} refused (${res.statusCode}): ${statusMessage(body)}`)));
    });
    return d;
  };
}
