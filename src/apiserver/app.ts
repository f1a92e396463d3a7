/**
 * The API server: a Hono app whose every request goes through the same
 * stages as kube-apiserver's handler chain — authentication, request info,
 * authorization — before discovery, OpenAPI or the generic REST handler
 * (where admission and storage happen in the namespace's store).
 */
import { Hono, type Context } from "hono";
import type { Env } from "../env.js";
import { ApiError, errors } from "../apimachinery/status.js";
import { authenticate } from "./authn.js";
import { authorize, forbiddenMessage } from "./authz.js";
import { requestInfo, type RequestInfo } from "./request-info.js";
import { handleResource, readBody, bodyContentType, statusResponse } from "./rest.js";
import { aggregatedDiscovery, apiGroup1, apiGroupList, apiResourceList, apiVersions } from "./discovery.js";
import { openapiV2, openapiV2Proto, openapiV3Doc, openapiV3Index } from "./openapi.js";
import { versionInfo } from "./version.js";
import { health } from "./health.js";
import { mayNameCustomKinds, syncCustomResources } from "./crds.js";
import { clusterStore } from "../store/object-store.js";
import type { RequestUser } from "../store/protocol.js";
import { connectTunnel } from "../tunnel/pod-proxy.js";
import { metricsText, recordRequest } from "./metrics.js";
import { restoreBatch } from "./restore.js";
import { mountDashboard } from "../dashboard/serve.js";
import { auditRequests } from "../audit/recorder.js";
import { auditRoute } from "../audit/route.js";
import { rateLimit } from "../limits/middleware.js";
import { reencryptAll } from "../encryption/rotate.js";
import { impersonate } from "../auth/impersonation.js";
import { tokenRequest } from "../auth/token-request.js";
import { join } from "../auth/node-credential.js";
import { jwks, openidConfiguration } from "../auth/oidc.js";

type AppEnv = { Bindings: Env; Variables: { user: RequestUser; info: RequestInfo; created?: string; auditAnnotations?: Record<string, string> } };

const json = (body: unknown, status = 200, contentType = "application/json") =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "content-type": contentType, "cache-control": "no-cache, private" } });

/** The default namespaces are created once per isolate's lifetime (idempotent). */
let bootstrapped: Promise<void> | undefined;

/** Pod subresources that open a stream into the pod. */
const STREAMING_SUBRESOURCES = new Set(["exec", "attach", "portforward"]);
export function ensureBootstrapped(env: Env): Promise<void> {
  bootstrapped ??= clusterStore(env)
    .bootstrap()
    .catch((e) => {
      bootstrapped = undefined;
      throw e;
    });
  return bootstrapped;
}

const AGGREGATED = /as=APIGroupDiscoveryList/i;

function discoveryResponse(accept: string | null, core: boolean, legacy: () => unknown): Response {
  if (accept && AGGREGATED.test(accept)) {
    for (const v of ["v2", "v2beta1"]) {
      if (accept.includes(`v=${v}`)) {
        const ct = `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
        return json(aggregatedDiscovery(core, `apidiscovery.k8s.io/${v}`), 200, ct);
      }
    }
  }
  return json(legacy());
}

export function createApp() {
  const app = new Hono<AppEnv>();

  app.onError((err) => {
    if (err instanceof ApiError) return statusResponse(err);
    console.error("apiserver error", err);
    return statusResponse(errors.internal(err instanceof Error ? err.message : String(err)));
  });
  app.notFound((c) => statusResponse(errors.notFoundPath(new URL(c.req.url).pathname)));

  // What the request is about, parsed once for every stage (metrics, audit, authorization, REST);
  // every request is counted and timed (apiserver_request_total, apiserver_request_duration_seconds).
  app.use("*", async (c, next) => {
    const t0 = performance.now();
    const url = new URL(c.req.url);
    const info = requestInfo(c.req.method, url.pathname, url.searchParams);
    c.set("info", info);
    await next();
    recordRequest(info, c.req.method, c.res.status, (performance.now() - t0) / 1000);
  });

  // Health and version are open to anonymous callers, as in Kubernetes.
  for (const p of ["healthz", "livez", "readyz"] as const) {
    app.get(`/${p}`, (c) => health(c.env, p, new URL(c.req.url)));
    app.get(`/${p}/:check`, (c) => health(c.env, p, new URL(c.req.url), c.req.param("check")));
  }
  app.get("/version", () => json(versionInfo));
  // The dashboard's static shell is public too; its API calls carry the user's token.
  mountDashboard(app);

  // Every request is audited once answered (src/audit/).
  app.use("*", auditRequests<AppEnv>());

  // Stage 1: authentication, then impersonation (Impersonate-* headers, if the user may).
  app.use("*", async (c, next) => {
    const user = await authenticate(c.req.raw, c.env);
    if (!user) throw errors.unauthorized();
    // The default RBAC policy lives in the store: bootstrap before the first decision (impersonation's included).
    await ensureBootstrapped(c.env);
    // Custom kinds are learned once the caller is known (an anonymous flood does not reach the cluster store).
    const url = new URL(c.req.url);
    if (mayNameCustomKinds(url.pathname)) {
      await syncCustomResources(c.env);
      c.set("info", requestInfo(c.req.method, url.pathname, url.searchParams));
    }
    c.set("user", await impersonate(user, c.req.raw.headers, (u, info) => authorize(u, info, c.env), forbiddenMessage));
    await next();
  });

  // Per-user rate limit and watch cap (src/limits/).
  app.use("*", rateLimit<AppEnv>());

  // Stage 2: authorization, on what the request is about.
  app.use("*", async (c, next) => {
    const info = c.get("info");
    const d = await authorize(c.get("user"), info, c.env);
    if (!d.allowed) throw errors.forbidden(forbiddenMessage(c.get("user"), info) + (d.reason ? `: ${d.reason}` : ""));
    // A WebSocket upgrade is a GET, but exec, attach and port-forward act on the pod: they also need create,
    // the verb of the same request over SPDY (a POST), as kube-apiserver checks too (AuthorizePodWebsocketUpgradeCreatePermission).
    if (info.isResourceRequest && info.verb === "get" && info.resource === "pods" && STREAMING_SUBRESOURCES.has(info.subresource) && c.req.header("upgrade")) {
      const create = { ...info, verb: "create" };
      if (!(await authorize(c.get("user"), create, c.env)).allowed) throw errors.forbidden(forbiddenMessage(c.get("user"), create));
    }
    await next();
  });

  app.get("/api", (c) => discoveryResponse(c.req.header("accept") ?? null, true, () => apiVersions(new URL(c.req.url).host)));
  app.get("/apis", (c) => discoveryResponse(c.req.header("accept") ?? null, false, apiGroupList));
  app.get("/api/:version", (c) => {
    const l = apiResourceList("", c.req.param("version"));
    if (!l) throw errors.notFoundPath(c.req.path);
    return json(l);
  });
  app.get("/apis/:group", (c) => {
    const g = apiGroup1(c.req.param("group"));
    if (!g) throw errors.notFoundPath(c.req.path);
    return json(g);
  });
  app.get("/apis/:group/:version", (c) => {
    const l = apiResourceList(c.req.param("group"), c.req.param("version"));
    if (!l) throw errors.notFoundPath(c.req.path);
    return json(l);
  });

  app.get("/openapi/v2", (c) => {
    const accept = c.req.header("accept") ?? "";
    if (/protobuf/.test(accept)) {
      return new Response(openapiV2Proto(), { headers: { "content-type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "cache-control": "no-cache, private" } });
    }
    if (accept && !/json|\*\/\*/.test(accept)) throw errors.notAcceptable("only application/json and protobuf are served for /openapi/v2");
    return json(openapiV2());
  });
  app.get("/openapi/v3", async () => json(await openapiV3Index()));
  app.get("/openapi/v3/*", async (c) => {
    const path = c.req.path.slice("/openapi/v3/".length);
    const doc = await openapiV3Doc(path);
    if (!doc) throw errors.notFoundPath(c.req.path);
    const immutable = new URL(c.req.url).searchParams.get("hash") === doc.hash;
    return new Response(doc.body, {
      headers: { "content-type": "application/json", etag: `"${doc.hash}"`, "cache-control": immutable ? "public, immutable" : "no-cache, private" },
    });
  });

  // Prometheus metrics: a non-resource URL, authorized like everything else.
  app.get("/metrics", async (c) => new Response(await metricsText(c.env), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-cache, private" } }));

  // `edgeplane restore`: objects written back as they were (a non-resource path: cluster admins only).
  app.post("/edgeplane/v1/restore", (c) => restoreBatch(c.env, c.req.raw));

  // The node agent's outbound tunnel (src/tunnel/): a non-resource path, authorized as `get` on it.
  app.get("/edgeplane/v1/nodes/:node/tunnel", (c) => connectTunnel(c.env, c.req.raw, c.req.param("node")));

  // Admin endpoints (non-resource paths, authorized above like any other): the audit log, key rotation.
  app.get("/edgeplane/v1/audit", (c) => auditRoute(c.env, new URL(c.req.url).searchParams));
  app.post("/edgeplane/v1/encryption/rotate", async (c) => json(await reencryptAll(c.env)));
  // ServiceAccount issuer discovery, and the bootstrap-token join that gives a node its credential.
  app.get("/.well-known/openid-configuration", (c) => openidConfiguration(c.env, c.req.url));
  app.get("/openid/v1/jwks", (c) => jwks(c.env));
  app.post("/edgeplane/v1/join", async (c) => json(await join(c.env, c.get("user"), await c.req.json().catch(() => null)), 201));
  // TokenRequest: answered here, not stored (src/auth/token-request.ts).
  app.post("/api/v1/namespaces/:ns/serviceaccounts/:name/token", async (c) =>
    tokenRequest(c.env, c.req.param("ns"), c.req.param("name"), await readBody(c.req.raw), bodyContentType(c.req.raw)),
  );

  const resource = async (c: Context<AppEnv>) => {
    const url = new URL(c.req.url);
    const info = c.get("info");
    if (!info.isResourceRequest) throw errors.notFoundPath(url.pathname);
    if (!info.kind) throw errors.notFoundPath(url.pathname);
    return handleResource({ env: c.env, req: c.req.raw, url, info, user: c.get("user"), created: (name) => c.set("created", name), annotate: (a) => c.set("auditAnnotations", a) });
  };
  app.all("/api/:version/*", resource);
  app.all("/apis/:group/:version/*", resource);

  return app;
}
