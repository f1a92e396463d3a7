import { test } from "node:test";
import assert from "node:assert/strict";
import type { Ingress } from "kubernetes-types/networking/v1";
import { RouteTable } from "./routes.js";

const be = (service: string, port: number | string = 80) => ({ service: { name: service, port: typeof port === "number" ? { number: port } : { name: port } } });
const ing = (name: string, created: string, spec: Ingress["spec"], namespace = "web"): Ingress => ({ metadata: { name, namespace, creationTimestamp: created }, spec });
const pick = (t: RouteTable, host: string, path: string) => {
  const b = t.match(host, path);
  return b ? `${b.namespace}/${b.service}:${b.port}` : undefined;
};

test("paths: Exact whole path, Prefix by elements, longest wins, Exact first at equal length", () => {
  const t = new RouteTable([
    ing("a", "2026-01-01T00:00:00Z", {
      rules: [
        {
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: be("root") },
              { path: "/foo/", pathType: "Prefix", backend: be("foo", "http") },
              { path: "/foo", pathType: "Exact", backend: be("foo-exact") },
              { path: "/foo/bar", pathType: "ImplementationSpecific", backend: be("bar", 8080) },
            ],
          },
        },
      ],
    }),
  ]);
  assert.equal(pick(t, "x", "/"), "web/root:80");
  assert.equal(pick(t, "x", "/foo"), "web/foo-exact:80");
  assert.equal(pick(t, "x", "/foo/"), "web/foo:http");
  assert.equal(pick(t, "x", "/foo/baz?q=1"), "web/foo:http");
  assert.equal(pick(t, "x", "/foobar"), "web/root:80");
  assert.equal(pick(t, "x", "/foo/bar/x"), "web/bar:8080");
});

test("hosts: exact beats wildcard beats host-less; a wildcard covers one label; ports and case are ignored", () => {
  const t = new RouteTable([
    ing("a", "2026-01-01T00:00:00Z", {
      rules: [
        { host: "app.example.com", http: { paths: [{ path: "/api", pathType: "Prefix", backend: be("api") }] } },
        { host: "*.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: be("wild") }] } },
        { http: { paths: [{ path: "/", pathType: "Prefix", backend: be("any") }] } },
      ],
    }),
  ]);
  assert.equal(pick(t, "APP.example.com:8080", "/api/v1"), "web/api:80");
  assert.equal(pick(t, "app.example.com", "/other"), undefined, "the exact host decides, with no default backend: 404");
  assert.equal(pick(t, "www.example.com", "/"), "web/wild:80");
  assert.equal(pick(t, "a.b.example.com", "/"), "web/any:80");
  assert.equal(pick(t, "example.com", "/"), "web/any:80");
});

test("several Ingresses: rules merge by host, the oldest keeps a contested path and gives the default backend", () => {
  const t = new RouteTable([
    ing("new", "2026-02-01T00:00:00Z", { defaultBackend: be("new-default"), rules: [{ host: "h", http: { paths: [{ path: "/", pathType: "Prefix", backend: be("new") }, { path: "/n", pathType: "Prefix", backend: be("n") }] } }] }, "b"),
    ing("old", "2026-01-01T00:00:00Z", { defaultBackend: be("old-default"), rules: [{ host: "h", http: { paths: [{ path: "/", pathType: "Prefix", backend: be("old") }] } }] }, "a"),
  ]);
  assert.equal(pick(t, "h", "/x"), "a/old:80");
  assert.equal(pick(t, "h", "/n/1"), "b/n:80");
  assert.equal(pick(t, "other", "/"), "a/old-default:80");
});
