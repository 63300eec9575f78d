/**
 * Reads Chart.js's UMD bundle for the HTML dashboard (the only file access of the report module; the renderer itself
 * takes the text as an argument). `chart.umd.min.js` is the file chart.js's package names for CDNs (unpkg/jsdelivr);
 * the package's export map does not expose it, so it is found next to the resolved main entry.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

let cached: string | null = null;

export function loadChartJs(): string {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("chart.js"));
  cached = readFileSync(join(dist, "chart.umd.min.js"), "utf8");
  return cached;
}
