/**
 * The locating fields of a pasted manifest (apiVersion, kind,
 * metadata.name/namespace), read from its top-level block lines or JSON.
 * The page does not carry a YAML parser: the server parses the apply
 * patch; the page only needs to know which URL to send it to.
 */
import { ApiError } from "./status.js";

export interface ManifestHead {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

const unquote = (s: string) => s.trim().replace(/\s+#.*$/, "").replace(/^(["'])(.*)\1$/, "$2");

/** The locating fields of a one-document manifest (block YAML or JSON). */
export function manifestHead(text: string): ManifestHead {
  const t = text.trim();
  if (t.startsWith("{")) {
    const o = JSON.parse(t) as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
    return check({ apiVersion: o.apiVersion ?? "", kind: o.kind ?? "", name: o.metadata?.name ?? "", namespace: o.metadata?.namespace });
  }
  const head: ManifestHead = { apiVersion: "", kind: "", name: "" };
  let inMeta = false;
  let metaIndent = -1;
  for (const line of t.split("\n")) {
    if (/^---\s*$/.test(line) && (head.kind || head.apiVersion)) throw new ApiError(400, "BadRequest", "one object at a time: the manifest has more than one document");
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const indent = line.length - line.trimStart().length;
    const m = /^(\s*)([\w.-]+):\s*(.*)$/.exec(line);
    if (indent === 0) {
      inMeta = !!m && m[2] === "metadata";
      metaIndent = -1;
      if (m?.[2] === "apiVersion") head.apiVersion = unquote(m[3]);
      if (m?.[2] === "kind") head.kind = unquote(m[3]);
      continue;
    }
    if (!inMeta || !m) continue;
    if (metaIndent < 0) metaIndent = indent;
    if (indent !== metaIndent) continue;
    if (m[2] === "name") head.name = unquote(m[3]);
    if (m[2] === "namespace") head.namespace = unquote(m[3]);
  }
  return check(head);
}

function check(h: ManifestHead): ManifestHead {
  for (const f of ["apiVersion", "kind", "name"] as const) if (!h[f]) throw new ApiError(400, "BadRequest", `the manifest needs ${f === "name" ? "metadata.name" : f}`);
  return h;
}

