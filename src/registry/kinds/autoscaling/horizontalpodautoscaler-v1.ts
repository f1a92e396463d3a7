/**
 * autoscaling/v1 HorizontalPodAutoscaler: what `kubectl autoscale` creates
 * (kubectl 1.27–1.33 all post v1). Stored as v2 (horizontalpodautoscaler.ts);
 * this version is a converted view of it (conversion.ts), with v1's schema for
 * validation, OpenAPI and `kubectl explain --api-version=autoscaling/v1`.
 */
import { definitions } from "../../../schemas/generated/index.js";
import type { KindDef } from "../../types.js";
import { horizontalPodAutoscaler } from "./horizontalpodautoscaler.js";
import { hpaToV1, hpaToV2 } from "./conversion.js";

export const horizontalPodAutoscalerV1: KindDef = {
  ...horizontalPodAutoscaler,
  version: "v1",
  schemaName: "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler",
  schema: definitions["io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler"],
  // Defaults are the stored version's, applied after conversion.
  strategy: undefined,
  convert: { storage: horizontalPodAutoscaler, up: hpaToV2, down: hpaToV1 },
};
