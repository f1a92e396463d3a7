/**
 * How one service port picks a backend for a new connection, kept free of
 * sockets so it can be tested on its own: round-robin over the ready
 * endpoints, or, with sessionAffinity ClientIP, the endpoint a client IP last
 * used while that was less than the affinity timeout ago. The answer is an
 * ordered list of candidates, so a connect failure can fall through to the
 * next endpoint instead of failing the client.
 */

export interface Endpoint {
  ip: string;
  port: number;
  /** A pod on another node: reached through the control plane (relay.ts), not its IP. */
  relay?: { namespace: string; pod: string; node: string };
}

/** An endpoint's identity: its address, and for another node's pod that node too (hosts may reuse pod IPs). */
export const endpointId = (e: Endpoint) => `${e.relay ? `${e.relay.node}/` : ""}${e.ip.includes(":") ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`}`;

/** Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_SECONDS = 10_800;

export class Balancer {
  private endpoints: Endpoint[] = [];
  private ids = new Set<string>();
  private next = 0;
  /** client IP → pinned endpoint and when it was last used (ms). */
  private pins = new Map<string, { id: string; at: number }>();
  private picksSinceSweep = 0;

  constructor(
    private affinity = false,
    private timeoutMs = DEFAULT_AFFINITY_SECONDS * 1000,
  ) {}

  configure(affinity: boolean, timeoutMs: number): void {
    if (!affinity) this.pins.clear();
    this.affinity = affinity;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Replace the endpoint set. Order does not matter (they are sorted so that
   * the rotation is stable); pins to endpoints that are gone are dropped.
   */
  setEndpoints(eps: Endpoint[]): void {
    const byId = new Map(eps.map((e) => [endpointId(e), e]));
    this.endpoints = [...byId.keys()].sort().map((k) => byId.get(k)!);
    this.ids = new Set(byId.keys());
    if (this.endpoints.length) this.next %= this.endpoints.length;
    else this.next = 0;
    for (const [ip, pin] of this.pins) if (!byId.has(pin.id)) this.pins.delete(ip);
  }

  get size(): number {
    return this.endpoints.length;
  }

  has(ep: Endpoint): boolean {
    return this.ids.has(endpointId(ep));
  }

  list(): readonly Endpoint[] {
    return this.endpoints;
  }

  /**
   * The endpoints to try for a new connection from clientIP, best first
   * (empty when there are none). Advances the rotation unless an affinity
   * pin decided.
   */
  candidates(clientIP: string, now = Date.now()): Endpoint[] {
    const n = this.endpoints.length;
    if (!n) return [];
    if (this.affinity) {
      if (++this.picksSinceSweep >= 1024) this.sweep(now);
      const pin = this.pins.get(clientIP);
      if (pin && now - pin.at <= this.timeoutMs) {
        const i = this.endpoints.findIndex((e) => endpointId(e) === pin.id);
        if (i >= 0) return this.rotation(i);
      }
    }
    const start = this.next;
    this.next = (start + 1) % n;
    return this.rotation(start);
  }

  /** A connection from clientIP reached ep: (re)pin the client with ClientIP affinity. */
  connected(clientIP: string, ep: Endpoint, now = Date.now()): void {
    if (this.affinity) this.pins.set(clientIP, { id: endpointId(ep), at: now });
  }

  /** Drop expired pins (also done lazily as picks go by). */
  sweep(now = Date.now()): void {
    this.picksSinceSweep = 0;
    for (const [ip, pin] of this.pins) if (now - pin.at > this.timeoutMs) this.pins.delete(ip);
  }

  get pinned(): number {
    return this.pins.size;
  }

  private rotation(start: number): Endpoint[] {
    const n = this.endpoints.length;
    const out: Endpoint[] = [];
    for (let k = 0; k < n; k++) out.push(this.endpoints[(start + k) % n]);
    return out;
  }
}
