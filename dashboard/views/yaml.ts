/**
 * Any object's YAML, editable, applied as `kubectl apply --server-side
 * --force-conflicts` would: the edited text goes unparsed to the server as
 * application/apply-patch+yaml under the edgeplane-dashboard field manager.
 * Server-maintained fields (managedFields, uid, status, …) are left out of
 * the editable text so the dashboard does not claim them; resourceVersion
 * stays in, so an object changed since it was loaded is refused (409)
 * rather than silently overwritten.
 */
import * as api from "../api.js";
import { h } from "../dom.js";
import type { KObj } from "../informer.js";
import { ApiError } from "../status.js";
import { toYaml } from "../yaml.js";
import type { View } from "./types.js";

/** The object as it would be written in a manifest to apply. */
export function editable(o: KObj): Record<string, unknown> {
  const { status: _status, ...rest } = o;
  const { managedFields: _m, uid: _u, creationTimestamp: _c, generation: _g, selfLink: _s, ...meta } = o.metadata as Record<string, unknown>;
  return { ...rest, metadata: meta };
}

export const yamlView: View = {
  title: "YAML",
  needs: [],
  mount(ctx, el) {
    const path = ctx.params.get("path") ?? "";
    const area = h("textarea", { id: "yaml-text", spellcheck: "false", "aria-label": "YAML" });
    const msg = h("p", { id: "yaml-status", role: "status" });
    const statusBlock = h("pre", { class: "readonly" });
    const show = (o: KObj) => {
      area.value = toYaml(editable(o));
      statusBlock.textContent = o.status ? toYaml({ status: o.status }) : "";
    };
    const say = (text: string, cls: string) => {
      msg.textContent = text;
      msg.className = cls;
    };
    const load = async () => {
      try {
        show(await api.call<KObj>(path));
        say("", "");
      } catch (e) {
        say(e instanceof Error ? e.message : String(e), "error");
      }
    };
    const applyIt = async () => {
      say("Applying…", "muted");
      try {
        show((await api.apply(path, area.value)) as KObj);
        say("Applied.", "good");
      } catch (e) {
        say(e instanceof ApiError ? e.message : String(e), "error");
      }
    };
    el.append(
      h("h2", null, "YAML ", h("code", null, path)),
      h("div", { class: "toolbar" }, h("button", { type: "button", id: "yaml-apply", onclick: () => void applyIt() }, "Apply"), h("button", { type: "button", onclick: () => void load() }, "Reload"), h("button", { type: "button", onclick: () => history.back() }, "Back")),
      msg,
      area,
      h("details", null, h("summary", null, "status (read-only)"), statusBlock),
    );
    void load();
    return () => {};
  },
};
