/**
 * The checks the apiserver makes on a write after authorization, where the
 * decision needs the object as it will be stored: RBAC's escalation
 * prevention (escalation.ts) and the certificates plugins that ask the
 * authorizer (signers.ts). Each judges the store's dry run of the write; the
 * REST handler runs whichever apply, with no kind-specific code of its own.
 */
import type { Env } from "../env.js";
import type { RequestUser, Result } from "../store/protocol.js";
import type { ResourceRequest } from "../apiserver/request-info.js";
import { confirmNoEscalation, needsEscalationCheck } from "./escalation.js";
import { confirmSignerPermission, needsSignerCheck } from "./signers.js";

/** What a check may read: the write made as a dry run, and the live object. */
export interface WriteProbe {
  dryRun: () => Promise<Result>;
  stored: () => Promise<Result>;
}

interface WriteCheck {
  applies(info: ResourceRequest, user: RequestUser): boolean;
  /** Throws the refusal (a Status error) when the write is not the user's to make. */
  confirm(env: Env, user: RequestUser, info: ResourceRequest, probe: WriteProbe): Promise<void>;
}

const checks: WriteCheck[] = [
  { applies: needsEscalationCheck, confirm: (env, user, info, p) => confirmNoEscalation(env, user, info, p.dryRun) },
  { applies: needsSignerCheck, confirm: (env, user, info, p) => confirmSignerPermission(env, user, info, p.dryRun, p.stored) },
];

/** Every check that applies to a write, in turn. */
export async function confirmWrite(env: Env, user: RequestUser, info: ResourceRequest, probe: WriteProbe): Promise<void> {
  for (const c of checks) if (c.applies(info, user)) await c.confirm(env, user, info, probe);
}
