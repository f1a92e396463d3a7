/**
 * Definitions written by hand for API groups kubernetes-types lacks; merged
 * with the generated ones wherever definitions are looked up.
 */
import type { Schema } from "../dsl.js";
import { metricsDefinitions, metricsGVKs } from "./metrics-v1beta1.js";
import { apiregistrationDefinitions, apiregistrationGVKs } from "./apiregistration-v1.js";

export const extraDefinitions: Record<string, Schema> = { ...metricsDefinitions, ...apiregistrationDefinitions };
export const extraGVKs: Record<string, { group: string; version: string; kind: string }[]> = { ...metricsGVKs, ...apiregistrationGVKs };
