import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KObject, ManagedFieldsEntry } from "../../registry/types.js";
import { ApiError } from "../status.js";
import { applyServerSide, managerFromUserAgent, updateManagedFields, type ApplyOptions } from "./field-manager.js";
import { deployment, deploymentType } from "./testdata.js";

// Test objects are navigated deep and loose; the functions under test take KObject.
type Obj = any;

const T0 = "2024-05-01T10:00:00Z";
const T1 = "2024-05-01T11:00:00Z";
const T2 = "2024-05-01T12:00:00Z";
const T3 = "2024-05-01T13:00:00Z";

const base = { apiVersion: "apps/v1", root: deploymentType };

function apply(live: KObject | undefined, applied: Obj, manager: string, now: string, extra: Partial<ApplyOptions> = {}): Obj {
  return applyServerSide(live, applied as KObject, { ...base, manager, now, force: false, ...extra });
}

function update(old: KObject | undefined, updated: Obj, manager: string, now: string, subresource?: string): Obj {
  return updateManagedFields(old, updated as KObject, { ...base, manager, now, subresource });
}

/** What the store adds on create. */
const stored = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, uid: "uid-1", resourceVersion: "1", creationTimestamp: T0, generation: 1 } });

const entry = (o: Obj, manager: string, operation = "Apply"): ManagedFieldsEntry | undefined =>
  (o.metadata.managedFields as ManagedFieldsEntry[] | undefined)?.find((e) => e.manager === manager && e.operation === operation);

const fields = (o: Obj, manager: string, operation = "Apply"): any => entry(o, manager, operation)?.fieldsV1;

function conflict(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 409);
    assert.equal(e.reason, "Conflict");
    return e;
  }
  assert.fail("expected a conflict");
}

describe("applyServerSide", () => {
  it("creates the object and its managedFields entry on first apply", () => {
    const out = apply(undefined, deployment(), "kubectl", T0);
    assert.equal(out.spec.replicas, 3);
    assert.deepEqual(out.metadata.managedFields, [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: T0,
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } } },
            },
          },
        },
      },
    ]);
  });

  it("never records apiVersion, kind or system metadata, and omits f:metadata when only the name is applied", () => {
    const out = apply(undefined, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x", namespace: "ns" }, spec: { replicas: 1 } }, "m", T0);
    assert.deepEqual(fields(out, "m"), { "f:spec": { "f:replicas": {} } });
  });

  it("removes a field the same manager no longer applies", () => {
    const first = stored(apply(undefined, deployment({ labels: { app: "nginx", team: "a" } }), "kubectl", T0));
    const again = deployment({ labels: { app: "nginx" } }) as Obj;
    again.spec.template.spec.containers[0].env = undefined;
    delete again.spec.replicas;
    const out = apply(first, again, "kubectl", T1);
    assert.deepEqual(out.metadata.labels, { app: "nginx" });
    assert.equal("replicas" in out.spec, false);
    assert.deepEqual(fields(out, "kubectl")?.["f:metadata"], { "f:labels": { "f:app": {} } });
    assert.equal(entry(out, "kubectl")?.time, T1);
  });

  it("removes a list item the manager no longer applies, with its unowned defaults", () => {
    const two = deployment() as Obj;
    two.spec.template.spec.containers.push({ name: "sidecar", image: "proxy" });
    const live = stored(apply(undefined, two, "kubectl", T0));
    // Defaulting filled in a field nobody owns.
    live.spec.template.spec.containers[1].terminationMessagePath = "/dev/termination-log";
    const out = apply(live, deployment(), "kubectl", T1);
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: Obj) => c.name),
      ["nginx"],
    );
  });

  it("keeps unowned fields (defaults) that were never applied", () => {
    const live = stored(apply(undefined, deployment(), "kubectl", T0));
    live.spec.template.spec.containers[0].terminationMessagePath = "/dev/termination-log";
    live.spec.minReadySeconds = 0;
    const out = apply(live, deployment({ image: "nginx:1.26" }), "kubectl", T1);
    assert.equal(out.spec.template.spec.containers[0].terminationMessagePath, "/dev/termination-log");
    assert.equal(out.spec.minReadySeconds, 0);
    assert.equal(out.spec.template.spec.containers[0].image, "nginx:1.26");
  });

  it("keeps a field the applier drops while another manager also owns it", () => {
    const live = stored(apply(undefined, deployment(), "a", T0));
    const shared = apply(live, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { replicas: 3 } }, "b", T1);
    const dropped = deployment() as Obj;
    delete dropped.spec.replicas;
    const out = apply(shared, dropped, "a", T2);
    assert.equal(out.spec.replicas, 3);
    assert.deepEqual(fields(out, "b"), { "f:spec": { "f:replicas": {} } });
    assert.equal(fields(out, "a")?.["f:spec"]["f:replicas"], undefined);
  });

  it("reports a conflict with an Update manager the way Kubernetes words it", () => {
    const created = stored(update(undefined, deployment(), "kubectl-client-side-apply", T0));
    const e = conflict(() =>
      apply(created, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { replicas: 5 } }, "ci", T1),
    );
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(e.details, {
      causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: ".spec.replicas" }],
    });
  });

  it("reports conflicts with other appliers, grouped by manager", () => {
    const live = stored(apply(undefined, deployment(), "alice", T0));
    const e = conflict(() => apply(live, deployment({ replicas: 5, image: "nginx:2" }), "bob", T1));
    assert.equal(
      e.message,
      'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    assert.deepEqual(
      e.details?.causes?.map((c) => [c.message, c.field]),
      [
        ['conflict with "alice"', ".spec.replicas"],
        ['conflict with "alice"', '.spec.template.spec.containers[name="nginx"].image'],
      ],
    );
  });

  it("shares ownership without conflict when the applied value is the same", () => {
    const live = stored(apply(undefined, deployment(), "alice", T0));
    const out = apply(live, deployment(), "bob", T1);
    assert.deepEqual(fields(out, "bob"), fields(out, "alice"));
  });

  it("takes ownership with force", () => {
    const live = stored(apply(undefined, deployment(), "alice", T0));
    const out = apply(live, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { replicas: 7 } }, "hpa", T1, {
      force: true,
    });
    assert.equal(out.spec.replicas, 7);
    assert.deepEqual(fields(out, "hpa"), { "f:spec": { "f:replicas": {} } });
    assert.equal(fields(out, "alice")?.["f:spec"]["f:replicas"], undefined);
    assert.ok(fields(out, "alice")?.["f:spec"]["f:template"]);
  });

  it("moves ownership of a field changed by a later update to the updater", () => {
    const live = stored(apply(undefined, deployment(), "kubectl", T0));
    const edited = structuredClone(live);
    edited.spec.template.spec.containers[0].image = "nginx:1.26";
    const out = update(live, edited, "kubectl-edit", T1);
    assert.deepEqual(fields(out, "kubectl-edit", "Update"), {
      "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { "f:image": {} } } } } },
    });
    assert.deepEqual(fields(out, "kubectl")?.["f:spec"]["f:template"]["f:spec"], {
      "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:name": {} } },
    });
    // Entries are ordered Apply first, then by time.
    assert.deepEqual(
      out.metadata.managedFields.map((e: ManagedFieldsEntry) => `${e.operation}:${e.manager}`),
      ["Apply:kubectl", "Update:kubectl-edit"],
    );
    // Applying the old image now conflicts with the editor.
    const e = conflict(() => apply(out, deployment(), "kubectl", T2));
    assert.match(e.message, /conflict with "kubectl-edit" using apps\/v1: \.spec\.template\.spec\.containers\[name="nginx"\]\.image$/);
  });

  it("merges map lists by key, unions set lists and replaces atomic ones", () => {
    const withEnv = deployment() as Obj;
    withEnv.metadata.finalizers = ["example.com/a"];
    withEnv.spec.template.spec.containers[0].env = [{ name: "A", value: "1" }];
    withEnv.spec.template.spec.containers[0].command = ["nginx", "-g"];
    const live = stored(apply(undefined, withEnv, "kubectl", T0));
    const out = apply(
      live,
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "nginx", finalizers: ["example.com/b"] },
        spec: { template: { spec: { containers: [{ name: "nginx", env: [{ name: "B", value: "2" }], command: ["other"] }] } } },
      },
      "tool",
      T1,
      { force: true },
    );
    const c = out.spec.template.spec.containers[0];
    assert.deepEqual(out.metadata.finalizers, ["example.com/a", "example.com/b"]);
    assert.deepEqual(c.env, [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    assert.deepEqual(c.command, ["other"]);
    assert.equal(c.image, "nginx:1.25");
    assert.deepEqual(fields(out, "tool")?.["f:metadata"], { "f:finalizers": { 'v:"example.com/b"': {} } });
  });

  it("keys list items by all their map keys, filling in key defaults", () => {
    const withPort = deployment() as Obj;
    withPort.spec.template.spec.containers[0].ports = [{ containerPort: 80 }];
    const out = apply(undefined, withPort, "kubectl", T0);
    const container = fields(out, "kubectl")?.["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}'];
    assert.deepEqual(container["f:ports"], { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } });
  });

  it("rejects duplicate keys in the applied configuration", () => {
    const dup = deployment() as Obj;
    dup.spec.template.spec.containers.push({ name: "nginx", image: "other" });
    assert.throws(
      () => apply(undefined, dup, "kubectl", T0),
      (e: unknown) =>
        e instanceof ApiError && e.code === 400 && e.message.includes('.spec.template.spec.containers: duplicate entries for key [name="nginx"]'),
    );
  });

  it("rejects managedFields in the applied object and a mismatched apiVersion", () => {
    const withMF = { ...deployment(), metadata: { name: "nginx", managedFields: [] } };
    assert.throws(() => apply(undefined, withMF, "kubectl", T0), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === "metadata.managedFields must be nil");
    assert.throws(
      () => apply(undefined, { ...deployment(), apiVersion: "apps/v1beta1" }, "kubectl", T0),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === "invalid object type: apps/v1beta1, Kind=Deployment",
    );
  });

  it("does not track status applied through the main resource", () => {
    const out = apply(undefined, { ...deployment(), status: { replicas: 3 } }, "kubectl", T0);
    assert.equal(fields(out, "kubectl")?.["f:status"], undefined);
  });

  it("keeps the entry's time when an apply changes nothing", () => {
    const live = stored(apply(undefined, deployment(), "kubectl", T0));
    const out = apply(live, deployment(), "kubectl", T1);
    assert.deepEqual(out, live);
  });

  it("gives the fields of an untracked object to before-first-apply", () => {
    const legacy = stored(deployment({ replicas: 2 }));
    const out = apply(legacy, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { paused: true } }, "kubectl", T1);
    assert.deepEqual(
      out.metadata.managedFields.map((e: ManagedFieldsEntry) => `${e.operation}:${e.manager}`),
      ["Apply:kubectl", "Update:before-first-apply"],
    );
    assert.ok(fields(out, "before-first-apply", "Update")?.["f:spec"]["f:replicas"]);
  });

  it("lets kubectl --server-side take over from client-side apply and keeps the annotation in sync", () => {
    const LAST = "kubectl.kubernetes.io/last-applied-configuration";
    const csa = deployment() as Obj;
    csa.metadata.annotations = { [LAST]: JSON.stringify(deployment()) };
    const live = stored(update(undefined, csa, "kubectl-client-side-apply", T0));
    // Another manager gets the same conflicts: client-side apply owns replicas.
    conflict(() => apply(live, deployment({ replicas: 5 }), "someone", T1));
    const out = apply(live, deployment({ replicas: 5 }), "kubectl", T1);
    assert.equal(out.spec.replicas, 5);
    assert.equal(fields(out, "kubectl-client-side-apply", "Update")?.["f:spec"]["f:replicas"], undefined);
    const annotation = JSON.parse(out.metadata.annotations[LAST]);
    assert.equal(annotation.spec.replicas, 5);
    assert.ok(out.metadata.annotations[LAST].endsWith("}\n"));
  });
});

describe("updateManagedFields", () => {
  it("records a create as an Update with every field, like Kubernetes' typed comparison", () => {
    // "." marks maps and items that appeared; structs that Go always has (spec,
    // template) do not get one, and an empty non-pointer struct (resources) is owned.
    const out = update(undefined, deployment(), "kubectl-create", T0);
    assert.deepEqual(out.metadata.managedFields, [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "apps/v1",
        time: T0,
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
              "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {}, "f:resources": {} } } },
            },
          },
        },
      },
    ]);
  });

  it("adds a write's changes to the same manager's entry and leaves no-op writes alone", () => {
    const created = stored(update(undefined, deployment(), "kubectl-create", T0));
    const labelled = structuredClone(created);
    labelled.metadata.labels.team = "web";
    const out = update(created, labelled, "kubectl-label", T1);
    assert.deepEqual(fields(out, "kubectl-label", "Update"), { "f:metadata": { "f:labels": { "f:team": {} } } });
    const again = structuredClone(out);
    again.metadata.labels.tier = "x";
    const twice = update(out, again, "kubectl-label", T2);
    assert.deepEqual(fields(twice, "kubectl-label", "Update"), { "f:metadata": { "f:labels": { "f:team": {}, "f:tier": {} } } });
    assert.equal(entry(twice, "kubectl-label", "Update")?.time, T2);
    assert.deepEqual(update(twice, structuredClone(twice), "kubectl-label", T3), twice);
  });

  it("takes removed fields away from their owners", () => {
    const created = stored(update(undefined, deployment(), "kubectl-create", T0));
    const unlabelled = structuredClone(created);
    delete unlabelled.metadata.labels;
    const out = update(created, unlabelled, "kubectl-label", T1);
    assert.equal(fields(out, "kubectl-create", "Update")?.["f:metadata"], undefined);
    assert.equal(entry(out, "kubectl-label", "Update"), undefined);
  });

  it("records subresource writes separately and never attributes reset fields", () => {
    const created = stored(update(undefined, deployment(), "kubectl-create", T0));
    const withStatus = { ...structuredClone(created), status: { replicas: 3, readyReplicas: 3 } };
    const out = update(created, withStatus, "kube-controller-manager", T1, "status");
    assert.deepEqual(entry(out, "kube-controller-manager", "Update"), {
      manager: "kube-controller-manager",
      operation: "Update",
      apiVersion: "apps/v1",
      time: T1,
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { "f:readyReplicas": {}, "f:replicas": {} } },
      subresource: "status",
    });
    // A main-resource write that carries status does not own it.
    const main = update(created, withStatus, "someone", T1);
    assert.equal(entry(main, "someone", "Update"), undefined);
  });

  it("leaves an object stored without managedFields untracked, and resets on managedFields: []", () => {
    const legacy = stored(deployment());
    const edited = { ...structuredClone(legacy), spec: { ...legacy.spec, replicas: 9 } };
    assert.equal(update(legacy, edited, "kubectl-edit", T1).metadata.managedFields, undefined);

    const tracked = stored(update(undefined, deployment(), "kubectl-create", T0));
    const reset = structuredClone(tracked);
    reset.metadata.managedFields = [];
    assert.equal(update(tracked, reset, "kubectl-replace", T1).metadata.managedFields, undefined);
  });

  it("caps Update entries at 10, folding the oldest into ancient-changes", () => {
    let live = stored(update(undefined, deployment(), "creator", "2024-05-01T00:00:00Z"));
    for (let i = 0; i < 11; i++) {
      const next = structuredClone(live);
      next.metadata.labels[`l${i}`] = "x";
      live = update(live, next, `writer-${String(i).padStart(2, "0")}`, `2024-05-01T01:${String(i).padStart(2, "0")}:00Z`);
    }
    const managers = live.metadata.managedFields.map((e: ManagedFieldsEntry) => e.manager);
    assert.equal(managers.length, 10);
    assert.ok(managers.includes("ancient-changes"));
    assert.ok(!managers.includes("creator"));
    assert.ok(fields(live, "ancient-changes", "Update")?.["f:spec"]);
  });
});

describe("managerFromUserAgent", () => {
  it("takes the user agent's product name, as Kubernetes does without ?fieldManager", () => {
    assert.equal(managerFromUserAgent("kubectl/v1.30.0 (linux/amd64) kubernetes/abc123"), "kubectl");
    assert.equal(managerFromUserAgent("kube-controller-manager/v1.30.0 (linux/amd64) kubernetes/abc/system:serviceaccount"), "kube-controller-manager");
    assert.equal(managerFromUserAgent("Go-http-client/1.1"), "Go-http-client");
    assert.equal(managerFromUserAgent("bad\u0000name\tx/1"), "badnamex");
    assert.equal(managerFromUserAgent("x".repeat(200)), "x".repeat(128));
    assert.equal(managerFromUserAgent(""), "");
  });
});
