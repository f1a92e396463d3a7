import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "./status.js";
import { goDuration, isProtobuf, protobufToJson } from "./protobuf.js";

/**
 * Request bodies kubectl 1.33 sent for `kubectl create namespace capns`, `create deployment capd --image=nginx
 * --replicas=0 --port=8080`, `create service clusterip caps --tcp=80:8080`, `create secret generic capsec
 * --from-literal=a=b`, `create quota capq --hard=cpu=2,pods=5`, `create pdb cappdb --selector=a=b
 * --min-available=50%`, `create token default --duration=1h`, `create rolebinding caprb --clusterrole=view
 * --user=bob` and `create ingress capi --rule="a.com/p*=s33:80" --class=nginx` (captured on the wire).
 */
const KUBECTL_133: Record<string, string> = {
  namespace: "6b3873000a0f0a02763112094e616d657370616365121d0a150a056361706e7312001a0022002a0032003800420012001a020a001a002200",
  deployment: "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c0010a240a046361706412001a0370333322002a003200380042005a0b0a036170701204636170641289010800120d0a0b0a036170701204636170641a6e0a1d0a0012001a0022002a003200380042005a0b0a03617070120463617064124d122f0a056e67696e7812056e67696e782a00320b0a00100018903f22002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200",
  service: "6b3873000a0d0a027631120753657276696365126f0a240a046361707312001a0370333322002a003200380042005a0b0a0361707012046361707312430a1b0a0738302d38303830120354435018502207080010903f1a002800120b0a036170701204636170731a002209436c757374657249503a00420052005a00600068001a020a001a002200",
  secret: "6b3873000a0c0a027631120653656372657412250a190a0663617073656312001a0370333322002a0032003800420012060a01611201621a001a002200",
  quota: "6b3873000a130a027631120d5265736f7572636551756f746112360a170a046361707112001a0370333322002a0032003800420012190a0a0a0363707512030a01320a0b0a04706f647312030a01351a001a002200",
  pdb: "6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123e0a190a0663617070646212001a0370333322002a0032003800420012150a09080110001a0335302512080a060a01611201621a0a080018002000280030001a002200",
  token: "6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e52657175657374121d0a100a0012001a0022002a00320038004200120320901c1a040a0012001a002200",
  rolebinding: "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c6542696e64696e6712740a180a05636170726212001a0370333322002a0032003800420012280a04557365721219726261632e617574686f72697a6174696f6e2e6b38732e696f1a03626f6222001a2e0a19726261632e617574686f72697a6174696f6e2e6b38732e696f120b436c7573746572526f6c651a04766965771a002200",
  ingress: "6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e677265737312500a170a046361706912001a0370333322002a0032003800420012311a280a05612e636f6d121f0a1d0a1b0a022f70120d220b0a0373333312040a0010501a0650726566697822056e67696e781a020a001a002200",
};
const decode = (name: string) => JSON.parse(protobufToJson(Uint8Array.from(Buffer.from(KUBECTL_133[name], "hex"))));

test("kubectl's namespace: type meta from the envelope, Go's zero values as its JSON has them (no empty strings, a null time)", () => {
  assert.deepEqual(decode("namespace"), { apiVersion: "v1", kind: "Namespace", metadata: { name: "capns", creationTimestamp: null }, spec: {}, status: {} });
});

test("kubectl's deployment: replicas 0 (a pointer) kept, non-pointer zeros (hostPort, stdin, minReadySeconds) dropped", () => {
  const d = decode("deployment");
  assert.equal(d.apiVersion, "apps/v1");
  assert.equal(d.spec.replicas, 0);
  assert.deepEqual(d.spec.selector, { matchLabels: { app: "capd" } });
  assert.deepEqual(d.spec.template.spec.containers, [{ name: "nginx", image: "nginx", ports: [{ containerPort: 8080 }], resources: {} }]);
  assert.equal(d.spec.minReadySeconds, undefined);
  assert.equal(d.spec.template.metadata.creationTimestamp, null);
});

test("IntOrString, Quantity, bytes and maps read as their JSON forms", () => {
  const svc = decode("service");
  assert.deepEqual(svc.spec.ports, [{ name: "80-8080", protocol: "TCP", port: 80, targetPort: 8080 }]);
  assert.equal(svc.spec.type, "ClusterIP");
  assert.deepEqual(decode("pdb").spec.minAvailable, "50%");
  assert.deepEqual(decode("quota").spec.hard, { cpu: "2", pods: "5" });
  assert.deepEqual(decode("secret").data, { a: "Yg==" });
  assert.deepEqual(decode("token").spec, { expirationSeconds: 3600 });
});

test("RBAC and networking groups; embedded (inline) structs are flattened as JSON has them", () => {
  const rb = decode("rolebinding");
  assert.equal(rb.apiVersion, "rbac.authorization.k8s.io/v1");
  assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" });
  assert.deepEqual(rb.subjects, [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "bob" }]);
  const ing = decode("ingress");
  assert.equal(ing.spec.ingressClassName, "nginx");
  assert.deepEqual(ing.spec.rules, [{ host: "a.com", http: { paths: [{ path: "/p", pathType: "Prefix", backend: { service: { name: "s33", port: { number: 80 } } } }] } }]);
});

test("what is not a Kubernetes protobuf object is a 4xx with the reason", () => {
  const status = (hex: string) => {
    try {
      protobufToJson(Uint8Array.from(Buffer.from(hex, "hex")));
    } catch (e) {
      assert.ok(e instanceof ApiError);
      return `${e.code} ${e.message}`;
    }
    assert.fail("no error");
  };
  assert.match(status("7b7d"), /^400 .*prefix/);
  // Truncated: the namespace body cut in half.
  assert.match(status(KUBECTL_133.namespace.slice(0, 40)), /^400 protobuf: the body is not a valid object/);
  // A kind with no message: typeMeta {apiVersion "v1", kind "Nope"}.
  assert.match(status("6b3873000a0a0a02763112044e6f7065"), /^415 .*v1, Nope/);
  assert.ok(isProtobuf("application/vnd.kubernetes.protobuf; charset=binary"));
  assert.ok(!isProtobuf("application/json"));
});

test("durations print as Go prints them", () => {
  assert.equal(goDuration(0), "0s");
  assert.equal(goDuration(90e9), "1m30s");
  assert.equal(goDuration(3.6e12 + 1.5e9), "1h0m1.5s");
  assert.equal(goDuration(150e6), "150ms");
});
