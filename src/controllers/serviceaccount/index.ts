/**
 * The serviceaccounts controller: every active namespace has a `default`
 * ServiceAccount, the identity its pods run as unless they name another;
 * it is created with the namespace and again whenever it is deleted.
 * Keys are ServiceAccount keys, so a namespace maps to its `default` one.
 */
import { isAlreadyExists } from "../common/errors.js";
import type { Controller } from "../types.js";
import { isActiveNamespace } from "../common/namespaces.js";

const DEFAULT_SERVICE_ACCOUNT = "default";

export const serviceAccountController: Controller = {
  name: "serviceaccount",
  primary: "serviceaccounts",
  watches: [{ resource: "namespaces", map: (ns) => [{ namespace: ns.metadata.name ?? "", name: DEFAULT_SERVICE_ACCOUNT }] }],
  async reconcile(key, ctx) {
    if (key.name !== DEFAULT_SERVICE_ACCOUNT) return;
    if (!isActiveNamespace(ctx.lister, key.namespace)) return;
    if (ctx.lister.get("serviceaccounts", key.namespace, key.name)) return;
    try {
      await ctx.client.create("serviceaccounts", { metadata: { name: key.name, namespace: key.namespace } });
    } catch (e) {
      // Someone else (an apply, a second instance) made it first: the goal is met.
      if (!isAlreadyExists(e)) throw e;
    }
  },
};
