import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../status.js";
import { unknownType } from "./schema-walk.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";
import { defs, deploymentType } from "./testdata.js";

type Obj = Record<string, any>;

const smp = (doc: unknown, patch: unknown): Obj => applyStrategicMergePatch(doc, patch, deploymentType);

function live(): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web", tier: "frontend" }, finalizers: ["a.example.com/x", "b.example.com/y"] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "app",
              image: "app:1",
              command: ["run", "--fast"],
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
              ports: [{ containerPort: 8080, protocol: "TCP" }],
            },
            { name: "sidecar", image: "proxy:1" },
          ],
          volumes: [{ name: "data", emptyDir: {} }],
          tolerations: [{ key: "k", operator: "Exists" }],
        },
      },
    },
  };
}

const containers = (o: Obj): Obj[] => o.spec.template.spec.containers;

function badRequest(f: () => unknown, message: string | RegExp) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return;
  }
  assert.fail("expected a 400");
}

describe("applyStrategicMergePatch", () => {
  it("merges maps, keeps what the patch does not mention and deletes keys set to null", () => {
    // kubectl label web env=prod tier-
    const out = smp(live(), { metadata: { labels: { env: "prod", tier: null, missing: null } } });
    assert.deepEqual(out.metadata.labels, { app: "web", env: "prod" });
    assert.equal(out.spec.replicas, 2);
  });

  it("merges a list of containers by name, leaving the other containers alone", () => {
    // kubectl set image deployment/web app=app:2
    const out = smp(live(), { spec: { template: { spec: { containers: [{ name: "app", image: "app:2" }] } } } });
    assert.deepEqual(
      containers(out).map((c) => [c.name, c.image]),
      [
        ["app", "app:2"],
        ["sidecar", "proxy:1"],
      ],
    );
    assert.deepEqual(containers(out)[0].env, live().spec.template.spec.containers[0].env);
  });

  it("puts items with a new key before the live ones, as Kubernetes does without $setElementOrder", () => {
    const out = smp(live(), { spec: { template: { spec: { containers: [{ name: "debug", image: "busybox" }] } } } });
    assert.deepEqual(
      containers(out).map((c) => c.name),
      ["debug", "app", "sidecar"],
    );
  });

  it("merges nested merge lists (env by name, ports by containerPort)", () => {
    const out = smp(live(), {
      spec: {
        template: {
          spec: {
            containers: [
              { name: "app", env: [{ name: "B", value: "two" }, { name: "C", value: "3" }], ports: [{ containerPort: 9090 }] },
            ],
          },
        },
      },
    });
    assert.deepEqual(containers(out)[0].env, [
      { name: "A", value: "1" },
      { name: "B", value: "two" },
      { name: "C", value: "3" },
    ]);
    assert.deepEqual(containers(out)[0].ports, [{ containerPort: 9090 }, { containerPort: 8080, protocol: "TCP" }]);
  });

  it("deletes one list item with $patch: delete", () => {
    const out = smp(live(), { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } });
    assert.deepEqual(
      containers(out).map((c) => c.name),
      ["app"],
    );
  });

  it("replaces a whole merge list with a $patch: replace item", () => {
    const out = smp(live(), {
      spec: { template: { spec: { containers: [{ name: "only", image: "x" }, { $patch: "replace" }] } } },
    });
    assert.deepEqual(containers(out), [{ name: "only", image: "x" }]);
  });

  it("replaces or clears a map with $patch: replace / delete", () => {
    let out = smp(live(), { metadata: { labels: { fresh: "yes", $patch: "replace" } } });
    assert.deepEqual(out.metadata.labels, { fresh: "yes" });
    out = smp(live(), { metadata: { labels: { $patch: "delete" } } });
    assert.deepEqual(out.metadata.labels, {});
    // A directive map for a field the object lacks adds nothing.
    out = smp(live(), { spec: { template: { spec: { nodeSelector: { $patch: "delete" } } } } });
    assert.equal("nodeSelector" in out.spec.template.spec, false);
  });

  it("rejects $patch: merge and unknown directives, as the apiserver does", () => {
    badRequest(() => smp(live(), { metadata: { labels: { $patch: "merge" } } }), /^unknown patch type: merge in map: map\[\$patch:merge\]$/);
    badRequest(
      () => smp(live(), { spec: { template: { spec: { containers: [{ name: "app", $patch: "merge" }] } } } }),
      "merging lists cannot yet be specified in the patch",
    );
    badRequest(
      () => smp(live(), { spec: { template: { spec: { containers: [{ name: "app", $patch: "frob" }] } } } }),
      "unknown patch type: frob in map: map[$patch:frob name:app]",
    );
  });

  it("unions primitive lists with merge strategy (finalizers) and deletes from them with $deleteFromPrimitiveList", () => {
    let out = smp(live(), { metadata: { finalizers: ["b.example.com/y", "c.example.com/z"] } });
    assert.deepEqual(out.metadata.finalizers, ["a.example.com/x", "b.example.com/y", "c.example.com/z"]);
    out = smp(live(), { metadata: { "$deleteFromPrimitiveList/finalizers": ["a.example.com/x"] } });
    assert.deepEqual(out.metadata.finalizers, ["b.example.com/y"]);
    badRequest(() => smp(live(), { metadata: { $deleteFromPrimitiveList: ["x"] } }), "invalid patch format of primitive list");
  });

  it("replaces lists without a merge strategy atomically", () => {
    const out = smp(live(), {
      spec: { template: { spec: { containers: [{ name: "app", command: ["run"] }], tolerations: [{ key: "other", operator: "Exists" }] } } },
    });
    assert.deepEqual(containers(out)[0].command, ["run"]);
    assert.deepEqual(out.spec.template.spec.tolerations, [{ key: "other", operator: "Exists" }]);
  });

  it("orders a merged list by $setElementOrder (kubectl apply adding a container in the middle)", () => {
    const out = smp(live(), {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "app" }, { name: "init" }, { name: "sidecar" }],
            containers: [{ name: "init", image: "init:1" }],
          },
        },
      },
    });
    assert.deepEqual(
      containers(out).map((c) => c.name),
      ["app", "init", "sidecar"],
    );
  });

  it("reorders existing items and primitive lists with $setElementOrder", () => {
    let out = smp(live(), {
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "app" }] } } },
    });
    assert.deepEqual(
      containers(out).map((c) => c.name),
      ["sidecar", "app"],
    );
    out = smp(live(), { metadata: { "$setElementOrder/finalizers": ["b.example.com/y", "a.example.com/x"] } });
    assert.deepEqual(out.metadata.finalizers, ["b.example.com/y", "a.example.com/x"]);
    badRequest(
      () =>
        smp(live(), {
          spec: {
            template: {
              spec: { "$setElementOrder/containers": [{ name: "app" }], containers: [{ name: "sidecar", image: "x" }] },
            },
          },
        }),
      /^The order in patch list:/,
    );
  });

  it("applies kubectl apply's three-way patch removing an env var", () => {
    const out = smp(live(), {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "app" }, { name: "sidecar" }],
            containers: [{ "$setElementOrder/env": [{ name: "A" }], env: [{ $patch: "delete", name: "B" }], name: "app" }],
          },
        },
      },
    });
    assert.deepEqual(containers(out)[0].env, [{ name: "A", value: "1" }]);
    assert.equal(containers(out).length, 2);
  });

  it("clears the old strategy with $retainKeys when switching RollingUpdate to Recreate", () => {
    // What kubectl apply sends when the manifest changes strategy.type to Recreate.
    const out = smp(live(), { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null } } });
    assert.deepEqual(out.spec.strategy, { type: "Recreate" });
    // Without the directive the old rollingUpdate would survive.
    assert.deepEqual(smp(live(), { spec: { strategy: { type: "Recreate" } } }).spec.strategy, {
      type: "Recreate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
    });
  });

  it("switches a volume's source with $retainKeys inside a merge,retainKeys list", () => {
    const out = smp(live(), {
      spec: {
        template: {
          spec: { volumes: [{ $retainKeys: ["configMap", "name"], name: "data", configMap: { name: "cfg" } }] },
        },
      },
    });
    assert.deepEqual(out.spec.template.spec.volumes, [{ name: "data", configMap: { name: "cfg" } }]);
  });

  it("rejects $retainKeys that do not list every field the patch sets", () => {
    badRequest(() => smp(live(), { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: { maxSurge: 1 } } } }), "invalid patch format of retainKeys");
    badRequest(() => smp(live(), { spec: { strategy: { $retainKeys: "type" } } }), "invalid patch format of retainKeys");
  });

  it("keeps new items and added fields free of nulls and directives, as the typed decode would", () => {
    const out = smp(live(), {
      spec: {
        paused: null,
        template: {
          spec: {
            hostname: "h",
            containers: [{ name: "new", image: "x", imagePullPolicy: null, env: [{ name: "A", $patch: "delete" }] }],
          },
        },
      },
    });
    // Kubernetes appends the raw item; decoding it drops the null and the unknown "$patch" key.
    assert.deepEqual(containers(out)[0], { name: "new", image: "x", env: [{ name: "A" }] });
    assert.equal("paused" in out.spec, false);
    assert.equal(out.spec.template.spec.hostname, "h");
  });

  it("falls back to JSON merge semantics for fields of unknown type", () => {
    const doc = { ...live(), extra: { keep: 1, list: [1, 2], nested: { a: 1 } } };
    const out = smp(doc, { extra: { list: [3], nested: { b: 2 }, gone: null } });
    assert.deepEqual(out.extra, { keep: 1, list: [3], nested: { a: 1, b: 2 } });
    // And with no schema at all.
    const noSchema = applyStrategicMergePatch(
      { spec: { containers: [{ name: "a" }, { name: "b" }] } },
      { spec: { containers: [{ name: "c" }] } },
      unknownType(defs),
    );
    assert.deepEqual(noSchema, { spec: { containers: [{ name: "c" }] } });
  });

  it("merges status conditions by type", () => {
    const doc = { ...live(), status: { conditions: [{ type: "Available", status: "False" }, { type: "Progressing", status: "True" }] } };
    const out = smp(doc, { status: { conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }] } });
    assert.deepEqual(out.status.conditions, [
      { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
      { type: "Progressing", status: "True" },
    ]);
  });

  it("reports a merge list item without its merge key", () => {
    badRequest(
      () => smp(live(), { spec: { template: { spec: { containers: [{ image: "x" }] } } } }),
      "map: map[image:x] does not contain declared merge key: name",
    );
  });

  it("returns 422 for lists of lists, 400 for a patch that is not an object", () => {
    try {
      smp({ metadata: { finalizers: [["a"]] } }, { metadata: { finalizers: [["b"]] } });
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 422);
      assert.deepEqual(e.details?.causes, [{ reason: "UnexpectedServerResponse", message: "lists of lists are not supported" }]);
    }
    badRequest(() => smp(live(), [{ op: "add" }]), "json: cannot unmarshal array into Go value of type map[string]interface {}");
  });

  it("applies kubectl edit's two-way patch and leaves its inputs alone", () => {
    const doc = live();
    const patch = {
      spec: {
        replicas: 4,
        template: { spec: { "$setElementOrder/containers": [{ name: "app" }, { name: "sidecar" }], containers: [{ name: "sidecar", image: "proxy:2" }] } },
      },
    };
    const patchCopy = structuredClone(patch);
    const out = smp(doc, patch);
    assert.equal(out.spec.replicas, 4);
    assert.deepEqual(
      containers(out).map((c) => c.image),
      ["app:1", "proxy:2"],
    );
    assert.deepEqual(doc, live());
    assert.deepEqual(patch, patchCopy);
  });
});
