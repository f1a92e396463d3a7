/**
 * getNewReplicaSet of the Deployment controller: find the ReplicaSet of the
 * current template and bring its revision up to date (a rollback makes an
 * old one new again, with the next revision), or create it, named
 * `${deployment}-${pod-template-hash}`, bumping status.collisionCount when
 * that name is taken by another template.
 */
import { scaledValue } from "../common/intstr.js";
import { computeHash } from "../common/hash.js";
import { semanticNormal } from "../common/semantic.js";
import { controllerRef, isControlledBy } from "../common/owner-refs.js";
import { errorMessage, isAlreadyExists, isNamespaceTerminating } from "../common/errors.js";
import { getCondition } from "../common/conditions.js";
import { REPLICASETS, type ReplicaSet } from "../replicaset/types.js";
import { maxRevision, POD_TEMPLATE_HASH, REVISION, setDeploymentRevision, setNewReplicaSetAnnotations } from "./annotations.js";
import { deploymentCondition, hasProgressDeadline, Reason, setDeploymentCondition } from "./conditions.js";
import { isRollingUpdate, maxSurge } from "./fenceposts.js";
import { equalIgnoreHash, specReplicas, splitReplicaSets } from "./replicasets.js";
import { persist } from "./persist.js";
import { track, type Deployment, type Pass } from "./types.js";

/** NewRSNewReplicas: how big a new ReplicaSet may be now. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return d.spec.replicas;
  const maxTotal = d.spec.replicas + scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.replicas, true);
  const current = specReplicas(allRSs);
  if (current >= maxTotal) return newRS.spec.replicas;
  return newRS.spec.replicas + Math.min(maxTotal - current, d.spec.replicas - newRS.spec.replicas);
}

export async function getNewReplicaSet(p: Pass, create: true): Promise<ReplicaSet>;
export async function getNewReplicaSet(p: Pass, create: boolean): Promise<ReplicaSet | undefined>;
export async function getNewReplicaSet(p: Pass, create: boolean): Promise<ReplicaSet | undefined> {
  const { d, ctx } = p;
  const { newRS: existing, oldRSs } = splitReplicaSets(p);
  const newRevision = maxRevision(oldRSs) + 1;

  if (existing) {
    let rs = existing;
    const copy = structuredClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge(d));
    if (annotationsChanged || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      copy.spec.minReadySeconds = d.spec.minReadySeconds;
      rs = track(p, (await ctx.client.update(REPLICASETS, copy)) as ReplicaSet);
    }
    setDeploymentRevision(d, rs.metadata.annotations?.[REVISION] ?? "");
    if (hasProgressDeadline(d) && !getCondition(d.status.conditions, "Progressing")) {
      setDeploymentCondition(d, deploymentCondition("Progressing", "True", Reason.FoundNewRS, `Found new replica set "${rs.metadata.name}"`, ctx.now()));
    }
    return rs;
  }
  if (!create) return undefined;

  const template = structuredClone(d.spec.template);
  const hash = computeHash(semanticNormal(template), d.status.collisionCount);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [controllerRef(d)], labels: template.metadata.labels },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds,
      selector: { ...structuredClone(d.spec.selector), matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
      template,
    },
  };
  rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false, maxSurge(d));

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = (await ctx.client.create(REPLICASETS, rs)) as ReplicaSet;
  } catch (e) {
    if (isAlreadyExists(e)) {
      const cur = ctx.lister.get(REPLICASETS, rs.metadata.namespace ?? "", rs.metadata.name ?? "") as ReplicaSet | undefined;
      if (!cur) throw e;
      if (!isControlledBy(cur, d) || !equalIgnoreHash(d.spec.template, cur.spec.template)) {
        // A hash collision: the next pass hashes with a higher collisionCount.
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await persist(p);
        throw e;
      }
      created = cur;
      alreadyExists = true;
    } else {
      if (!isNamespaceTerminating(e)) {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(e)}`;
        if (hasProgressDeadline(d)) {
          setDeploymentCondition(d, deploymentCondition("Progressing", "False", Reason.FailedRSCreate, msg, ctx.now()));
          await persist(p);
        }
        ctx.recorder.event(d, "Warning", Reason.FailedRSCreate, msg);
      }
      throw e;
    }
  }
  track(p, created);
  if (!alreadyExists && rs.spec.replicas > 0) {
    ctx.recorder.event(d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${created.metadata.name} to ${rs.spec.replicas}`);
  }
  setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    setDeploymentCondition(d, deploymentCondition("Progressing", "True", Reason.NewRSCreated, `Created new replica set "${created.metadata.name}"`, ctx.now()));
  }
  return created;
}
