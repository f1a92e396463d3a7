/**
 * What the control plane can ask of a node over the agent's own outbound
 * tunnel (no inbound port on the node): the kubelet API's streaming calls
 * behind `kubectl logs`, `exec`, `attach` and `port-forward`. The tunnel
 * client (client.ts) decodes requests and calls these; the kubelet
 * implements them over its runtime.
 */
import type { ExecSession } from "../runtime/types.js";

/** A Kubernetes-style failure the handler raises; the tunnel turns it into a metav1.Status. */
export class NodeStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container?: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC 3339 */
  sinceTime?: string;
  timestamps: boolean;
  limitBytes?: number;
}

export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export type AttachRequest = Omit<ExecRequest, "command">;

export interface PortForwardRequest {
  namespace: string;
  pod: string;
  port: number;
  /**
   * Speak TLS to the pod's port: the agent does the handshake and the stream
   * carries the plaintext (a Worker cannot do TLS over a tunnel). An admission
   * webhook's server is verified as `serverName` against `ca` (PEM); `insecure`
   * (pods/proxy to https:…) verifies nothing, as kube-apiserver's proxy.
   */
  tls?: { serverName?: string; ca?: string; insecure?: boolean };
}

/** A byte stream both ways (port-forward). */
export interface Duplex {
  write(data: Uint8Array): void;
  end(): void;
  onData(fn: (data: Uint8Array) => void): void;
  onEnd(fn: () => void): void;
}

export interface NodeHandlers {
  /** Reject with NodeStatusError (404 pod/container not found, 400 bad container name, ...). */
  logs(req: LogRequest, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  exec(req: ExecRequest): Promise<ExecSession>;
  attach(req: AttachRequest): Promise<ExecSession>;
  portForward(req: PortForwardRequest): Promise<Duplex>;
}
