/**
 * JSON → YAML for showing objects the way `kubectl get -o yaml` does. Only
 * the emitter lives in the page: edited YAML goes to the server as an
 * apply patch (application/apply-patch+yaml), which parses it, so the
 * bundle needs no YAML parser. Anything not safely plain is emitted as a
 * JSON string, which YAML reads as a double-quoted scalar.
 */
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
const NUMBERISH = /^[-+]?(\.?\d|0x|0o|\.inf|\.nan)/i;
const PLAIN = /^[A-Za-z_/(.][\w ./()@+=:,;$%-]*$/;

function scalarString(s: string): string {
  if (s === "" || RESERVED.test(s) || NUMBERISH.test(s) || !PLAIN.test(s) || s.includes(": ") || s.includes(" #") || s.endsWith(" ") || s.endsWith(":")) return JSON.stringify(s);
  return s;
}

function key(k: string): string {
  return scalarString(k);
}

function scalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (typeof v === "string") return scalarString(v);
  if (Array.isArray(v) && v.length === 0) return "[]";
  if (typeof v === "object" && Object.keys(v as object).length === 0) return "{}";
  return undefined;
}

/** A multi-line string as a literal block, when that round-trips exactly. */
function block(s: string, indent: string): string | undefined {
  if (!s.includes("\n") || /[\r\t]/.test(s) || /^\s/.test(s) || /\n\n$/.test(s) || / \n|\s$/.test(s.replace(/\n$/, ""))) return undefined;
  const chomp = s.endsWith("\n") ? "" : "-";
  const body = s.replace(/\n$/, "").split("\n").map((l) => (l ? indent + l : ""));
  return `|${chomp}\n${body.join("\n")}`;
}

function emit(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = scalar(item);
      if (s !== undefined) {
        out.push(`${indent}- ${typeof item === "string" ? (block(item, indent + "  ") ?? s) : s}`);
        continue;
      }
      if (Array.isArray(item)) {
        out.push(`${indent}-`);
        emit(item, indent + "  ", out);
        continue;
      }
      // "- " then the object's first key on the same line, the rest aligned under it.
      const sub: string[] = [];
      emit(item, indent + "  ", sub);
      sub[0] = `${indent}- ${sub[0].slice(indent.length + 2)}`;
      out.push(...sub);
    }
    return;
  }
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === undefined) continue;
    const s = scalar(val);
    if (s !== undefined) {
      out.push(`${indent}${key(k)}: ${typeof val === "string" ? (block(val, indent + "  ") ?? s) : s}`);
    } else {
      out.push(`${indent}${key(k)}:`);
      emit(val, Array.isArray(val) ? indent : indent + "  ", out);
    }
  }
}

export function toYaml(value: unknown): string {
  const s = scalar(value);
  if (s !== undefined) return s + "\n";
  const out: string[] = [];
  emit(value, "", out);
  return out.join("\n") + "\n";
}
