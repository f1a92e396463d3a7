/**
 * Kubernetes' remote-command WebSocket protocol, as kubectl (≥ 1.30) and the
 * client libraries speak it to the API server for exec and attach: every
 * binary message starts with a channel byte (0 stdin, 1 stdout, 2 stderr,
 * 3 error, 4 resize; v5 adds 255 = "close channel <next byte>"). The error
 * channel carries the outcome once, just before the server closes: a
 * metav1.Status in v4/v5 (Success, or NonZeroExitCode with the exit code as a
 * cause, which kubectl turns into its own exit code), plain text before v4.
 * Kept apart from the relay so the byte-level rules are unit-testable.
 */

/** Subprotocols served, best first (kubectl asks only for v5; client-node offers v5..v1). */
export const CHANNEL_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

export const K8sChannel = { STDIN: 0, STDOUT: 1, STDERR: 2, ERROR: 3, RESIZE: 4, CLOSE: 255 } as const;

/** The subprotocols a Sec-WebSocket-Protocol request header offers (a comma-separated list). */
export function offeredProtocols(header: string | null): string[] {
  return (header ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Pick the protocol from a Sec-WebSocket-Protocol request header (a comma-separated offer). */
export function negotiateChannelProtocol(header: string | null): ChannelProtocol | undefined {
  const offered = offeredProtocols(header);
  return CHANNEL_PROTOCOLS.find((p) => offered.includes(p));
}

export type ClientMessage =
  | { kind: "stdin"; data: Uint8Array }
  | { kind: "resize"; cols: number; rows: number }
  | { kind: "close"; channel: number }
  | { kind: "ignore" };

/** Decode one binary message from the client. */
export function decodeClientMessage(msg: Uint8Array, protocol: ChannelProtocol): ClientMessage {
  if (msg.length === 0) return { kind: "ignore" };
  const ch = msg[0];
  if (ch === K8sChannel.STDIN) return { kind: "stdin", data: msg.subarray(1) };
  if (ch === K8sChannel.RESIZE) {
    try {
      const r = JSON.parse(new TextDecoder().decode(msg.subarray(1))) as { Width?: number; Height?: number };
      const cols = Number(r.Width);
      const rows = Number(r.Height);
      if (Number.isFinite(cols) && Number.isFinite(rows)) return { kind: "resize", cols, rows };
    } catch {
      /* a bad resize is dropped, as the kubelet does */
    }
    return { kind: "ignore" };
  }
  if (ch === K8sChannel.CLOSE && protocol === "v5.channel.k8s.io" && msg.length >= 2) return { kind: "close", channel: msg[1] };
  return { kind: "ignore" };
}

/** One outgoing message: the channel byte, then the bytes. */
export function channelMessage(channel: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + data.length);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

export type Outcome = { exitCode: number } | { error: { code: number; reason: string; message: string } };

/** What goes on the error channel at the end, or undefined for nothing (success before v4). */
export function outcomeMessage(outcome: Outcome, protocol: ChannelProtocol): Uint8Array | undefined {
  const v4 = protocol === "v4.channel.k8s.io" || protocol === "v5.channel.k8s.io";
  let body: unknown;
  let text: string | undefined;
  if ("exitCode" in outcome) {
    if (outcome.exitCode === 0) {
      if (!v4) return undefined;
      body = { metadata: {}, status: "Success" };
    } else {
      text = `command terminated with non-zero exit code: exit status ${outcome.exitCode}`;
      body = {
        metadata: {},
        status: "Failure",
        message: text,
        reason: "NonZeroExitCode",
        details: { causes: [{ reason: "ExitCode", message: String(outcome.exitCode) }] },
      };
    }
  } else {
    text = outcome.error.message;
    body = { metadata: {}, status: "Failure", message: text, reason: outcome.error.reason, code: outcome.error.code };
  }
  const payload = new TextEncoder().encode(v4 ? JSON.stringify(body) : (text ?? ""));
  return channelMessage(K8sChannel.ERROR, payload);
}
