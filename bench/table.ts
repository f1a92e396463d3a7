/** The result rows every section adds to, and the markdown table they print as. */
export interface Row {
  benchmark: string;
  result: string;
  target: string;
  /** Whether the result meets the target (undefined: no target). */
  ok?: boolean;
  /** The raw figure, for --json. */
  value?: number;
}

export function markdownTable(rows: Row[]): string {
  const lines = ["| benchmark | result | target |", "|---|---|---|"];
  for (const r of rows) {
    const mark = r.ok === undefined ? "" : r.ok ? " ✓" : " ✗";
    lines.push(`| ${r.benchmark} | ${r.result}${mark} | ${r.target} |`);
  }
  return lines.join("\n");
}
