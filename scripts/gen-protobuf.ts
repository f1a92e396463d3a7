#!/usr/bin/env tsx
/**
 * Generates src/schemas/protobuf/messages.ts: the protobuf field tables of the
 * Kubernetes types the API serves, so request bodies kubectl ≥ 1.32 and
 * client-go's typed clients send as application/vnd.kubernetes.protobuf can be
 * read (src/apimachinery/protobuf.ts).
 *
 * The tables come from the descriptors compiled into a kubectl binary
 * (gogo-protobuf registers each generated.proto as a gzipped
 * FileDescriptorProto): they are the wire format that kubectl itself speaks.
 *   npx tsx scripts/gen-protobuf.ts [kubectl binary] [outFile]
 * Default binary: KUBECTL, else the newest /usr/lib/google-cloud-sdk/bin/kubectl.1.NN.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type DescriptorProto, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";

const SDK = "/usr/lib/google-cloud-sdk/bin";
function newestKubectl(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const versions = existsSync(SDK) ? readdirSync(SDK).filter((f) => /^kubectl\.1\.\d+$/.test(f)) : [];
  versions.sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]));
  if (!versions.length) throw new Error("no kubectl binary: pass its path or set KUBECTL");
  return `${SDK}/${versions[versions.length - 1]}`;
}

const [binary = newestKubectl(), out = "src/schemas/protobuf/messages.ts"] = process.argv.slice(2);

/** The generated.proto files of the groups and versions served (and apimachinery's). */
const WANTED = /^k8s\.io\/(api\/(core|apps|batch|rbac|networking|policy|scheduling|storage|coordination|discovery|authentication|authorization|events|autoscaling|certificates|flowcontrol)\/v1|api\/autoscaling\/v2|apimachinery\/.*|apiextensions-apiserver\/pkg\/apis\/apiextensions\/v1)\/generated\.proto$/;

function descriptors(bin: Buffer): FileDescriptorProto[] {
  const found = new Map<string, FileDescriptorProto>();
  const magic = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
  for (let i = bin.indexOf(magic); i >= 0; i = bin.indexOf(magic, i + 1)) {
    let raw: Buffer;
    try {
      // The deflate stream of this gzip member only (its 10-byte header has no optional fields: flags 0):
      // gunzip would go on into the next member, and the merged protobuf would carry the last file's name.
      raw = inflateRawSync(bin.subarray(i + 10, i + 10 + (1 << 20)), { finishFlush: 2 });
    } catch {
      continue;
    }
    // A FileDescriptorProto starts with its name (field 1).
    if (raw[0] !== 0x0a) continue;
    try {
      const fd = fromBinary(FileDescriptorProtoSchema, raw);
      if (WANTED.test(fd.name) && !found.has(fd.name)) found.set(fd.name, fd);
    } catch {
      // not a descriptor
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** FieldDescriptorProto.Type numbers → the names the decoder reads. */
const SCALAR: Record<number, string> = { 1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool", 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64" };

type Table = Record<string, Record<number, [string, string, 0 | 1]>>;

function collect(fd: FileDescriptorProto, table: Table): void {
  const entries = new Map<string, DescriptorProto>();
  const visit = (prefix: string, msgs: DescriptorProto[]) => {
    for (const m of msgs) {
      const name = `${prefix}.${m.name}`;
      if (m.options?.mapEntry) entries.set(name, m);
      visit(name, m.nestedType);
    }
  };
  visit(fd.package, fd.messageType);
  const typeOf = (type: number, typeName: string): string => {
    if (SCALAR[type]) return SCALAR[type];
    const ref = typeName.replace(/^\./, "");
    const entry = entries.get(ref);
    if (!entry) return ref;
    const [k, v] = [entry.field.find((f) => f.number === 1)!, entry.field.find((f) => f.number === 2)!];
    return `map:${typeOf(k.type, k.typeName)}:${typeOf(v.type, v.typeName)}`;
  };
  const emit = (prefix: string, msgs: DescriptorProto[]) => {
    for (const m of msgs) {
      const name = `${prefix}.${m.name}`;
      if (m.options?.mapEntry) continue;
      table[name] = Object.fromEntries(m.field.map((f) => [f.number, [f.name, typeOf(f.type, f.typeName), typeOf(f.type, f.typeName).startsWith("map:") || f.label !== 3 ? 0 : 1]]));
      emit(name, m.nestedType);
    }
  };
  emit(fd.package, fd.messageType);
}

const files = descriptors(readFileSync(binary));
if (!files.some((f) => f.name === "k8s.io/api/core/v1/generated.proto")) throw new Error(`${binary}: no Kubernetes descriptors found`);
const table: Table = {};
for (const fd of files) collect(fd, table);
const body = `/**
 * Protobuf field tables of the Kubernetes types served: message → field number →
 * [JSON name, type, repeated]. A type is a scalar, another message, or
 * "map:<key>:<value>". Generated by scripts/gen-protobuf.ts from the
 * descriptors compiled into ${binary.split("/").pop()}; do not edit.
 * Files: ${files.map((f) => f.name.replace(/\/generated\.proto$/, "")).join(", ")}.
 */
export const MESSAGES: Record<string, Record<number, [string, string, 0 | 1]>> = ${JSON.stringify(table)};
`;
writeFileSync(out, body);
console.log(`wrote ${Object.keys(table).length} messages from ${files.length} files (${binary}) to ${out} (${body.length} bytes)`);
