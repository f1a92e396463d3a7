/**
 * Creating and deleting a controller's pods with the events Kubernetes'
 * RealPodControl records on the owner: SuccessfulCreate "Created pod: x",
 * FailedCreate "Error creating: …" (not when the namespace is terminating), SuccessfulDelete "Deleted pod: x",
 * FailedDelete "Error deleting: …".
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { KObject } from "../../registry/types.js";
import type { ReconcileContext } from "../types.js";
import { errorMessage, isNamespaceTerminating, isNotFound } from "./errors.js";
import { controllerRef } from "./owner-refs.js";
import { podFromTemplate } from "./pod-template.js";
import type { Pod } from "./pods.js";

/** Create one pod of the owner's template, controlled by the owner (CreatePodsWithGenerateName when generateName is given). */
export async function createPod(ctx: ReconcileContext, template: PodTemplateSpec, owner: KObject, generateName?: string): Promise<Pod> {
  const pod = podFromTemplate(template, owner, controllerRef(owner), generateName);
  if (!Object.keys(pod.metadata.labels ?? {}).length) throw new Error("unable to create pods, no labels");
  try {
    const created = (await ctx.client.create("pods", pod)) as Pod;
    ctx.recorder.event(owner, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
    return created;
  } catch (e) {
    if (!isNamespaceTerminating(e)) ctx.recorder.event(owner, "Warning", "FailedCreate", `Error creating: ${errorMessage(e)}`);
    throw e;
  }
}

/** Delete one of the owner's pods; false when it was already gone. */
export async function deletePod(ctx: ReconcileContext, pod: Pod, owner: KObject): Promise<boolean> {
  try {
    await ctx.client.delete("pods", pod.metadata.namespace ?? "", pod.metadata.name ?? "");
  } catch (e) {
    if (isNotFound(e)) return false;
    ctx.recorder.event(owner, "Warning", "FailedDelete", `Error deleting: ${errorMessage(e)}`);
    throw e;
  }
  ctx.recorder.event(owner, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
  return true;
}
