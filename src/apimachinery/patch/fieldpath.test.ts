import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldSet, fieldElement, keyElement, pathString, valueElement, type Path } from "./fieldpath.js";

const roundTrip = (text: string) => JSON.stringify(FieldSet.fromFieldsV1(JSON.parse(text)).toFieldsV1());

describe("FieldSet", () => {
  it("round-trips FieldsV1 byte for byte (structured-merge-diff's own examples)", () => {
    const canonical = [
      `{"f:aaa":{},"f:aab":{},"f:aac":{},"f:aad":{},"f:aae":{},"f:aaf":{},"k:{\\"name\\":\\"first\\"}":{},"k:{\\"name\\":\\"second\\"}":{},"k:{\\"port\\":443,\\"protocol\\":\\"tcp\\"}":{},"k:{\\"port\\":443,\\"protocol\\":\\"udp\\"}":{},"v:1":{},"v:2":{},"v:3":{},"v:\\"aa\\"":{},"v:\\"ab\\"":{},"v:true":{},"i:1":{},"i:2":{},"i:3":{},"i:4":{}}`,
      `{"f:spec":{".":{},"f:apps":{".":{},"k:{\\"name\\":\\" app-💻\\"}":{".":{},"f:container":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"name\\":\\"port 🔑\\"}":{".":{},"f:containerPort":{},"f:name":{}}}},"f:name":{}},"k:{\\"name\\":\\" app-🚀\\"}":{".":{},"f:container":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"name\\":\\"port-✅ \\"}":{".":{},"f:containerPort":{},"f:name":{}}}},"f:name":{}}}}}`,
    ];
    for (const text of canonical) assert.equal(roundTrip(text), text);
  });

  it("normalises order, key field order and value spelling", () => {
    const messy = JSON.stringify({
      "v: 3": {},
      "i:2": {},
      'k:{ "protocol":"udp","port":443}': {},
      "f:b": {},
      "f:a": { "f:y": {}, ".": {}, "f:x": {} },
    });
    assert.equal(roundTrip(messy), `{"f:a":{".":{},"f:x":{},"f:y":{}},"f:b":{},"k:{\\"port\\":443,\\"protocol\\":\\"udp\\"}":{},"v:3":{},"i:2":{}}`);
  });

  it("ignores path elements of unknown types, as Kubernetes does", () => {
    assert.deepEqual(FieldSet.fromFieldsV1({ "f:a": {}, "z:whatever": {} }).toFieldsV1(), { "f:a": {} });
    assert.throws(() => FieldSet.fromFieldsV1({ "k:not json": {} }));
  });

  it("writes a node that is both owned and has owned children with '.'", () => {
    const s = FieldSet.of(["f:metadata", "f:labels"], ["f:metadata", "f:labels", "f:app"], ["f:spec", "f:replicas"]);
    assert.deepEqual(s.toFieldsV1(), {
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": { "f:replicas": {} },
    });
  });

  it("spells map-list keys and set values like Kubernetes", () => {
    assert.equal(keyElement([["name", "nginx"]]), 'k:{"name":"nginx"}');
    assert.equal(
      keyElement([
        ["protocol", "TCP"],
        ["containerPort", 80],
      ]),
      'k:{"containerPort":80,"protocol":"TCP"}',
    );
    assert.equal(valueElement("example.com/finalizer"), 'v:"example.com/finalizer"');
    // Go's encoder escapes HTML-significant characters.
    assert.equal(keyElement([["name", "a<b&c"]]), 'k:{"name":"a\\u003cb\\u0026c"}');
  });

  it("computes unions, intersections and differences", () => {
    const a = FieldSet.of(["f:spec", "f:replicas"], ["f:spec", "f:paused"], ["f:metadata", "f:labels", "f:app"]);
    const b = FieldSet.of(["f:spec", "f:replicas"], ["f:spec", "f:minReadySeconds"]);
    assert.deepEqual(a.union(b).paths(), [
      ["f:metadata", "f:labels", "f:app"],
      ["f:spec", "f:minReadySeconds"],
      ["f:spec", "f:paused"],
      ["f:spec", "f:replicas"],
    ]);
    assert.deepEqual(a.intersection(b).paths(), [["f:spec", "f:replicas"]]);
    assert.deepEqual(a.difference(b).paths(), [
      ["f:metadata", "f:labels", "f:app"],
      ["f:spec", "f:paused"],
    ]);
    assert.ok(a.intersection(FieldSet.of(["f:status"])).empty());
  });

  it("removes what lies below a member only in a recursive difference", () => {
    const s = FieldSet.of(["f:status", "f:replicas"], ["f:spec", "f:replicas"]);
    const status = FieldSet.of(["f:status"]);
    assert.deepEqual(s.difference(status).paths(), s.paths());
    assert.deepEqual(s.recursiveDifference(status).paths(), [["f:spec", "f:replicas"]]);
  });

  it("answers membership and prefix queries", () => {
    const s = FieldSet.of(["f:spec", "f:containers", 'k:{"name":"a"}'], ["f:spec", "f:containers", 'k:{"name":"a"}', "f:image"]);
    assert.ok(s.has(["f:spec", "f:containers", 'k:{"name":"a"}']));
    assert.ok(!s.has(["f:spec", "f:containers"]));
    assert.ok(!s.has([]));
    assert.deepEqual(s.withPrefix("f:spec").paths(), [
      ["f:containers", 'k:{"name":"a"}'],
      ["f:containers", 'k:{"name":"a"}', "f:image"],
    ]);
    assert.ok(s.withPrefix("f:status").empty());
  });

  it("never tracks the empty path (the whole object)", () => {
    assert.ok(FieldSet.of([]).empty());
  });
});

describe("pathString", () => {
  it("prints paths the way conflicts report them", () => {
    const p = (...pes: Path) => pathString(pes);
    assert.equal(p(fieldElement("spec"), fieldElement("replicas")), ".spec.replicas");
    assert.equal(
      p("f:spec", "f:template", "f:spec", "f:containers", keyElement([["name", "nginx"]]), "f:image"),
      '.spec.template.spec.containers[name="nginx"].image',
    );
    assert.equal(
      p(
        "f:ports",
        keyElement([
          ["containerPort", 80],
          ["protocol", "TCP"],
        ]),
      ),
      '.ports[containerPort=80,protocol="TCP"]',
    );
    assert.equal(p("f:metadata", "f:finalizers", valueElement("a/b")), '.metadata.finalizers[="a/b"]');
    assert.equal(p("f:list", "i:3"), ".list[3]");
  });
});
