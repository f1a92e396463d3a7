/**
 * resource.Quantity strings ("250m", "1.5", "512Mi", "2e3") as numbers, for
 * the usage bars: metrics report usage and nodes report allocatable as
 * quantities, and a bar is their ratio.
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function parseQuantity(q: string | undefined): number | undefined {
  if (!q) return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1] + (m[2] ?? ""));
  return n * (SUFFIX[m[3] ?? ""] ?? 1);
}

/** A human figure for a bar's label: cores with up to 2 decimals, bytes in binary units. */
export function formatCpu(cores: number): string {
  return cores < 1 ? `${Math.round(cores * 1000)}m` : `${+cores.toFixed(2)}`;
}

export function formatBytes(b: number): string {
  const units = ["B", "Ki", "Mi", "Gi", "Ti"];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) (b /= 1024), i++;
  return `${+b.toFixed(b < 10 && i > 0 ? 1 : 0)}${units[i]}`;
}
