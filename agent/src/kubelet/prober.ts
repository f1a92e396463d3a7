/**
 * Liveness, readiness and startup probes (exec, httpGet, tcpSocket) with
 * Kubernetes' timings: initialDelaySeconds, periodSeconds, timeoutSeconds,
 * successThreshold, failureThreshold. One timer per probe; a result that
 * changes the container's state calls back so the pod is synced at once.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import type { Probe, Container } from "kubernetes-types/core/v1";

export type ProbeKind = "liveness" | "readiness" | "startup";

export interface ProbeTarget {
  podIP: string;
  /** Runs a command in the container: exit code and output. */
  exec(cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
}

export interface ProbeResult {
  ok: boolean;
  message: string;
  /** The container is not (yet) running as the kubelet sees it: no result this period. */
  skip?: boolean;
}

/** prober_probe_total for the agent's /metrics: "Liveness|successful" → count. */
export const probeResults = new Map<string, number>();
const countProbe = (kind: ProbeKind, result: "successful" | "failed") => {
  const k = `${kind[0].toUpperCase()}${kind.slice(1)}|${result}`;
  probeResults.set(k, (probeResults.get(k) ?? 0) + 1);
};

/** Thrown by a target that cannot probe right now (container not running yet). */
export class ProbeSkip extends Error {}

function portOf(c: Container, port: number | string | undefined): number {
  if (typeof port === "number") return port;
  const named = c.ports?.find((p) => p.name === port)?.containerPort;
  return named ?? Number(port);
}

/** Run one probe once. */
export async function runProbe(p: Probe, c: Container, t: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  if (p.exec) {
    try {
      const r = await t.exec(p.exec.command ?? [], timeoutMs);
      return r.exitCode === 0 ? { ok: true, message: "" } : { ok: false, message: r.output.trim() || `command ${JSON.stringify(p.exec.command)} exited with ${r.exitCode}` };
    } catch (e) {
      if (e instanceof ProbeSkip) return { ok: false, message: "", skip: true };
      return { ok: false, message: `command timed out or failed: ${(e as Error).message}` };
    }
  }
  if (p.httpGet) {
    const g = p.httpGet;
    const scheme = (g.scheme ?? "HTTP").toLowerCase();
    const url = `${scheme}://${g.host || t.podIP}:${portOf(c, g.port)}${g.path ?? "/"}`;
    return new Promise((resolve) => {
      const mod = scheme === "https" ? https : http;
      const headers: Record<string, string> = { "user-agent": "kube-probe/1.30", accept: "*/*" };
      for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
      const req = mod.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true, message: "" } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on("timeout", () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
      req.on("error", (e) => resolve({ ok: false, message: e.message.startsWith("Get ") ? e.message : `Get "${url}": ${e.message}` }));
    });
  }
  if (p.tcpSocket) {
    const port = portOf(c, p.tcpSocket.port);
    const host = p.tcpSocket.host || t.podIP;
    return new Promise((resolve) => {
      const s = net.connect({ host, port, timeout: timeoutMs });
      s.on("connect", () => {
        s.destroy();
        resolve({ ok: true, message: "" });
      });
      s.on("timeout", () => {
        s.destroy();
        resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
      });
      s.on("error", (e) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${e.message}` }));
    });
  }
  return { ok: false, message: "probe has no handler this node supports (exec, httpGet, tcpSocket)" };
}

/**
 * A probe's loop: waits initialDelaySeconds, then probes every periodSeconds;
 * reports `onChange(success)` when the success/failure thresholds flip the state.
 */
export class ProbeWorker {
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  state: boolean | undefined;

  constructor(
    readonly kind: ProbeKind,
    private probe: Probe,
    private container: Container,
    private target: ProbeTarget,
    private onChange: (ok: boolean, message: string) => void,
    private onFailure: (message: string) => void,
  ) {
    this.timer = setTimeout(() => void this.tick(), (probe.initialDelaySeconds ?? 0) * 1000);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const r = await runProbe(this.probe, this.container, this.target);
    if (this.stopped) return;
    if (r.skip) {
      // not running (yet): try again next period without counting
    } else if (r.ok) {
      countProbe(this.kind, "successful");
      this.successes++;
      this.failures = 0;
      if (this.state !== true && this.successes >= (this.probe.successThreshold ?? 1)) {
        this.state = true;
        this.onChange(true, "");
      }
    } else {
      countProbe(this.kind, "failed");
      this.failures++;
      this.successes = 0;
      this.onFailure(r.message);
      if (this.state !== false && this.failures >= (this.probe.failureThreshold ?? 3)) {
        this.state = false;
        this.onChange(false, r.message);
      }
    }
    this.timer = setTimeout(() => void this.tick(), (this.probe.periodSeconds ?? 10) * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
