/**
 * The dashboard shell: sign-in, the header (views, namespace, Apply YAML,
 * sign-out), the hash router, and the render loop. A view declares the
 * collections it needs; the shell acquires their shared informers and
 * re-renders the view on the next animation frame after any of them
 * changes, so the page follows the cluster through watches alone.
 */
import * as api from "./api.js";
import { h } from "./dom.js";
import { Informers, type Informer } from "./informer.js";
import { K, collection, type KindRef } from "./kinds.js";
import { ApiError } from "./status.js";
import { applyManifest } from "./views/apply.js";
import { config, events, pods, services } from "./views/lists.js";
import { logs } from "./views/logs.js";
import { overview } from "./views/overview.js";
import type { View, ViewCtx } from "./views/types.js";
import { workloads } from "./views/workloads.js";
import { yamlView } from "./views/yaml.js";

const NAV: [string, View][] = [
  ["overview", overview],
  ["workloads", workloads],
  ["pods", pods],
  ["services", services],
  ["config", config],
  ["events", events],
];
const ROUTES = new Map<string, View>([...NAV, ["yaml", yamlView], ["logs", logs]]);
const NS_KEY = "edgeplane.namespace";

const root = document.getElementById("app")!;
let informers: Informers | undefined;
let unmount: (() => void) | undefined;

/** The fetcher informers use: the token, and a 401 signs the page out. */
const fetcher = (path: string, init?: { signal?: AbortSignal }) => api.raw(path, init);

function signIn(reason = ""): void {
  unmount?.();
  unmount = undefined;
  informers?.stopAll();
  informers = undefined;
  const input = h("input", { id: "token", type: "password", autocomplete: "off", placeholder: "bearer token", required: true });
  const err = h("p", { id: "signin-error", class: "error", role: "alert" }, reason);
  const form = h(
    "form",
    { id: "signin", class: "signin" },
    h("h1", null, "Edgeplane"),
    h("label", { for: "token" }, "Sign in with a bearer token (the one your kubeconfig holds)"),
    input,
    h("button", { type: "submit" }, "Sign in"),
    err,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    err.textContent = "";
    const t = input.value.trim();
    if (!t) return;
    api.token.set(t);
    const res = await api.raw("/api/v1/namespaces?limit=1").catch((x: Error) => x);
    if (res instanceof Error) return void (err.textContent = res.message);
    // 401 already signed us out (see setUnauthorizedHandler); anything else means the token is known.
    if (res.status !== 401) shell();
  });
  root.replaceChildren(form);
  input.focus();
}

function shell(): void {
  informers = new Informers(fetcher);
  const infs = informers;
  let ns = localStorage.getItem(NS_KEY) ?? "";
  const nsInf = infs.acquire(collection(K.namespaces));
  const nsSelect = h("select", { id: "ns", "aria-label": "namespace" });
  const fillNamespaces = () => {
    const names = nsInf.list().map((n) => n.metadata.name).sort();
    if (ns && !names.includes(ns)) names.push(ns);
    nsSelect.replaceChildren(h("option", { value: "" }, "all namespaces"), ...names.map((n) => h("option", { value: n }, n)));
    nsSelect.value = ns;
  };
  nsInf.subscribe(fillNamespaces);
  fillNamespaces();
  nsSelect.addEventListener("change", () => {
    ns = nsSelect.value;
    localStorage.setItem(NS_KEY, ns);
    schedule();
  });
  const nav = h("nav", null, NAV.map(([id, v]) => h("a", { href: `#/${id}`, id: `nav-${id}` }, v.title)));
  const notice = h("div", { id: "notice", role: "alert", hidden: true });
  const viewEl = h("main", { id: "view" });
  const dlg = h("dialog", { id: "dlg" });
  root.replaceChildren(
    h(
      "header",
      null,
      h("a", { href: "#/overview", class: "brand" }, "Edgeplane"),
      nav,
      h("div", { class: "spacer" }),
      nsSelect,
      h("button", { type: "button", id: "apply-open", onclick: () => openApply() }, "Apply YAML"),
      h("button", { type: "button", id: "signout", onclick: () => (api.token.clear(), signIn()) }, "Sign out"),
    ),
    notice,
    viewEl,
    dlg,
  );

  const say = (text: string, cls: "good" | "error") => {
    notice.replaceChildren(h("span", null, text), h("button", { type: "button", class: "close", "aria-label": "dismiss", onclick: () => (notice.hidden = true) }, "×"));
    notice.className = cls;
    notice.hidden = false;
  };

  /** A small modal built on <dialog>; resolves with the button pressed ("ok"/"cancel"). */
  const modal = (body: Node[], okLabel: string): Promise<boolean> =>
    new Promise((resolve) => {
      // Closed by hand rather than by <form method="dialog">, which the page's CSP (form-action 'none') blocks.
      const ok = h("button", { type: "submit", id: "dlg-ok" }, okLabel);
      const cancel = h("button", { type: "button", id: "dlg-cancel", onclick: () => dlg.close("cancel") }, "Cancel");
      const form = h("form", null, body, h("div", { class: "toolbar" }, ok, cancel));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        dlg.close("ok");
      });
      dlg.replaceChildren(form);
      dlg.returnValue = "";
      dlg.addEventListener("close", () => resolve(dlg.returnValue === "ok"), { once: true });
      dlg.showModal();
    });

  const openApply = async () => {
    const text = h("textarea", { id: "apply-text", spellcheck: "false", placeholder: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: example\ndata:\n  key: value" });
    if (!(await modal([h("h2", null, "Apply YAML"), h("p", { class: "muted" }, "Server-side apply, as kubectl apply --server-side --force-conflicts."), text], "Apply"))) return;
    await ctxBase.act("apply", () => applyManifest(text.value, ns || "default"));
  };

  const ctxBase: Omit<ViewCtx, "inf" | "params"> = {
    namespace: () => ns,
    async act(what, fn) {
      notice.hidden = true;
      try {
        const r = await fn();
        say(typeof r === "string" ? r : what, "good");
        return true;
      } catch (e) {
        say(e instanceof ApiError ? e.message : `${what} failed: ${e instanceof Error ? e.message : String(e)}`, "error");
        return false;
      }
    },
    async askNumber(title, initial) {
      const input = h("input", { id: "dlg-number", type: "number", min: 0, value: initial, required: true });
      const ok = await modal([h("label", { for: "dlg-number" }, title), input], "OK");
      const v = Number(input.value);
      return ok && Number.isInteger(v) && v >= 0 ? v : undefined;
    },
    confirm: (message) => modal([h("p", null, message)], "OK"),
  };

  let frame = 0;
  let current: { view: View; ctx: ViewCtx } | undefined;
  function schedule(): void {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!current?.view.render) return;
      viewEl.replaceChildren(current.view.render(current.ctx));
      markFirstNodes();
    });
  }
  // Ages move without any API traffic: a slow local re-render, not polling.
  const tick = setInterval(schedule, 5000);

  let routeCleanup: (() => void) | undefined;
  function route(): void {
    routeCleanup?.();
    const [name, query] = location.hash.replace(/^#\/?/, "").split("?");
    const view = ROUTES.get(name) ?? overview;
    for (const a of nav.querySelectorAll("a")) a.classList.toggle("active", a.id === `nav-${name || "overview"}`);
    const held = new Map<KindRef, Informer>();
    const subs: (() => void)[] = [];
    for (const k of view.needs) {
      const inf = infs.acquire(collection(k));
      held.set(k, inf);
      subs.push(inf.subscribe(schedule));
    }
    const inf = ((k: KindRef) => {
      const i = held.get(k);
      if (!i) throw new Error(`view did not declare ${k.plural}`);
      return i;
    }) as ViewCtx["inf"];
    const ctx: ViewCtx = { ...ctxBase, params: new URLSearchParams(query ?? ""), inf };
    current = { view, ctx };
    viewEl.replaceChildren();
    const cleanup = view.mount ? view.mount(ctx, viewEl) : undefined;
    if (view.render) {
      viewEl.replaceChildren(view.render(ctx));
      markFirstNodes();
    }
    document.title = `${view.title} · Edgeplane`;
    routeCleanup = () => {
      cleanup?.();
      for (const s of subs) s();
      for (const k of view.needs) infs.release(collection(k));
      current = undefined;
    };
  }
  window.onhashchange = route;
  route();
  unmount = () => {
    routeCleanup?.();
    routeCleanup = undefined;
    clearInterval(tick);
    if (frame) cancelAnimationFrame(frame);
    window.onhashchange = null;
  };
}

/** "Sees the cluster": the first time the overview shows node rows (read by the browser test). */
function markFirstNodes(): void {
  if (performance.getEntriesByName("edgeplane:nodes").length) return;
  if (document.querySelector("#nodes tbody tr")) performance.mark("edgeplane:nodes");
}

api.setUnauthorizedHandler(() => {
  api.token.clear();
  signIn("Unauthorized: the server did not accept that token.");
});

if (api.token.get()) shell();
else signIn();
