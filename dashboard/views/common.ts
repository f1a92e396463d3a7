/**
 * Pieces every table view shares: the link to an object's YAML, action
 * buttons, and the error note an informer's failure (e.g. a 403) becomes.
 */
import { h } from "../dom.js";
import type { Informer } from "../informer.js";

export const yamlLink = (path: string, text: string) => h("a", { href: `#/yaml?path=${encodeURIComponent(path)}`, class: "obj" }, text);

export const button = (label: string, onclick: () => void, cls = "") => h("button", { type: "button", class: `act ${cls}`.trim(), "data-action": label.toLowerCase(), onclick }, label);

/** Why a collection cannot be shown (the server's Status message), or a loading note before the first list. */
export function informerNote(inf: Informer, what: string): HTMLElement | null {
  if (inf.error && !inf.synced) return h("p", { class: "error", role: "alert" }, `${what}: ${inf.error.message}`);
  if (inf.error) return h("p", { class: "warn" }, `${what}: reconnecting (${inf.error.message})`);
  if (!inf.synced) return h("p", { class: "muted" }, `Loading ${what}…`);
  return null;
}

export const section = (title: string, ...body: (Node | null)[]) => h("section", null, h("h2", null, title), body);
