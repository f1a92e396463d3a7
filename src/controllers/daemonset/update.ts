/**
 * DaemonSet RollingUpdate: replace pods whose controller-revision-hash is not
 * the template's. With maxSurge 0, old available pods are deleted only while
 * fewer than maxUnavailable nodes lack an available up-to-date pod (old pods
 * that are unavailable anyway go at once), and the manage pass creates their
 * replacements. With maxSurge, the new pod starts beside the old one, on at
 * most maxSurge nodes at a time, and the old one goes once the new one is
 * available (rollingUpdate's surge branch).
 */
import { scaledValue } from "../common/intstr.js";
import { isPodAvailable, isPodReady, type Pod } from "../common/pods.js";
import { REVISION_LABEL, type DaemonSet, type NodeView } from "./nodes.js";

/** updatedDesiredNodeCounts' maxUnavailable: scaled against the desired count, at least 1 when anything is desired. */
function maxUnavailable(ds: DaemonSet, desired: number): number {
  const n = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
  return desired > 0 && n === 0 ? 1 : n;
}

/** A node's pods (oldest first) split by revision: the template's and older ones. */
function byRevision(pods: Pod[], hash: string): { fresh: Pod[]; old: Pod[] } {
  const fresh: Pod[] = [];
  const old: Pod[] = [];
  for (const p of pods) (p.metadata.labels?.[REVISION_LABEL] === hash ? fresh : old).push(p);
  return { fresh, old };
}

/** findUpdatedPodsOnNode's input: the node's pods that are not terminating, by revision. */
const liveByRevision = (v: NodeView, hash: string) => byRevision(v.pods.filter((p) => !p.metadata.deletionTimestamp), hash);

export function podsToReplace(ds: DaemonSet, hash: string, views: NodeView[], now: number): Pod[] {
  const available = (p: Pod) => isPodAvailable(p, ds.spec.minReadySeconds, now);
  const max = maxUnavailable(ds, views.filter((v) => v.shouldRun).length);
  let unavailable = 0;
  const replace: Pod[] = [];
  const candidates: Pod[] = [];
  for (const v of views) {
    if (!v.shouldRun && !v.pods.length) continue;
    const { fresh, old } = liveByRevision(v, hash);
    if (fresh.length > 1 || old.length > 1 || fresh.length === old.length) {
      unavailable++; // missing, or more than one pod: manage sorts the node out
    } else if (fresh.length) {
      if (!available(fresh[0])) unavailable++;
    } else if (!available(old[0])) {
      replace.push(old[0]);
    } else if (unavailable < max) {
      candidates.push(old[0]);
    }
  }
  return [...replace, ...candidates.slice(0, Math.max(0, max - unavailable))];
}

/** util.AllowsSurge: maxSurge is not zero (a percentage counts whatever the node count). */
export function allowsSurge(ds: DaemonSet): boolean {
  return scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxSurge, 1, true) !== 0;
}

/** The surge branch of rollingUpdate: nodes to start a new pod on beside the old one, and old pods whose new one is available. */
export function surgeUpdate(ds: DaemonSet, hash: string, views: NodeView[], now: number): { create: string[]; remove: Pod[] } {
  const available = (p: Pod) => isPodAvailable(p, ds.spec.minReadySeconds, now);
  const run = views.filter((v) => v.shouldRun);
  const max = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxSurge, run.length, true);
  let surging = 0;
  const create: string[] = [];
  const remove: Pod[] = [];
  for (const v of run) {
    const { fresh, old } = liveByRevision(v, hash);
    if (fresh.length > 1 || old.length > 1) {
      surging++; // manage sorts the node out first
      continue;
    }
    if (!old.length) continue;
    if (!fresh.length) {
      // An unavailable old pod may be replaced at once; an available one only within maxSurge.
      if (!available(old[0])) create.push(v.name);
      else if (surging < max) {
        surging++;
        create.push(v.name);
      }
    } else if (!available(fresh[0])) surging++;
    else remove.push(old[0]);
  }
  return { create, remove };
}

/**
 * podsShouldBeOnNode with surge: of a node's running pods, the oldest new and
 * the oldest old one may stay together while the old one is ready and the new
 * one not yet available; every other extra goes.
 */
export function surgeExtras(ds: DaemonSet, hash: string, running: Pod[], now: number): Pod[] {
  const { fresh, old } = byRevision(running, hash);
  const [oldestNew, oldestOld] = [fresh[0], old[0]];
  const extras = [...fresh.slice(1), ...old.slice(1)];
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds, now))) extras.push(oldestOld);
  return extras;
}
