import { test } from "node:test";
import assert from "node:assert/strict";
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { FakeCluster } from "../fake.js";
import { pvBinderController as c } from "./index.js";

type PVOpts = { modes?: string[]; cls?: string; mode?: string; labels?: Record<string, string>; policy?: string };

async function addPV(f: FakeCluster, name: string, storage: string, o: PVOpts = {}) {
  await f.create("persistentvolumes", {
    metadata: { name, labels: o.labels },
    spec: {
      capacity: { storage },
      accessModes: o.modes ?? ["ReadWriteOnce"],
      storageClassName: o.cls,
      volumeMode: o.mode,
      persistentVolumeReclaimPolicy: o.policy,
      hostPath: { path: `/data/${name}` },
    },
  });
  // The binder makes a new volume Available.
  await c.reconcile({ namespace: "", name }, f.context());
}

async function addPVC(f: FakeCluster, name: string, storage: string, spec: Record<string, unknown> = {}) {
  // storageClassName "" is "no class"; leaving it unset would pick the default class (see the provisioning test).
  await f.create("persistentvolumeclaims", { metadata: { name, namespace: "default" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } }, storageClassName: "", ...spec } });
}

const pv = (f: FakeCluster, name: string) => f.get("persistentvolumes", "", name) as unknown as PersistentVolume | undefined;
const pvc = (f: FakeCluster, name: string) => f.get("persistentvolumeclaims", "default", name) as unknown as PersistentVolumeClaim;
const syncClaim = (f: FakeCluster, name: string) => c.reconcile({ namespace: "default", name }, f.context());

test("a Pending claim binds to the smallest matching Available volume; both turn Bound", async () => {
  const f = new FakeCluster();
  await addPV(f, "tiny", "1Gi");
  await addPV(f, "large", "20Gi");
  await addPV(f, "medium", "5Gi");
  await addPV(f, "rwx-small", "4Gi", { modes: ["ReadWriteOnce", "ReadWriteMany"] });
  await addPV(f, "fast", "4Gi", { cls: "fast" });
  await addPV(f, "block", "4Gi", { mode: "Block" });
  assert.equal(pv(f, "medium")!.status!.phase, "Available");
  await addPVC(f, "data", "3Gi");
  await syncClaim(f, "data");

  const claim = pvc(f, "data");
  const vol = pv(f, "medium")!;
  assert.equal(claim.spec!.volumeName, "medium", "fewest access modes first, then the smallest that fits");
  assert.equal(claim.status!.phase, "Bound");
  assert.deepEqual(claim.status!.capacity, { storage: "5Gi" });
  assert.deepEqual(claim.status!.accessModes, ["ReadWriteOnce"]);
  assert.equal(claim.metadata!.annotations!["pv.kubernetes.io/bind-completed"], "yes");
  assert.equal(claim.metadata!.annotations!["pv.kubernetes.io/bound-by-controller"], "yes");
  assert.equal(vol.status!.phase, "Bound");
  assert.deepEqual(vol.spec!.claimRef, { kind: "PersistentVolumeClaim", apiVersion: "v1", namespace: "default", name: "data", uid: claim.metadata!.uid });
  assert.equal(vol.metadata!.annotations!["pv.kubernetes.io/bound-by-controller"], "yes");

  const writes = f.writes.length;
  await syncClaim(f, "data");
  await c.reconcile({ namespace: "", name: "medium" }, f.context());
  assert.equal(f.writes.length, writes, "a bound pair writes nothing");
});

test("class and selector narrow the choice; no match leaves the claim Pending with an event", async () => {
  const f = new FakeCluster();
  await addPV(f, "fast-silver", "10Gi", { cls: "fast", labels: { tier: "silver" } });
  await addPV(f, "fast-gold", "10Gi", { cls: "fast", labels: { tier: "gold" } });
  await addPVC(f, "db", "1Gi", { storageClassName: "fast", selector: { matchLabels: { tier: "gold" } } });
  await syncClaim(f, "db");
  assert.equal(pvc(f, "db").spec!.volumeName, "fast-gold");

  await addPVC(f, "more", "1Gi");
  await syncClaim(f, "more");
  assert.equal(pvc(f, "more").status!.phase, "Pending");
  assert.ok(f.events.some((e) => e.reason === "FailedBinding" && e.message === "no persistent volumes available for this claim and no storage class is set"));

  // A new volume maps to the waiting claim.
  await addPV(f, "plain", "2Gi");
  const keys = c.watches![0].map(f.get("persistentvolumes", "", "plain")!, f);
  assert.ok(keys.some((k) => k.namespace === "default" && k.name === "more"));
  await syncClaim(f, "more");
  assert.equal(pvc(f, "more").spec!.volumeName, "plain");
});

test("reclaim: Delete deletes the released volume, Retain keeps it Released, Recycle makes it Available", async () => {
  const f = new FakeCluster();
  for (const policy of ["Delete", "Retain", "Recycle"]) {
    await addPV(f, policy.toLowerCase(), "1Gi", { policy, cls: policy });
    await addPVC(f, policy.toLowerCase(), "1Gi", { storageClassName: policy });
    await syncClaim(f, policy.toLowerCase());
    assert.equal(pv(f, policy.toLowerCase())!.status!.phase, "Bound");
    await f.delete("persistentvolumeclaims", "default", policy.toLowerCase());
    f.writes.length = 0;
    await syncClaim(f, policy.toLowerCase());
  }
  assert.equal(pv(f, "delete"), undefined);

  const retained = pv(f, "retain")!;
  assert.equal(retained.status!.phase, "Released");
  assert.equal(retained.spec!.claimRef!.name, "retain");
  f.writes.length = 0;
  await c.reconcile({ namespace: "", name: "retain" }, f.context());
  assert.deepEqual(f.writes, [], "a Released, retained volume stays as it is");

  const recycled = pv(f, "recycle")!;
  assert.equal(recycled.status!.phase, "Available");
  assert.equal(recycled.spec!.claimRef, undefined);
  assert.ok(f.events.some((e) => e.reason === "VolumeRecycled"));
});

test("a claim naming its volume binds to it; a bound claim whose volume is gone is Lost", async () => {
  const f = new FakeCluster();
  await addPV(f, "mine", "1Gi");
  await addPV(f, "small", "1Gi");
  await addPVC(f, "pinned", "1Gi", { volumeName: "mine" });
  await syncClaim(f, "pinned");
  const claim = pvc(f, "pinned");
  assert.equal(claim.status!.phase, "Bound");
  assert.equal(claim.metadata!.annotations!["pv.kubernetes.io/bound-by-controller"], undefined, "the user chose the volume");
  assert.equal(pv(f, "mine")!.spec!.claimRef!.uid, claim.metadata!.uid);

  await addPVC(f, "too-big", "5Gi", { volumeName: "small" });
  await syncClaim(f, "too-big");
  assert.equal(pvc(f, "too-big").status!.phase, "Pending");
  assert.ok(f.events.some((e) => e.reason === "VolumeMismatch" && e.message === 'Cannot bind to requested volume "small": requested PV is too small'));

  await f.delete("persistentvolumes", "", "mine");
  await syncClaim(f, "pinned");
  assert.equal(pvc(f, "pinned").status!.phase, "Lost");
  assert.ok(f.events.some((e) => e.reason === "ClaimLost"));
});

test("a claim of the default class with no matching volume gets a provisioned hostPath volume", async () => {
  const f = new FakeCluster();
  await f.create("persistentvolumeclaims", { metadata: { name: "auto", namespace: "default" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } } });
  const claim = pvc(f, "auto");
  assert.equal(claim.spec!.storageClassName, "standard", "the default class is filled in");
  await syncClaim(f, "auto");
  const name = `pvc-${claim.metadata!.uid}`;
  const vol = pv(f, name)!;
  assert.ok(vol, "a volume was provisioned");
  assert.deepEqual(vol.spec!.capacity, { storage: "2Gi" });
  assert.equal(vol.spec!.persistentVolumeReclaimPolicy, "Delete");
  assert.match(vol.spec!.hostPath!.path, new RegExp(name));
  await c.reconcile({ namespace: "", name }, f.context());
  await syncClaim(f, "auto");
  assert.equal(pvc(f, "auto").status!.phase, "Bound");
  assert.equal(pvc(f, "auto").spec!.volumeName, name);
  assert.equal(pv(f, name)!.status!.phase, "Bound");
});
