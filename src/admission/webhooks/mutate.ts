/**
 * Mutating webhooks in sequence, apart from how they are called (so it is
 * tested without a network): kube-apiserver's order and reinvocation.
 */
import type { KObject } from "../../registry/types.js";
import { applyJsonPatch } from "../../apimachinery/patch/json-patch.js";
import { deepEqual } from "../../apimachinery/objects.js";
import { callFailure, type JsonPatchOp } from "./review.js";

/**
 * The mutating webhooks in turn, each given the object the one before it
 * patched; then, once more, each with reinvocationPolicy IfNeeded whose
 * output a later webhook changed (kube-apiserver's reinvocation: one extra
 * round, in the same order). Returns the result and every patch applied.
 */
export async function mutateInTurn<H extends { name: string; reinvocationPolicy?: string }>(
  hooks: H[],
  object: KObject,
  invoke: (h: H, object: KObject) => Promise<JsonPatchOp[] | undefined>,
): Promise<{ object: KObject; patches: JsonPatchOp[] }> {
  let current = object;
  const patches: JsonPatchOp[] = [];
  const outputs = new Map<H, KObject>();
  const run = async (h: H) => {
    const patch = await invoke(h, current);
    if (patch?.length) {
      try {
        current = applyJsonPatch(current, patch) as KObject;
      } catch (e) {
        throw callFailure(h.name, `the webhook's JSON patch does not apply: ${(e as Error).message}`);
      }
      patches.push(...patch);
    }
    outputs.set(h, current);
  };
  for (const h of hooks) await run(h);
  for (const h of hooks) {
    if (h.reinvocationPolicy === "IfNeeded" && !deepEqual(outputs.get(h), current)) await run(h);
  }
  return { object: current, patches };
}
