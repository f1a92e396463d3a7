/**
 * Name and metadata validation, ported from k8s.io/apimachinery
 * (util/validation, api/validate/content, api/validation/objectmeta.go) so
 * that an invalid object is refused with the same field paths and messages a
 * real apiserver gives. The is* functions return the bare messages (Go's
 * []string); the validate* functions return FieldErrors.
 *
 * Lengths are UTF-8 byte counts, as Go's len(). As in Kubernetes 1.36, DNS
 * names say "characters" when too long, label keys and values say "bytes".
 */
import { SAFE_ALPHABET } from "./hash.js";
import { fieldErrors, type FieldError } from "./status.js";
import type { ObjectMeta, OwnerReference } from "../registry/types.js";

// ---- message helpers (content/errors.go, util/validation) -------------------

const utf8 = new TextEncoder();

/** Length in UTF-8 bytes, as Go's len(string). */
export function byteLength(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return utf8.encode(s).length;
  return s.length;
}

/** util/validation.MaxLenError (DNS names). */
const maxLenChars = (n: number) => `must be no more than ${n} characters`;
/** content.MaxLenError (label keys and values). */
const maxLenBytes = (n: number) => `must be no more than ${n} bytes`;
const emptyError = () => "must be non-empty";

/** RegexError, including its quirk of a double space before " or ". */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  msg += " (e.g. ";
  examples.forEach((e, i) => {
    if (i > 0) msg += " or ";
    msg += `'${e}', `;
  });
  return msg + `regex used for validation is '${re}')`;
}

// ---- DNS names --------------------------------------------------------------

const dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123LabelMaxLength = 63;
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1123SubdomainMaxLength = 253;
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);

const dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);

/** A DNS-1123 label (namespaces, services' and many kinds' names): ≤63, [a-z0-9-]. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123LabelMaxLength) errs.push(maxLenChars(DNS1123LabelMaxLength));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain but not a label: since length was checked, it must be dots.
    if (dns1123SubdomainRe.test(value)) errs.push("must not contain dots");
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, "my-name", "123-abc"));
  }
  return errs;
}

/** A DNS-1123 subdomain (most kinds' names): ≤253, dot-separated labels. */
export function isDNS1123Subdomain(value: string): string[] {
  return dns1123Subdomain(value, maxLenChars);
}

/** util/validation and content differ only in the too-long wording. */
function dns1123Subdomain(value: string, maxLen: (n: number) => string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123SubdomainMaxLength) errs.push(maxLen(DNS1123SubdomainMaxLength));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, "example.com"));
  return errs;
}

/** A DNS-1035 label (Service names): like a DNS-1123 label but starting with a letter. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenChars(63));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, "my-name", "abc-123"));
  return errs;
}

/** Names that only have to be safe as one URL path segment. Does not check emptiness or length. */
export function isPathSegmentName(name: string): string[] {
  for (const bad of [".", ".."]) if (name === bad) return [`may not be '${bad}'`];
  return isPathSegmentPrefix(name);
}

/** A prefix of a path-segment name (a generateName): only the forbidden substrings. */
export function isPathSegmentPrefix(name: string): string[] {
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

// ---- label keys and values (content/kube.go) --------------------------------

const labelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const labelKeyErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyRe = new RegExp(`^${labelKeyFmt}$`);
export const LabelKeyMaxLength = 63;

/**
 * A label key, a.k.a. a qualified name: an optional DNS-subdomain prefix and
 * "/", then a name of ≤63 alphanumerics, '-', '_', '.'. Also used for
 * annotation keys (lower-cased first) and finalizers.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push("prefix part " + emptyError());
    else for (const m of dns1123Subdomain(prefix, maxLenBytes)) errs.push("prefix part " + m);
  } else {
    return [
      "a valid label key " +
        regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc") +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push("name part " + emptyError());
  else if (byteLength(name) > LabelKeyMaxLength) errs.push("name part " + maxLenBytes(LabelKeyMaxLength));
  if (!labelKeyRe.test(name)) errs.push("name part " + regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc"));
  return errs;
}

/** Same as isQualifiedName: the name Kubernetes' newer code uses. */
export const isLabelKey = isQualifiedName;

const labelValueFmt = `(${labelKeyFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
export const LabelValueMaxLength = 63;

/** A label value: empty, or ≤63 alphanumerics, '-', '_', '.' starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LabelValueMaxLength) errs.push(maxLenBytes(LabelValueMaxLength));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, "MyValue", "my_value", "12345"));
  return errs;
}

// ---- name functions (api/validation/generic.go) -----------------------------

export type NameFormat = "dns-subdomain" | "dns-label" | "path-segment";

/**
 * Kubernetes' maskTrailingDash, quirk included: a generateName "ab-" is
 * checked as "aa" (it drops two characters and appends "a").
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? name.slice(0, -2) + "a" : name;
}

/** A ValidateNameFunc: prefix is true for a generateName (random characters will follow). */
export type NameValidator = (name: string, prefix: boolean) => string[];

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
export const nameIsPathSegment: NameValidator = (name, prefix) => (prefix ? isPathSegmentPrefix(name) : isPathSegmentName(name));

export const nameValidators: Record<NameFormat, NameValidator> = {
  "dns-subdomain": nameIsDNSSubdomain,
  "dns-label": nameIsDNSLabel,
  "path-segment": nameIsPathSegment,
};

// ---- generateName (apiserver/pkg/storage/names) -----------------------------

const randomAlphabet = SAFE_ALPHABET;
const maxNameLength = 63;
const randomLength = 5;
/** The longest generateName prefix kept: 63 - 5. */
export const MaxGeneratedNameLength = maxNameLength - randomLength;

/** names.SimpleNameGenerator: the prefix (cut to 58) plus 5 random characters. */
export function generateName(base: string, random: () => number = Math.random): string {
  if (base.length > MaxGeneratedNameLength) base = base.slice(0, MaxGeneratedNameLength);
  let s = "";
  for (let i = 0; i < randomLength; i++) s += randomAlphabet[Math.floor(random() * randomAlphabet.length) % randomAlphabet.length];
  return base + s;
}

// ---- metadata (api/validation/objectmeta.go, meta/v1/validation) ------------

/** The total size (keys + values, bytes) annotations may have: 256 KiB. */
export const TotalAnnotationSizeLimitB = 256 * 1024;

/** ValidateLabels: every error is reported on fldPath itself (metadata.labels). */
export function validateLabels(labels: Record<string, string> | undefined, fldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, fldPath));
    if (typeof v !== "string") {
      errs.push(fieldErrors.invalid(fldPath, v, "must be a string"));
      continue;
    }
    for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(fldPath, v, msg));
  }
  return errs;
}

/** ValidateLabelName. */
export function validateLabelName(name: string, fldPath: string): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErrors.invalid(fldPath, name, msg));
}

/** ValidateAnnotations: keys are qualified names (case-insensitive); total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, fldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(fldPath, k, msg));
    total += byteLength(k) + (typeof v === "string" ? byteLength(v) : 0);
  }
  if (total > TotalAnnotationSizeLimitB) errs.push(tooLong(fldPath, TotalAnnotationSizeLimitB));
  return errs;
}

/** field.TooLong. */
export function tooLong(field: string, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? "byte" : "bytes"}` : "value is too long";
  return { type: "FieldValueTooLong", field, message: `Too long: ${detail}` };
}

/** ValidateOwnerReferences (Kubernetes 1.36 messages). */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, fldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!refs) return errs;
  let firstController = "";
  refs.forEach((ref, i) => {
    const p = `${fldPath}[${i}]`;
    const gv = parseGroupVersion(ref.apiVersion ?? "");
    if (!gv || !gv.version) errs.push(fieldErrors.invalid(`${p}.apiVersion`, ref.apiVersion ?? "", "version must not be empty"));
    if (!ref.kind) errs.push(fieldErrors.invalid(`${p}.kind`, ref.kind ?? "", "must not be empty"));
    if (!ref.name) errs.push(fieldErrors.invalid(`${p}.name`, ref.name ?? "", "must not be empty"));
    if (!ref.uid) errs.push(fieldErrors.invalid(`${p}.uid`, ref.uid ?? "", "must not be empty"));
    if (gv && gv.group === "" && gv.version === "v1" && ref.kind === "Event")
      errs.push(fieldErrors.invalid(p, ref, "/v1, Kind=Event is disallowed from being an owner"));
    if (ref.controller === true) {
      const name = `${ref.kind}/${ref.name}`;
      if (firstController)
        errs.push(
          fieldErrors.invalid(
            fldPath,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      else firstController = name;
    }
  });
  return errs;
}

/** schema.ParseGroupVersion; null when malformed (more than one "/"). */
function parseGroupVersion(gv: string): { group: string; version: string } | null {
  if (gv === "" || gv === "/") return { group: "", version: "" };
  const slashes = gv.split("/").length - 1;
  if (slashes === 0) return { group: "", version: gv };
  if (slashes === 1) {
    const i = gv.indexOf("/");
    return { group: gv.slice(0, i), version: gv.slice(i + 1) };
  }
  return null;
}

export const FinalizerOrphanDependents = "orphan";
export const FinalizerDeleteDependents = "foregroundDeletion";

/** ValidateFinalizers: qualified names, and not both orphan and foregroundDeletion. */
export function validateFinalizers(finalizers: string[] | undefined, fldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!finalizers) return errs;
  for (const f of finalizers) for (const msg of isQualifiedName(f)) errs.push(fieldErrors.invalid(fldPath, f, msg));
  if (finalizers.includes(FinalizerOrphanDependents) && finalizers.includes(FinalizerDeleteDependents))
    errs.push(
      fieldErrors.invalid(
        fldPath,
        finalizers,
        `finalizer ${FinalizerOrphanDependents} and ${FinalizerDeleteDependents} cannot be both set`,
      ),
    );
  return errs;
}

export interface ObjectMetaOptions {
  /** When true, metadata.namespace (if set) must be a DNS-1123 label. */
  namespaced: boolean;
  nameFormat: NameFormat;
  /** The field path of the metadata; "metadata" by default. */
  fldPath?: string;
}

/**
 * ValidateObjectMeta for a create, after name generation: generateName,
 * name (required), namespace format, generation, labels, annotations,
 * ownerReferences and finalizers, in Kubernetes' order. Whether a namespace
 * must or must not be present is the caller's concern.
 */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions): FieldError[] {
  const p = opts.fldPath ?? "metadata";
  const nameFn = nameValidators[opts.nameFormat];
  const errs: FieldError[] = [];
  if (meta.generateName)
    for (const msg of nameFn(meta.generateName, true)) errs.push(fieldErrors.invalid(`${p}.generateName`, meta.generateName, msg));
  if (!meta.name) errs.push(fieldErrors.required(`${p}.name`, "name or generateName is required"));
  else for (const msg of nameFn(meta.name, false)) errs.push(fieldErrors.invalid(`${p}.name`, meta.name, msg));
  if (opts.namespaced && meta.namespace)
    for (const msg of nameIsDNSLabel(meta.namespace, false)) errs.push(fieldErrors.invalid(`${p}.namespace`, meta.namespace, msg));
  if (typeof meta.generation === "number" && meta.generation < 0)
    errs.push(fieldErrors.invalid(`${p}.generation`, meta.generation, "must be greater than or equal to 0"));
  errs.push(...validateLabels(meta.labels, `${p}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${p}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${p}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${p}.finalizers`));
  return errs;
}
