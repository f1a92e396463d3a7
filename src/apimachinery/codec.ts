/**
 * Request and response bodies: JSON and YAML in, JSON (or YAML) out.
 * Decoding failures are the client's fault: a 400 with the parser's words,
 * never a 500.
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { errors } from "./status.js";

/** Kubernetes' default request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function isYaml(contentType: string | undefined): boolean {
  return !!contentType && /yaml/i.test(contentType);
}

export function decodeBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === "") throw errors.badRequest("the request body is empty");
  if (isYaml(contentType)) {
    try {
      return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** Decode and insist on a JSON object (not an array, string or null). */
export function decodeObject(text: string, contentType: string | undefined): Record<string, unknown> {
  const v = decodeBody(text, contentType);
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw errors.badRequest(`the request body must be an object, got ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v}`);
  }
  return v as Record<string, unknown>;
}

export function toYaml(jsonText: string): string {
  return stringifyYaml(JSON.parse(jsonText));
}
