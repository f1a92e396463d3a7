/**
 * Controller ownership, as client-go's ControllerRefManager has it: the
 * controllerRef a workload puts on what it creates, claiming (adopting
 * matching orphans, releasing owned objects that stopped matching), and the
 * watch mapping from a dependent to the owners it concerns.
 */
import type { KObject, OwnerReference } from "../../registry/types.js";
import { selectorFromLabelSelector, specSelector, type LabelMatcher } from "../../apimachinery/selectors/labels.js";
import { controllerOf, keyOf, type KeyMapper, type ReconcileContext, type Resource } from "../types.js";
import { isNotFound } from "./errors.js";

/** metav1.NewControllerRef: controller and blockOwnerDeletion set. */
export const controllerRef = (owner: KObject): OwnerReference => ({
  apiVersion: owner.apiVersion ?? "",
  kind: owner.kind ?? "",
  name: owner.metadata.name ?? "",
  uid: owner.metadata.uid ?? "",
  controller: true,
  blockOwnerDeletion: true,
});

/** metav1.GetControllerOf. */
export const controllerRefOf = (o: KObject): OwnerReference | undefined => o.metadata.ownerReferences?.find((r) => r.controller);

export const isControlledBy = (o: KObject, owner: KObject): boolean => controllerRefOf(o)?.uid === owner.metadata.uid;

/** The matcher of an owner's spec.selector. */
export const ownerSelector = (owner: KObject): LabelMatcher => selectorFromLabelSelector(specSelector(owner));

const withRefs = <T extends KObject>(o: T, refs: OwnerReference[]): T => ({ ...o, metadata: { ...o.metadata, ownerReferences: refs } });

/**
 * ClaimObjects: of the candidates (all objects of `resource` in the owner's
 * namespace), those the owner controls after adopting orphans that match
 * its selector and releasing owned ones that no longer match. An owner being
 * deleted adopts and releases nothing. Writes are updates with the
 * candidate's resourceVersion, so a stale view fails with a 409.
 */
export async function claim<T extends KObject>(ctx: ReconcileContext, resource: Resource, owner: KObject, selector: LabelMatcher, candidates: readonly T[]): Promise<T[]> {
  const uid = owner.metadata.uid;
  const deleting = !!owner.metadata.deletionTimestamp;
  const claimed: (T | undefined)[] = await Promise.all(
    candidates.map(async (o): Promise<T | undefined> => {
      const ref = controllerRefOf(o);
      const matches = selector(o.metadata.labels);
      const others = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      try {
        if (ref) {
          if (ref.uid !== uid) return undefined;
          if (matches) return o;
          if (!deleting) await ctx.client.update(resource, withRefs(o, others));
          return undefined;
        }
        if (deleting || !matches || o.metadata.deletionTimestamp) return undefined;
        return (await ctx.client.update(resource, withRefs(o, [...others, controllerRef(owner)]))) as T;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    }),
  );
  return claimed.filter((o): o is T => o !== undefined);
}

/**
 * A KeyMapper for dependents: an object with a controllerRef maps to that
 * controller when it is of `ownerKind`; an orphan maps to every owner in its
 * namespace whose selector matches it (a candidate for adoption).
 */
export function ownerOrSelector(ownerKind: string, ownerResource: Resource): KeyMapper {
  const byRef = controllerOf(ownerKind);
  return (o, lister) => {
    if (controllerRefOf(o)) return byRef(o, lister);
    return lister.list(ownerResource, o.metadata.namespace ?? "").filter((owner) => matchesSafely(owner, o)).map(keyOf);
  };
}

function matchesSafely(owner: KObject, o: KObject): boolean {
  try {
    return ownerSelector(owner)(o.metadata.labels);
  } catch {
    return false;
  }
}
