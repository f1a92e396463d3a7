// Builds the dashboard (dashboard/main.ts and its stylesheet) into one HTML
// document, dist/dashboard.html, which the Worker bundle embeds as text:
// the page arrives in a single response with nothing else to fetch before
// it starts listing the cluster. The CSP pins the inlined script and style
// by hash, so nothing else can run in a page that holds a bearer token.
import { build, transform } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

export async function buildDashboard({ outfile = "dist/dashboard.html" } = {}) {
  const js = await build({
    entryPoints: ["dashboard/main.ts"],
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    tsconfig: "dashboard/tsconfig.json",
    write: false,
    logLevel: "warning",
  });
  const script = js.outputFiles[0].text.replaceAll("</script", "<\\/script");
  const style = (await transform(readFileSync("dashboard/style.css", "utf8"), { loader: "css", minify: true })).code;
  const sha = (s) => `sha256-${createHash("sha256").update(s).digest("base64")}`;
  const html = readFileSync("dashboard/index.html", "utf8")
    .replace("%SCRIPT_HASH%", sha(script))
    .replace("%STYLE_HASH%", sha(style))
    .replace("%STYLE%", () => style)
    .replace("%SCRIPT%", () => script);
  mkdirSync("dist", { recursive: true });
  writeFileSync(outfile, html);
  return { bytes: Buffer.byteLength(html), gzip: (await import("node:zlib")).gzipSync(html).length };
}
