import { test } from "node:test";
import assert from "node:assert/strict";
import {
  byteLength,
  generateName,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isPathSegmentName,
  isPathSegmentPrefix,
  isQualifiedName,
  isValidLabelValue,
  MaxGeneratedNameLength,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  TotalAnnotationSizeLimitB,
  validateAnnotations,
  validateFinalizers,
  validateLabels,
  validateObjectMeta,
  validateOwnerReferences,
} from "./validation.js";
import type { ObjectMeta } from "../registry/types.js";

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const KEY_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const ok = (errs: string[], v: string) => assert.deepEqual(errs, [], `expected ${JSON.stringify(v)} to be valid`);
const bad = (errs: string[], v: string) => assert.ok(errs.length > 0, `expected ${JSON.stringify(v)} to be invalid`);

test("byteLength counts UTF-8 bytes", () => {
  assert.equal(byteLength(""), 0);
  assert.equal(byteLength("abc"), 3);
  assert.equal(byteLength("é"), 2);
  assert.equal(byteLength("€"), 3);
  assert.equal(byteLength("😀"), 4);
});

test("isDNS1123Label", () => {
  for (const v of ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", "a".repeat(63)])
    ok(isDNS1123Label(v), v);
  for (const v of [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "a".repeat(64), "a\n",
  ])
    bad(isDNS1123Label(v), v);
  assert.deepEqual(isDNS1123Label("Foo"), [LABEL_MSG]);
  assert.deepEqual(isDNS1123Label("a.b"), ["must not contain dots"]);
  assert.deepEqual(isDNS1123Label("a".repeat(64)), ["must be no more than 63 characters"]);
  assert.deepEqual(isDNS1123Label("a".repeat(63) + ".b"), ["must be no more than 63 characters", "must not contain dots"]);
  assert.deepEqual(isDNS1123Label("A".repeat(64)), ["must be no more than 63 characters", LABEL_MSG]);
});

test("isDNS1123Subdomain", () => {
  for (const v of [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1", "abc.1", "a1.1", "a-1.1", "a--1--2--b.1",
    "0.a", "01.a", "012.a", "1a.a", "1-a.a", "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
    "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55", "a".repeat(253),
  ])
    ok(isDNS1123Subdomain(v), v);
  for (const v of [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1", "A1.1", "1A.1", "0.A", "01.A", "012.A", "1A.a", "1a.A",
    "A.B.C.D.E", "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b", "a:b", "a%b", "a?b", "a$b",
    "a".repeat(254), "é",
  ])
    bad(isDNS1123Subdomain(v), v);
  assert.deepEqual(isDNS1123Subdomain("Foo_Bar"), [SUBDOMAIN_MSG]);
  assert.deepEqual(isDNS1123Subdomain("a".repeat(254)), ["must be no more than 253 characters"]);
});

test("isDNS1123Subdomain stays fast on huge inputs", () => {
  const start = Date.now();
  isDNS1123Subdomain("a".repeat(300_000) + "-");
  isDNS1123Subdomain("a.".repeat(150_000) + "-");
  isQualifiedName("a".repeat(300_000) + "_");
  isQualifiedName("a.".repeat(100_000) + "/x");
  assert.ok(Date.now() - start < 2000);
});

test("isDNS1035Label", () => {
  for (const v of ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a".repeat(63)]) ok(isDNS1035Label(v), v);
  for (const v of ["0", "01", "012", "1a", "1-a", "1--a--b--2", "", "A", "-", "a-", "-a", "_", "a_b", ".", "a.b", " ", "a b", "a".repeat(64)])
    bad(isDNS1035Label(v), v);
  assert.match(isDNS1035Label("1a")[0], /^a DNS-1035 label must consist of .* \(e\.g\. 'my-name',  or 'abc-123', regex/);
});

test("path segment names", () => {
  for (const v of ["a", "A_b", "system:node:foo", "..a", "a.", "with space", "ünïcode", ""]) ok(isPathSegmentName(v), v);
  assert.deepEqual(isPathSegmentName("."), ["may not be '.'"]);
  assert.deepEqual(isPathSegmentName(".."), ["may not be '..'"]);
  assert.deepEqual(isPathSegmentName("a/b"), ["may not contain '/'"]);
  assert.deepEqual(isPathSegmentName("a%b"), ["may not contain '%'"]);
  assert.deepEqual(isPathSegmentName("/%"), ["may not contain '/'", "may not contain '%'"]);
  assert.deepEqual(isPathSegmentPrefix("."), []);
  assert.deepEqual(isPathSegmentPrefix("a/"), ["may not contain '/'"]);
});

test("isQualifiedName (label keys)", () => {
  for (const v of [
    "simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple", "now-with-dashes/simple",
    "now-with-dashes/now-with-dashes", "now.with.dots/simple", "now-with.dashes-and.dots/simple", "1-num.2-num/3-num",
    "1234/5678", "1.2.3.4/5678", "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo",
    "a".repeat(63), "a".repeat(253) + "/" + "b".repeat(63), "app.kubernetes.io/name",
  ])
    ok(isQualifiedName(v), v);
  for (const v of [
    "nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash", "Example.com/abc",
    "example_com/abc", "example.com/", "/simple", "a".repeat(64), "a".repeat(254) + "/abc", "", "é",
  ])
    bad(isQualifiedName(v), v);
  assert.deepEqual(isQualifiedName("Foo_"), [KEY_NAME_MSG]);
  assert.deepEqual(isQualifiedName(""), ["name part must be non-empty", KEY_NAME_MSG]);
  assert.deepEqual(isQualifiedName("a".repeat(64)), ["name part must be no more than 63 bytes"]);
  assert.deepEqual(isQualifiedName("/a"), ["prefix part must be non-empty"]);
  assert.deepEqual(isQualifiedName("example.com/"), ["name part must be non-empty", KEY_NAME_MSG]);
  assert.deepEqual(isQualifiedName("Example.com/a"), ["prefix part " + SUBDOMAIN_MSG]);
  assert.deepEqual(isQualifiedName("a".repeat(254) + "/a"), ["prefix part must be no more than 253 bytes"]);
  assert.deepEqual(isQualifiedName("a/b/c"), [
    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
});

test("isValidLabelValue", () => {
  for (const v of ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a".repeat(63), "", "A_b.C-d"])
    ok(isValidLabelValue(v), v);
  for (const v of [
    "nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad", "-starts-with-dash", "ends-with-dash-",
    ".starts.with.dot", "ends.with.dot.", "a".repeat(64), "with space", "a/b",
  ])
    bad(isValidLabelValue(v), v);
  assert.deepEqual(isValidLabelValue("-x"), [VALUE_MSG]);
  assert.deepEqual(isValidLabelValue("a".repeat(64)), ["must be no more than 63 bytes"]);
  // 32 two-byte characters are 64 bytes.
  assert.deepEqual(isValidLabelValue("é".repeat(32)), ["must be no more than 63 bytes", VALUE_MSG]);
});

test("name validators mask a generateName's trailing dash like Kubernetes", () => {
  assert.deepEqual(nameIsDNSSubdomain("web-", true), []);
  assert.deepEqual(nameIsDNSSubdomain("web-", false), [SUBDOMAIN_MSG]);
  assert.deepEqual(nameIsDNSLabel("web-", true), []);
  assert.deepEqual(nameIsDNSLabel("a-", true), []);
  // A lone "-" is not masked.
  assert.deepEqual(nameIsDNSLabel("-", true), [LABEL_MSG]);
  // The quirk: the character before the dash is dropped too, so "x.-" is checked as "xa".
  assert.deepEqual(nameIsDNSLabel("x.-", true), []);
  assert.deepEqual(nameIsDNSSubdomain("Web-", true), [SUBDOMAIN_MSG]);
  assert.deepEqual(nameIsPathSegment(".", true), []);
  assert.deepEqual(nameIsPathSegment(".", false), ["may not be '.'"]);
  assert.deepEqual(nameIsPathSegment("a/", true), ["may not contain '/'"]);
});

test("generateName appends 5 characters from Kubernetes' alphabet", () => {
  for (let i = 0; i < 200; i++) {
    const n = generateName("web-");
    assert.match(n, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  }
  assert.equal(generateName("x-", () => 0), "x-bbbbb");
  assert.equal(generateName("x-", () => 0.999999), "x-99999");
  assert.equal(MaxGeneratedNameLength, 58);
  const long = generateName("p".repeat(100));
  assert.equal(long.length, 63);
  assert.ok(long.startsWith("p".repeat(58)));
  assert.equal(generateName("").length, 5);
  assert.deepEqual(isDNS1123Label(generateName("abc-")), []);
});

test("validateLabels reports on the labels path", () => {
  assert.deepEqual(validateLabels(undefined, "metadata.labels"), []);
  assert.deepEqual(validateLabels({ app: "web", "app.kubernetes.io/name": "x", empty: "" }, "metadata.labels"), []);
  assert.deepEqual(validateLabels({ "bad key": "-bad" }, "metadata.labels"), [
    { type: "FieldValueInvalid", field: "metadata.labels", message: `Invalid value: "bad key": ${KEY_NAME_MSG}` },
    { type: "FieldValueInvalid", field: "metadata.labels", message: `Invalid value: "-bad": ${VALUE_MSG}` },
  ]);
});

test("validateAnnotations: case-insensitive keys and a 256 KiB total", () => {
  assert.deepEqual(validateAnnotations({ "Example.COM/Some_Key": "anything at all: ✓", "kubectl.kubernetes.io/last-applied-configuration": "{}" }, "metadata.annotations"), []);
  assert.deepEqual(validateAnnotations({ "a b": "x" }, "metadata.annotations"), [
    { type: "FieldValueInvalid", field: "metadata.annotations", message: `Invalid value: "a b": ${KEY_NAME_MSG}` },
  ]);
  const limit = TotalAnnotationSizeLimitB;
  assert.equal(limit, 262144);
  assert.deepEqual(validateAnnotations({ k: "v".repeat(limit - 1) }, "metadata.annotations"), []);
  assert.deepEqual(validateAnnotations({ k: "v".repeat(limit) }, "metadata.annotations"), [
    { type: "FieldValueTooLong", field: "metadata.annotations", message: "Too long: may not be more than 262144 bytes" },
  ]);
  // Bytes, not characters.
  assert.equal(validateAnnotations({ k: "é".repeat(limit / 2) }, "metadata.annotations").length, 1);
  assert.equal(validateAnnotations({ a: "v".repeat(limit / 2), b: "v".repeat(limit / 2) }, "metadata.annotations").length, 1);
});

test("validateOwnerReferences", () => {
  const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u1" };
  assert.deepEqual(validateOwnerReferences([ref, { ...ref, apiVersion: "v1", kind: "Pod" }], "metadata.ownerReferences"), []);
  assert.deepEqual(
    validateOwnerReferences([{ apiVersion: "", kind: "", name: "", uid: "" }], "metadata.ownerReferences").map((e) => `${e.field}: ${e.message}`),
    [
      `metadata.ownerReferences[0].apiVersion: Invalid value: "": version must not be empty`,
      `metadata.ownerReferences[0].kind: Invalid value: "": must not be empty`,
      `metadata.ownerReferences[0].name: Invalid value: "": must not be empty`,
      `metadata.ownerReferences[0].uid: Invalid value: "": must not be empty`,
    ],
  );
  assert.equal(validateOwnerReferences([{ ...ref, apiVersion: "a/b/c" }], "m")[0].field, "m[0].apiVersion");
  assert.equal(validateOwnerReferences([{ ...ref, apiVersion: "apps/" }], "m")[0].message, `Invalid value: "apps/": version must not be empty`);
  const ev = validateOwnerReferences([{ ...ref, apiVersion: "v1", kind: "Event" }], "m");
  assert.equal(ev.length, 1);
  assert.equal(ev[0].field, "m[0]");
  assert.match(ev[0].message, /: \/v1, Kind=Event is disallowed from being an owner$/);
  assert.deepEqual(validateOwnerReferences([{ ...ref, apiVersion: "events.k8s.io/v1", kind: "Event" }], "m"), []);
  const two = validateOwnerReferences(
    [
      { ...ref, controller: true },
      { ...ref, kind: "Deployment", name: "d", controller: true },
    ],
    "metadata.ownerReferences",
  );
  assert.equal(two.length, 1);
  assert.equal(two[0].field, "metadata.ownerReferences");
  assert.match(two[0].message, /Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and Deployment\/d$/);
});

test("validateFinalizers", () => {
  assert.deepEqual(validateFinalizers(["kubernetes.io/pvc-protection", "foregroundDeletion", "example.com/x"], "metadata.finalizers"), []);
  const errs = validateFinalizers(["bad finalizer", "orphan", "foregroundDeletion"], "metadata.finalizers");
  assert.equal(errs.length, 2);
  assert.equal(errs[0].message, `Invalid value: "bad finalizer": ${KEY_NAME_MSG}`);
  assert.equal(errs[1].message, `Invalid value: ["bad finalizer","orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set`);
});

const dns = { namespaced: true, nameFormat: "dns-subdomain" } as const;

test("validateObjectMeta: a valid object", () => {
  const meta: ObjectMeta = {
    name: "web-1",
    namespace: "default",
    labels: { app: "web" },
    annotations: { "example.com/note": "hi" },
    finalizers: ["example.com/cleanup"],
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "u", controller: true }],
    generation: 1,
  };
  assert.deepEqual(validateObjectMeta(meta, dns), []);
  assert.deepEqual(validateObjectMeta({ name: "my.domain.name" }, { namespaced: false, nameFormat: "dns-subdomain" }), []);
  assert.deepEqual(validateObjectMeta({ name: "system:admin" }, { namespaced: false, nameFormat: "path-segment" }), []);
});

test("validateObjectMeta: Kubernetes' messages for a bad name", () => {
  const errs = validateObjectMeta({ name: "Foo_Bar", namespace: "default" }, dns);
  assert.deepEqual(errs, [{ type: "FieldValueInvalid", field: "metadata.name", message: `Invalid value: "Foo_Bar": ${SUBDOMAIN_MSG}` }]);
  assert.equal(
    `${errs[0].field}: ${errs[0].message}`,
    `metadata.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  );
  assert.deepEqual(
    validateObjectMeta({ name: "a.b" }, { namespaced: false, nameFormat: "dns-label" }).map((e) => e.message),
    [`Invalid value: "a.b": must not contain dots`],
  );
  assert.deepEqual(
    validateObjectMeta({ name: ".." }, { namespaced: false, nameFormat: "path-segment" }).map((e) => e.message),
    [`Invalid value: "..": may not be '..'`],
  );
  assert.deepEqual(
    validateObjectMeta({ name: "a".repeat(254) }, { namespaced: false, nameFormat: "dns-subdomain" }).map((e) => e.message),
    [`Invalid value: "${"a".repeat(254)}": must be no more than 253 characters`],
  );
});

test("validateObjectMeta: name required; generateName checked as a prefix", () => {
  assert.deepEqual(validateObjectMeta({ namespace: "default" }, dns), [
    { type: "FieldValueRequired", field: "metadata.name", message: "Required value: name or generateName is required" },
  ]);
  assert.deepEqual(validateObjectMeta({ name: "", generateName: "web-" }, dns).map((e) => e.field), ["metadata.name"]);
  assert.deepEqual(validateObjectMeta({ name: "web-x7k2p", generateName: "web-" }, dns), []);
  const errs = validateObjectMeta({ name: "Web-x7k2p", generateName: "Web-" }, dns);
  assert.deepEqual(errs.map((e) => e.field), ["metadata.generateName", "metadata.name"]);
  assert.equal(errs[0].message, `Invalid value: "Web-": ${SUBDOMAIN_MSG}`);
});

test("validateObjectMeta: namespace format only when namespaced", () => {
  assert.deepEqual(validateObjectMeta({ name: "a", namespace: "Bad_NS" }, dns), [
    { type: "FieldValueInvalid", field: "metadata.namespace", message: `Invalid value: "Bad_NS": ${LABEL_MSG}` },
  ]);
  assert.deepEqual(validateObjectMeta({ name: "a", namespace: "a.b" }, dns).map((e) => e.message), [`Invalid value: "a.b": must not contain dots`]);
  // Presence and absence are the caller's concern.
  assert.deepEqual(validateObjectMeta({ name: "a" }, dns), []);
  assert.deepEqual(validateObjectMeta({ name: "a", namespace: "Bad_NS" }, { namespaced: false, nameFormat: "dns-subdomain" }), []);
});

test("validateObjectMeta: generation, labels, annotations, owners, finalizers, in order", () => {
  const errs = validateObjectMeta(
    {
      name: "ok",
      namespace: "default",
      generation: -1,
      labels: { "-": "x" },
      annotations: { "a b": "" },
      ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "", uid: "u" }],
      finalizers: ["x y"],
    },
    dns,
  );
  assert.deepEqual(
    errs.map((e) => e.field),
    ["metadata.generation", "metadata.labels", "metadata.annotations", "metadata.ownerReferences[0].name", "metadata.finalizers"],
  );
  assert.equal(errs[0].message, "Invalid value: -1: must be greater than or equal to 0");
});

test("validateObjectMeta: a custom field path", () => {
  const errs = validateObjectMeta({ name: "X" }, { namespaced: false, nameFormat: "dns-label", fldPath: "spec.template.metadata" });
  assert.deepEqual(errs.map((e) => e.field), ["spec.template.metadata.name"]);
});
