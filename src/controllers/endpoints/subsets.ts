/**
 * Endpoints subsets in the canonical form the endpoints controller writes
 * (endpoints.RepackSubsets): each port is grouped with exactly the set of
 * addresses serving it, ports sharing one address set form one subset, and
 * everything is sorted so that an unchanged cluster yields an identical
 * object (and so no write). Truncation to 1000 addresses is here too.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset } from "kubernetes-types/core/v1";

/** One pod's contribution: its address, readiness and resolved ports ([] for a headless Service without ports). */
export interface Backend {
  address: EndpointAddress;
  ready: boolean;
  ports: EndpointPort[];
}

const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ""}`;
const portKey = (p: EndpointPort) => `${p.name ?? ""}/${p.port}/${p.protocol ?? ""}/${p.appProtocol ?? ""}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Entry = { address: EndpointAddress; ready: boolean };

export function repackSubsets(backends: Backend[]): EndpointSubset[] {
  // port → the addresses serving it (ready wins if an address is listed twice).
  const byPort = new Map<string, { port?: EndpointPort; addrs: Map<string, Entry> }>();
  for (const b of backends) {
    for (const port of b.ports.length ? b.ports : [undefined]) {
      const pk = port ? portKey(port) : "";
      let e = byPort.get(pk);
      if (!e) byPort.set(pk, (e = { port, addrs: new Map() }));
      const ak = addressKey(b.address);
      e.addrs.set(ak, { address: e.addrs.get(ak)?.address ?? b.address, ready: !!e.addrs.get(ak)?.ready || b.ready });
    }
  }
  // address set → the ports it serves.
  const bySet = new Map<string, { ports: EndpointPort[]; addrs: Entry[] }>();
  for (const { port, addrs } of byPort.values()) {
    const sk = [...addrs].map(([k, e]) => `${k}=${e.ready}`).sort().join(",");
    let g = bySet.get(sk);
    if (!g) bySet.set(sk, (g = { ports: [], addrs: [...addrs.values()] }));
    if (port) g.ports.push(port);
  }
  const subsets = [...bySet.values()].map(({ ports, addrs }) => {
    const sorted = addrs.sort((a, b) => cmp(a.address.ip, b.address.ip) || cmp(a.address.targetRef?.uid ?? "", b.address.targetRef?.uid ?? ""));
    const s: EndpointSubset = {};
    const ready = sorted.filter((e) => e.ready).map((e) => e.address);
    const notReady = sorted.filter((e) => !e.ready).map((e) => e.address);
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (ports.length) s.ports = ports.sort((a, b) => cmp(portKey(a), portKey(b)));
    return s;
  });
  const subsetKey = (s: EndpointSubset) => `${(s.ports ?? []).map(portKey).join(",")}|${addressKey((s.addresses ?? s.notReadyAddresses ?? [])[0])}`;
  return subsets.sort((a, b) => cmp(subsetKey(a), subsetKey(b)));
}

/** maxCapacity: an Endpoints object lists at most this many addresses. */
const MAX_ADDRESSES = 1000;

/**
 * truncateEndpoints: cut the subsets down to MAX_ADDRESSES, keeping ready
 * addresses first, each subset keeping its proportional share (rounded up,
 * so the last ones may get fewer). Returns whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  const count = (f: (s: EndpointSubset) => EndpointAddress[] | undefined) => subsets.reduce((n, s) => n + (f(s)?.length ?? 0), 0);
  const totalReady = count((s) => s.addresses);
  const totalNotReady = count((s) => s.notReadyAddresses);
  if (totalReady + totalNotReady <= MAX_ADDRESSES) return false;
  const truncateReady = totalReady > MAX_ADDRESSES;
  const max = truncateReady ? MAX_ADDRESSES : MAX_ADDRESSES - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const list = (truncateReady ? s.addresses : s.notReadyAddresses) ?? [];
    const share = Math.min(Math.ceil((list.length / numTotal) * max), canBeAdded);
    const kept = list.slice(0, share);
    canBeAdded -= kept.length;
    const field = truncateReady ? "addresses" : "notReadyAddresses";
    if (kept.length) s[field] = kept;
    else delete s[field];
    if (truncateReady) delete s.notReadyAddresses;
  }
  return true;
}
