/**
 * A pod's log, followed live: GET pods/NAME/log?follow=true streams text
 * through the node's tunnel for as long as the page listens; leaving the
 * view aborts the request, which stops the stream on the node. A failure
 * (no such container, node unreachable) shows the server's Status message.
 */
import * as api from "../api.js";
import { h } from "../dom.js";
import { readLines } from "../../src/apimachinery/lines.js";
import { errorFrom } from "../status.js";
import type { View } from "./types.js";

const MAX_LINES = 5000;

export const logs: View = {
  title: "Logs",
  needs: [],
  mount(ctx, el) {
    const ns = ctx.params.get("ns") ?? "default";
    const pod = ctx.params.get("pod") ?? "";
    const container = ctx.params.get("container") ?? "";
    const out = h("pre", { id: "log-text", class: "log" });
    const msg = h("p", { id: "log-status", role: "status", class: "muted" }, "Connecting…");
    const ac = new AbortController();
    el.append(h("h2", null, "Logs ", h("code", null, `${ns}/${pod}${container ? `/${container}` : ""}`)), msg, out);
    void (async () => {
      const q = new URLSearchParams({ follow: "true", tailLines: "1000" });
      if (container) q.set("container", container);
      try {
        const res = await api.raw(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}/log?${q}`, { signal: ac.signal, headers: { accept: "text/plain, */*" } });
        if (!res.ok) throw await errorFrom(res);
        msg.textContent = "Following…";
        let n = 0;
        const stick = () => window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
        for await (const line of readLines(res.body!, ac.signal)) {
          const atBottom = stick();
          out.append(line + "\n");
          if (++n > MAX_LINES) out.firstChild?.remove();
          if (atBottom) window.scrollTo(0, document.body.scrollHeight);
        }
        if (!ac.signal.aborted) {
          msg.textContent = "The log stream ended.";
        }
      } catch (e) {
        if (ac.signal.aborted) return;
        msg.textContent = e instanceof Error ? e.message : String(e);
        msg.className = "error";
      }
    })();
    return () => ac.abort();
  },
};
