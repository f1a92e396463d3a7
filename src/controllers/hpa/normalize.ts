/**
 * How the HPA turns the replica count its metrics propose into the one it
 * sets (normalizeDesiredReplicas and normalizeDesiredReplicasWithBehaviors
 * of the Kubernetes controller): stabilization over recent recommendations,
 * rate limits over recent scale events, then min/max — with the conditions
 * explaining the outcome. Without spec.behavior Kubernetes keeps its legacy
 * rules (5 min scale-down stabilization, scale up to at most max(2×, 4));
 * with it, the behavior's rules, unset fields taking the documented
 * defaults. The history these need lives in memory per HPA, as in
 * Kubernetes: it starts afresh (from the current size) after a restart.
 */
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";

const DOWNSCALE_STABILIZATION_MS = 300_000;

export interface History {
  recommendations: { replicas: number; at: number }[];
  scaleUps: { change: number; at: number }[];
  scaleDowns: { change: number; at: number }[];
}

/** recordInitialRecommendation: a new history starts from the current size. */
export const newHistory = (current: number, now: number): History => ({ recommendations: [{ replicas: current, at: now }], scaleUps: [], scaleDowns: [] });

export interface Normalized {
  replicas: number;
  /** AbleToScale (True) reason and message. */
  able: [string, string];
  /** ScalingLimited status, reason and message. */
  limited: [boolean, string, string];
}

const READY: [string, string] = ["ReadyForNewScale", "recommended size matches current size"];
const WITHIN: [string, string] = ["DesiredWithinRange", "the desired count is within the acceptable range"];
const UP_STABILIZED: [string, string] = ["ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation"];
const DOWN_STABILIZED: [string, string] = ["ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"];
const UP_LIMIT: [string, string] = ["ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"];
const DOWN_LIMIT: [string, string] = ["ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate"];
const TOO_MANY: [string, string] = ["TooManyReplicas", "the desired replica count is more than the maximum replica count"];
const TOO_FEW: [string, string] = ["TooFewReplicas", "the desired replica count is less than the minimum replica count"];

/** Record a recommendation, reusing the slot of one older than every window that matters. */
function record(h: History, replicas: number, now: number, isOld: (at: number) => boolean): void {
  const i = h.recommendations.findLastIndex((r) => isOld(r.at));
  if (i >= 0) h.recommendations[i] = { replicas, at: now };
  else h.recommendations.push({ replicas, at: now });
}

function finish(stabilized: number, desired: number, able: [string, string], [replicas, why]: [number, [string, string]]): Normalized {
  return { replicas, able: stabilized !== desired ? able : READY, limited: [replicas !== stabilized, ...why] };
}

/** Behavior nil: normalizeDesiredReplicas. */
function legacy(h: History, current: number, desired: number, min: number, max: number, now: number): Normalized {
  const cutoff = now - DOWNSCALE_STABILIZATION_MS;
  const stabilized = Math.max(desired, ...h.recommendations.filter((r) => r.at >= cutoff).map((r) => r.replicas));
  record(h, desired, now, (at) => at < cutoff);
  // convertDesiredReplicasWithRules.
  const upLimit = Math.max(2 * current, 4);
  const [ceiling, why] = max > upLimit ? [upLimit, UP_LIMIT] : [max, TOO_MANY];
  const out: [number, [string, string]] = stabilized < min ? [min, TOO_FEW] : stabilized > ceiling ? [ceiling, why] : [stabilized, WITHIN];
  return finish(stabilized, desired, DOWN_STABILIZED, out);
}

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: the behavior's gaps filled. */
function withDefaults(rules: HPAScalingRules | undefined, up: boolean): Required<HPAScalingRules> {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? (up ? 0 : DOWNSCALE_STABILIZATION_MS / 1000),
    selectPolicy: rules?.selectPolicy ?? "Max",
    policies:
      rules?.policies ??
      (up
        ? [
            { type: "Pods", value: 4, periodSeconds: 15 },
            { type: "Percent", value: 100, periodSeconds: 15 },
          ]
        : [{ type: "Percent", value: 100, periodSeconds: 15 }]),
  };
}

const changeWithin = (events: { change: number; at: number }[], periodSeconds: number, now: number) =>
  events.filter((e) => e.at > now - periodSeconds * 1000).reduce((n, e) => n + e.change, 0);

/**
 * calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors:
 * the furthest the rules allow from the size at the start of each policy's
 * period (Max picks the largest change, Min the smallest).
 */
function rateLimit(h: History, rules: Required<HPAScalingRules>, current: number, up: boolean, now: number): number {
  if (rules.selectPolicy === "Disabled") return current;
  const proposals = rules.policies.map((p) => {
    const start = current - changeWithin(h.scaleUps, p.periodSeconds, now) + changeWithin(h.scaleDowns, p.periodSeconds, now);
    if (p.type === "Pods") return up ? start + p.value : start - p.value;
    return up ? Math.ceil(start * (1 + p.value / 100)) : Math.trunc(start * (1 - p.value / 100));
  });
  const largestChange = rules.selectPolicy !== "Min";
  return up === largestChange ? Math.max(...proposals) : Math.min(...proposals);
}

/** Behavior set: normalizeDesiredReplicasWithBehaviors. */
function withBehavior(h: History, behavior: HorizontalPodAutoscalerBehavior, current: number, desired: number, min: number, max: number, now: number): Normalized {
  const upRules = withDefaults(behavior.scaleUp, true);
  const downRules = withDefaults(behavior.scaleDown, false);
  const upCutoff = now - upRules.stabilizationWindowSeconds * 1000;
  const downCutoff = now - downRules.stabilizationWindowSeconds * 1000;
  const upRec = Math.min(desired, ...h.recommendations.filter((r) => r.at > upCutoff).map((r) => r.replicas));
  const downRec = Math.max(desired, ...h.recommendations.filter((r) => r.at > downCutoff).map((r) => r.replicas));
  const stabilized = Math.min(Math.max(current, upRec), downRec);
  record(h, desired, now, (at) => at < upCutoff && at < downCutoff);

  let out: [number, [string, string]] = [stabilized, WITHIN];
  if (stabilized > current) {
    const limit = Math.max(rateLimit(h, upRules, current, true, now), current);
    const [ceiling, why] = max > limit ? [limit, UP_LIMIT] : [max, TOO_MANY];
    if (stabilized > ceiling) out = [ceiling, why];
  } else if (stabilized < current) {
    const limit = Math.min(rateLimit(h, downRules, current, false, now), current);
    const [floor, why] = min < limit ? [limit, DOWN_LIMIT] : [min, TOO_FEW];
    if (stabilized < floor) out = [floor, why];
  }
  return finish(stabilized, desired, desired >= current ? UP_STABILIZED : DOWN_STABILIZED, out);
}

export function normalize(h: History, behavior: HorizontalPodAutoscalerBehavior | undefined, current: number, desired: number, min: number, max: number, now: number): Normalized {
  return behavior ? withBehavior(h, behavior, current, desired, min, max, now) : legacy(h, current, desired, min, max, now);
}

/** storeScaleEvent: remember a rescale for the behavior's rate limits (events older than every period are dropped). */
export function recordScale(h: History, behavior: HorizontalPodAutoscalerBehavior | undefined, from: number, to: number, now: number): void {
  if (!behavior || from === to) return;
  const up = to > from;
  const longest = Math.max(0, ...withDefaults(up ? behavior.scaleUp : behavior.scaleDown, up).policies.map((p) => p.periodSeconds));
  const events = (up ? h.scaleUps : h.scaleDowns).filter((e) => e.at >= now - longest * 1000);
  events.push({ change: Math.abs(to - from), at: now });
  if (up) h.scaleUps = events;
  else h.scaleDowns = events;
}
