/**
 * A very small Prometheus registry for the Worker: counters, gauges and
 * histograms with labels, rendered in the text exposition format (0.0.4).
 * prom-client needs Node; this is the part of it a Worker uses, in web
 * standard code.
 */

type Labels = Record<string, string>;

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labelText = (l: Labels) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const keyOf = (l: Labels) => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" | "histogram",
  ) {}
  protected header(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
  }
  abstract render(): string[];
}

export class Counter extends Metric {
  private values = new Map<string, { labels: Labels; v: number }>();
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    const k = keyOf(labels);
    const e = this.values.get(k);
    if (e) e.v += by;
    else this.values.set(k, { labels, v: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(keyOf(labels))?.v ?? 0;
  }
  render(): string[] {
    return [...this.header(), ...[...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${e.v}`)];
  }
}

export class Gauge extends Metric {
  private values = new Map<string, { labels: Labels; v: number }>();
  constructor(name: string, help: string) {
    super(name, help, "gauge");
  }
  set(labels: Labels, v: number): void {
    this.values.set(keyOf(labels), { labels, v });
  }
  reset(): void {
    this.values.clear();
  }
  render(): string[] {
    return [...this.header(), ...[...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${e.v}`)];
  }
}

export class Histogram extends Metric {
  private values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    readonly buckets: number[],
  ) {
    super(name, help, "histogram");
  }
  observe(labels: Labels, v: number): void {
    const k = keyOf(labels);
    let e = this.values.get(k);
    if (!e) this.values.set(k, (e = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) e.counts[i]++;
    e.sum += v;
    e.count++;
  }
  render(): string[] {
    const out = this.header();
    for (const e of this.values.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${labelText({ ...e.labels, le: String(b) })} ${e.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...e.labels, le: "+Inf" })} ${e.count}`);
      out.push(`${this.name}_sum${labelText(e.labels)} ${e.sum}`);
      out.push(`${this.name}_count${labelText(e.labels)} ${e.count}`);
    }
    return out;
  }
}

/** Render a set of metrics as one exposition document. */
export function exposition(metrics: Metric[]): string {
  return metrics.map((m) => m.render().join("\n")).join("\n") + "\n";
}
