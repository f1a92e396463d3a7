/**
 * /openapi/v2 in protobuf (gnostic's openapi.v2.Document), which kubectl
 * 1.27 and 1.28 ask for (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf)
 * for client-side validation, explain and apply's patch metadata. Encodes the
 * subset of the Swagger 2.0 JSON document kubectl reads: definitions (types,
 * properties, items, refs, descriptions, required, extensions) and paths with
 * their query parameters and group-version-kind extensions.
 */
import { stringify as yaml } from "yaml";

type Json = Record<string, unknown>;

/** A minimal protobuf writer: varints and length-delimited fields. */
class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private static enc = new TextEncoder();

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  private varint(n: number): void {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, s: string | undefined): this {
    if (s === undefined || s === "") return this;
    return this.bytes(field, Writer.enc.encode(s));
  }

  bool(field: number, b: boolean | undefined): this {
    if (!b) return this;
    this.tag(field, 0);
    this.varint(1);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  message(field: number, build: (w: Writer) => void): this {
    const w = new Writer();
    build(w);
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** NamedAny { name = 1; Any value = 2 { yaml = 2 } } for x-* extensions. */
function extensions(w: Writer, field: number, obj: Json): void {
  for (const [k, v] of Object.entries(obj)) {
    if (!k.startsWith("x-")) continue;
    w.message(field, (n) => n.string(1, k).message(2, (a) => a.string(2, yaml(v))));
  }
}

function schema(w: Writer, s: Json): void {
  w.string(1, s.$ref as string | undefined);
  w.string(2, s.format as string | undefined);
  w.string(4, s.description as string | undefined);
  for (const r of (s.required as string[] | undefined) ?? []) w.string(19, r);
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    w.message(21, (a) => a.message(1, (x) => schema(x, s.additionalProperties as Json)));
  }
  if (typeof s.type === "string") w.message(22, (t) => t.string(1, s.type as string));
  if (s.items && typeof s.items === "object") w.message(23, (i) => i.message(1, (x) => schema(x, s.items as Json)));
  for (const a of (s.allOf as Json[] | undefined) ?? []) w.message(24, (x) => schema(x, a));
  if (s.properties) {
    w.message(25, (p) => {
      for (const [name, prop] of Object.entries(s.properties as Record<string, Json>)) p.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, prop)));
    });
  }
  extensions(w, 31, s);
}

function operation(w: Writer, op: Json): void {
  for (const t of (op.tags as string[] | undefined) ?? []) w.string(1, t);
  w.string(3, op.description as string | undefined);
  w.string(5, op.operationId as string | undefined);
  for (const p of (op.parameters as Json[] | undefined) ?? []) {
    if (p.in === "body") continue;
    // ParametersItem.parameter → Parameter.non_body_parameter → query/path sub-schema.
    w.message(8, (item) =>
      item.message(1, (param) =>
        param.message(2, (nb) =>
          nb.message(p.in === "path" ? 4 : 3, (q) => {
            q.bool(1, p.required as boolean | undefined);
            q.string(2, p.in as string);
            q.string(3, p.description as string | undefined);
            q.string(4, p.name as string);
            q.string(p.in === "path" ? 5 : 6, ((p.schema as Json | undefined)?.type as string | undefined) ?? (p.type as string | undefined) ?? "string");
          }),
        ),
      ),
    );
  }
  extensions(w, 13, op);
}

const METHODS: [string, number][] = [
  ["get", 2],
  ["put", 3],
  ["post", 4],
  ["delete", 5],
  ["patch", 8],
];

/** Encode a Swagger 2.0 document (as openapiV2() builds it) to gnostic protobuf. */
export function encodeOpenAPIv2(doc: Json): Uint8Array {
  const w = new Writer();
  w.string(1, doc.swagger as string);
  const info = (doc.info ?? {}) as Json;
  w.message(2, (i) => i.string(1, info.title as string).string(2, info.version as string));
  w.message(8, (paths) => {
    for (const [p, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      paths.message(2, (named) =>
        named.string(1, p).message(2, (pi) => {
          for (const [m, field] of METHODS) if (item[m]) pi.message(field, (o) => operation(o, item[m] as Json));
        }),
      );
    }
  });
  w.message(9, (defs) => {
    for (const [name, s] of Object.entries((doc.definitions ?? {}) as Record<string, Json>)) defs.message(1, (n) => n.string(1, name).message(2, (x) => schema(x, s)));
  });
  return w.finish();
}
