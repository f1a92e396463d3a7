/**
 * The ingress controller's routing, pure: from the Ingresses it serves, the
 * backend Kubernetes' Ingress rules pick for a request's host and path.
 * - Host: an exact host beats a wildcard (`*.example.com` covers exactly one
 *   more label), which beats rules without a host; the most specific host
 *   that has rules decides, as a virtual server would.
 * - Path: Exact matches the whole path; Prefix (and ImplementationSpecific)
 *   matches by path elements (`/foo` covers `/foo` and `/foo/bar`, not
 *   `/foobar`); the longest match wins, Exact before Prefix at equal length.
 * - Rules for the same host and path in several Ingresses: the oldest
 *   Ingress wins. No match: the oldest spec.defaultBackend, else none (404).
 */
import type { Ingress, IngressBackend } from "kubernetes-types/networking/v1";

export interface Backend {
  namespace: string;
  service: string;
  /** The Service port, by number or by name. */
  port: number | string;
}

interface Route {
  path: string;
  exact: boolean;
  backend: Backend;
}

const backendOf = (namespace: string, b: IngressBackend | undefined): Backend | undefined => {
  const s = b?.service;
  if (!s?.name || !s.port) return undefined;
  const port = s.port.number ?? s.port.name;
  return port === undefined || port === "" ? undefined : { namespace, service: s.name, port };
};

/** Path elements of a Prefix path: "/foo/" and "/foo" are the same prefix. */
const elements = (p: string) => p.split("/").filter(Boolean);

function prefixMatches(prefix: string[], path: string[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

/** Sorts Ingresses oldest first (then by namespace and name): who wins a contested host or path. */
const ingressAge = (i: Ingress) => `${i.metadata?.creationTimestamp ?? ""}\0${i.metadata?.namespace ?? ""}/${i.metadata?.name ?? ""}`;

export class RouteTable {
  /** Rules by host ("" for rules without one), in precedence order. */
  private hosts = new Map<string, Route[]>();
  private fallback?: Backend;

  /** The Ingresses it was built from, oldest first. */
  readonly ingresses: Ingress[];

  constructor(ingresses: Ingress[]) {
    this.ingresses = [...ingresses].sort((a, b) => ingressAge(a).localeCompare(ingressAge(b)));
    for (const ing of this.ingresses) {
      const ns = ing.metadata?.namespace ?? "default";
      this.fallback ??= backendOf(ns, ing.spec?.defaultBackend);
      for (const rule of ing.spec?.rules ?? []) {
        const host = (rule.host ?? "").toLowerCase();
        let routes = this.hosts.get(host);
        if (!routes) this.hosts.set(host, (routes = []));
        for (const p of rule.http?.paths ?? []) {
          const backend = backendOf(ns, p.backend);
          if (!backend) continue;
          const exact = p.pathType === "Exact";
          const path = exact ? (p.path ?? "/") : `/${elements(p.path ?? "/").join("/")}`;
          // The oldest Ingress keeps a host and path it claimed first.
          if (!routes.some((r) => r.exact === exact && r.path === path)) routes.push({ path, exact, backend });
        }
      }
    }
  }

  /** The routes for a Host header (port and case ignored): exact host, then wildcard, then host-less rules. */
  private routesFor(hostHeader: string): Route[] | undefined {
    const host = hostHeader.replace(/:\d+$/, "").toLowerCase();
    const exact = this.hosts.get(host);
    if (exact) return exact;
    const dot = host.indexOf(".");
    const wildcard = dot > 0 ? this.hosts.get(`*${host.slice(dot)}`) : undefined;
    return wildcard ?? this.hosts.get("");
  }

  /** The backend for a request, or undefined (404). */
  match(hostHeader: string, rawPath: string): Backend | undefined {
    const path = rawPath.split("?")[0] || "/";
    const parts = elements(path);
    let best: { route: Route; length: number } | undefined;
    for (const r of this.routesFor(hostHeader) ?? []) {
      let length: number;
      if (r.exact) {
        if (r.path !== path) continue;
        length = r.path.length;
      } else {
        if (!prefixMatches(elements(r.path), parts)) continue;
        length = r.path.length;
      }
      if (!best || length > best.length || (length === best.length && r.exact && !best.route.exact)) best = { route: r, length };
    }
    return best?.route.backend ?? this.fallback;
  }
}
