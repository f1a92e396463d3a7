/**
 * The dashboard's static shell, served by the Worker itself (no separate
 * server): one HTML document with the script and styles inlined, embedded
 * in the bundle at build time (scripts/build.mjs → dist/dashboard.html).
 * The shell is public, like /healthz; it holds no data. Everything it shows
 * it fetches with the signed-in user's bearer token through the normal
 * authn → authz → handler pipeline.
 */
import type { Env as HonoEnv, Hono } from "hono";
import html from "../../dist/dashboard.html";

const headers = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-cache",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

export function mountDashboard<E extends HonoEnv>(app: Hono<E>): void {
  app.get("/dashboard", (c) => c.redirect("/dashboard/", 301));
  app.get("/dashboard/", () => new Response(html, { headers }));
}
