/**
 * The Worker: the API server on fetch, the resync backstop on the cron
 * trigger, and the Durable Object classes (stores, controller manager, node tunnels).
 */
import { createApp, ensureBootstrapped } from "./apiserver/app.js";
import { clusterStore } from "./store/object-store.js";
import type { Env } from "./env.js";

export { ObjectStore } from "./store/object-store.js";
export { ControllerManager } from "./controllers/runtime/manager.js";
export { NodeTunnel } from "./tunnel/node-tunnel.js";
export { AuditLog } from "./audit/audit-log.js";
import { controllerManager } from "./controllers/runtime/manager.js";

const app = createApp();

export default {
  fetch: app.fetch,
  /**
   * The cron trigger: re-run every level-triggered loop so nothing is lost if
   * a kick was. Writes kick loops at once; this is only the backstop.
   */
  async scheduled(_event: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(
      (async () => {
        await ensureBootstrapped(env);
        await clusterStore(env).resyncNamespaces();
        await controllerManager(env).resync();
      })(),
    );
  },
} satisfies ExportedHandler<Env>;
