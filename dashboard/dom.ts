/**
 * A hyperscript helper instead of a UI framework: views rebuild their DOM
 * from informer state on each animation frame, which for tables of a few
 * hundred rows is fast enough and keeps the bundle tiny. Text always goes
 * in as text nodes, never as HTML, so object fields cannot inject markup
 * into a page that holds a bearer token.
 */
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** A usage bar: fraction 0..1 (or undefined: no data), with its label. */
export function bar(fraction: number | undefined, label: string, kind: "usage" | "progress" = "usage"): HTMLElement {
  if (fraction === undefined) return h("span", { class: "muted" }, label);
  const pct = Math.max(0, Math.min(100, fraction * 100));
  // A full usage bar is a warning; a full progress bar is done.
  const level = kind === "progress" ? (pct >= 100 ? "done" : "ok") : pct >= 90 ? "hot" : pct >= 70 ? "warm" : "ok";
  const fill = h("div", { class: `fill ${level}` });
  // Through CSSOM, not a style attribute: the page's CSP allows no inline style attributes.
  fill.style.width = `${pct.toFixed(1)}%`;
  return h("div", { class: "bar", title: label }, fill, h("span", null, label));
}

/** "3m", "2h", "5d": ages as kubectl prints them. */
export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return "";
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs}h`;
  return `${Math.floor(hrs / 24)}d`;
}

/** A table from column headers and rows of cells; an empty note when there are no rows. */
export function table(id: string, headers: string[], rows: HTMLTableRowElement[], empty = "None."): HTMLElement {
  if (!rows.length) return h("p", { class: "muted", id }, empty);
  return h("table", { id }, h("thead", null, h("tr", null, headers.map((t) => h("th", null, t)))), h("tbody", null, rows));
}
