/**
 * Reads Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf)
 * into the JSON the rest of the apiserver speaks. kubectl ≥ 1.32 and
 * client-go's typed clients send built-in objects that way (and DeleteOptions),
 * listing JSON after protobuf in Accept, so answers stay JSON.
 *
 * The body is "k8s\0" and a runtime.Unknown whose typeMeta names the object's
 * apiVersion and kind and whose raw bytes are its message, read with the field
 * tables of schemas/protobuf/messages.ts. Go's zero values are what an absent
 * JSON field is: the encoder writes every non-pointer field, so empty strings,
 * zero IntOrStrings and the zeros of known non-pointer fields are dropped
 * (defaults apply), a zero Time is null (as Go's JSON has it); other numbers
 * and booleans are kept.
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { MESSAGES } from "../schemas/protobuf/messages.js";
import { ApiError, errors } from "./status.js";
import { fromBase64, toBase64 } from "./bytes.js";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const META = "k8s.io.apimachinery.pkg.apis.meta.v1";
/** Go's zero time (0001-01-01T00:00:00Z) in Unix seconds: an unset Time. */
const ZERO_TIME = -62135596800;
/** Empty strings that mean something (a *string set to ""): no storage class. */
const EMPTY_STRING_KEPT = new Set(["storageClassName"]);
/**
 * Non-pointer fields (written even when unset) whose zero Kubernetes reads as
 * unset (a port to allocate, a probe setting to default) or JSON omits: dropped.
 * Other numbers and booleans stay, as a pointer's 0 or false is meant
 * (replicas: 0, automountServiceAccountToken: false).
 */
const ZERO_IS_UNSET = new Set(["generation", "observedGeneration", "hostPort", "nodePort", "healthCheckNodePort", "minReadySeconds", "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold", "stdin", "stdinOnce", "tty", "hostNetwork", "hostPID", "hostIPC", "paused", "publishNotReadyAddresses", "globalDefault"]);

/** Embedded Go structs (json:",inline"): a message field in protobuf, their fields in JSON. */
const INLINE = new Set(["localObjectReference", "volumeSource", "persistentVolumeSource", "ingressRuleValue", "ephemeralContainerCommon", "handler"]);

export const isProtobuf = (contentType: string | null | undefined) => (contentType ?? "").split(";")[0].trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;

type Json = Record<string, unknown>;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });


function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${iso}Z`;
}

/** A Go time.Duration (nanoseconds) as Go prints it: 1h2m3.5s, 150ms, 0s. */
export function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  let n = Math.abs(ns);
  if (n < 1e9) {
    const [unit, div] = n < 1e3 ? ["ns", 1] : n < 1e6 ? ["µs", 1e3] : ["ms", 1e6];
    return `${sign}${+(n / div).toFixed(9)}${unit}`;
  }
  const h = Math.floor(n / 3.6e12);
  n -= h * 3.6e12;
  const m = Math.floor(n / 6e10);
  n -= m * 6e10;
  const s = +(n / 1e9).toFixed(9);
  return `${sign}${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${s}s`;
}

/** Messages whose JSON form is not their fields. undefined: absent. */
const SPECIAL: Record<string, (f: Json) => unknown> = {
  // A zero time is JSON null, as Go writes it (creationTimestamp: null in a pod template).
  [`${META}.Time`]: (f) => (f.seconds === undefined || f.seconds === ZERO_TIME ? null : rfc3339(f.seconds as number, (f.nanos as number) ?? 0, false)),
  [`${META}.MicroTime`]: (f) => (f.seconds === undefined || f.seconds === ZERO_TIME ? null : rfc3339(f.seconds as number, (f.nanos as number) ?? 0, true)),
  [`${META}.Duration`]: (f) => goDuration((f.duration as number) ?? 0),
  [`${META}.FieldsV1`]: (f) => rawJson(f.Raw),
  "k8s.io.apimachinery.pkg.runtime.RawExtension": (f) => rawJson(f.raw),
  "k8s.io.apimachinery.pkg.api.resource.Quantity": (f) => f.string,
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString": (f) => (f.type === 1 ? f.strVal ?? "" : f.intVal ? f.intVal : undefined),
};

/** Embedded JSON (RawExtension, FieldsV1): its bytes arrive as base64, as every bytes field is read. */
function rawJson(b: unknown): unknown {
  if (typeof b !== "string" || !b) return undefined;
  try {
    return JSON.parse(utf8.decode(fromBase64(b)));
  } catch {
    throw errors.badRequest("protobuf: embedded raw object is not JSON");
  }
}

/** Readers of the scalar types, as JSON values: 64-bit integers as numbers, bytes as base64. */
const SCALARS: Record<string, (r: BinaryReader) => unknown> = {
  string: (r) => r.string(),
  bytes: (r) => toBase64(r.bytes()),
  bool: (r) => r.bool(),
  int32: (r) => r.int32(),
  uint32: (r) => r.uint32(),
  sint32: (r) => r.sint32(),
  fixed32: (r) => r.fixed32(),
  sfixed32: (r) => r.sfixed32(),
  int64: (r) => Number(r.int64()),
  uint64: (r) => Number(r.uint64()),
  sint64: (r) => Number(r.sint64()),
  fixed64: (r) => Number(r.fixed64()),
  sfixed64: (r) => Number(r.sfixed64()),
  double: (r) => r.double(),
  float: (r) => r.float(),
};
/** Repeated numbers and booleans may come packed into one length-delimited field. */
const packable = (type: string) => type !== "string" && type !== "bytes" && type in SCALARS;

/** A field's value as JSON, or undefined for Go's zero of a non-pointer field ("" is the zero string). */
function jsonValue(name: string, v: unknown): unknown {
  if (v === "" && !EMPTY_STRING_KEPT.has(name)) return undefined;
  if ((v === 0 || v === false) && ZERO_IS_UNSET.has(name)) return undefined;
  return v;
}

function value(r: BinaryReader, type: string, depth: number): unknown {
  if (MESSAGES[type]) return message(type, r.bytes(), depth + 1);
  return SCALARS[type]?.(r);
}

function mapEntry(bytes: Uint8Array, keyType: string, valueType: string, depth: number): [string, unknown] {
  const r = new BinaryReader(bytes);
  let key = "";
  let val: unknown = MESSAGES[valueType] ? {} : valueType === "string" || valueType === "bytes" ? "" : undefined;
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1) key = String(value(r, keyType, depth));
    else if (no === 2) val = value(r, valueType, depth);
    else r.skip(wt, no);
  }
  return [key, val];
}

function message(type: string, bytes: Uint8Array, depth = 0): unknown {
  if (depth > 64) throw errors.badRequest("protobuf: objects nest too deeply");
  const fields = MESSAGES[type];
  if (!fields) throw errors.badRequest(`protobuf: no message ${type}`);
  const r = new BinaryReader(bytes);
  const out: Json = {};
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    const f = fields[no];
    if (!f) {
      r.skip(wt, no);
      continue;
    }
    const [name, t, repeated] = f;
    if (t.startsWith("map:")) {
      const [, kt, vt] = t.split(":");
      const [k, v] = mapEntry(r.bytes(), kt, vt, depth);
      ((out[name] ??= {}) as Json)[k] = v;
    } else if (repeated) {
      const list = (out[name] ??= []) as unknown[];
      if (wt === WireType.LengthDelimited && packable(t)) {
        const packed = new BinaryReader(r.bytes());
        while (packed.pos < packed.len) list.push(SCALARS[t](packed));
      } else {
        list.push(value(r, t, depth));
      }
    } else {
      out[name] = value(r, t, depth);
    }
  }
  const special = SPECIAL[type];
  if (special) return special(out);
  const json: Json = {};
  for (const [k, raw] of Object.entries(out)) {
    const v = Array.isArray(raw) ? raw : jsonValue(k, raw);
    if (v === undefined) continue;
    if (INLINE.has(k)) Object.assign(json, v);
    else json[k] = v;
  }
  return json;
}

/** The message of an object's apiVersion and kind: k8s.io.api.<group's first label>.<version>.<Kind>, or meta's. */
function messageType(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = group === "" ? "core" : group.split(".")[0];
  return [`k8s.io.api.${pkg}.${version}.${kind}`, `${META.replace(/v1$/, version)}.${kind}`, `${META}.${kind}`].find((t) => MESSAGES[t]);
}

/** A protobuf-encoded request body as the JSON text of the object it carries. */
export function protobufToJson(body: Uint8Array): string {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw errors.badRequest("protobuf: the body does not start with the Kubernetes protobuf prefix");
  try {
    // runtime.Unknown: typeMeta (1), raw (2), contentEncoding (3), contentType (4).
    const r = new BinaryReader(body.subarray(4));
    let tm: { apiVersion?: string; kind?: string } = {};
    let raw: Uint8Array = new Uint8Array();
    let encoding = "";
    while (r.pos < r.len) {
      const [no, wt] = r.tag();
      if (no === 1) tm = message("k8s.io.apimachinery.pkg.runtime.TypeMeta", r.bytes()) as typeof tm;
      else if (no === 2) raw = r.bytes();
      else if (no === 3) encoding = r.string();
      else r.skip(wt, no);
    }
    if (encoding) throw errors.badRequest(`protobuf: content encoding ${encoding} is not supported`);
    const apiVersion = tm.apiVersion ?? "";
    const kind = tm.kind ?? "";
    const type = messageType(apiVersion, kind);
    if (!type) throw errors.unsupportedMediaType(`${PROTOBUF_MEDIA_TYPE} (${apiVersion || "no apiVersion"}, ${kind || "no kind"})`, "application/json, application/yaml");
    return JSON.stringify({ apiVersion, kind, ...(message(type, raw) as Json) });
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw errors.badRequest(`protobuf: the body is not a valid object: ${(e as Error).message}`);
  }
}
