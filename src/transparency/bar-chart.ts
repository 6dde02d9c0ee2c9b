/** One bar: its value, or null for a figure that may not be drawn (its height would tell the count). */
export interface Bar {
  value: number | null;
  /** The figure written above the bar, or at the baseline in place of a hidden one ("< 5"). */
  text: string;
  /** The bar's class, for styling and tests ("published", "under-k", "withheld", a series id). */
  className: string;
}

export interface BarSeries {
  /** Shown in the legend when there is more than one series. */
  label: string;
  colour: string;
  bars: Bar[];
}

/**
 * A bar chart as inline SVG, drawn on the server: pages that may carry no script (the console's and
 * the transparency page's CSP) still get charts, and the numbers stay in the table beside it for
 * screen readers. Several series are drawn side by side in each slot, one legend line above.
 */
export function barChart(input: { label: string; slots: string[]; series: BarSeries[] }): string {
  const { slots, series } = input;
  const width = 360;
  const legend = series.length > 1 ? 14 : 0;
  const height = 180 + legend;
  const top = 18 + legend;
  const bottom = 34;
  const left = 4;
  const plot = height - top - bottom;
  const slot = (width - left * 2) / Math.max(1, slots.length);
  const barWidth = (slot * 0.7) / Math.max(1, series.length);
  const max = Math.max(1, ...series.flatMap((one) => one.bars.map((bar) => bar.value ?? 0)));
  const groups = slots
    .map((name, index) => {
      const x = left + index * slot;
      const centre = (x + slot / 2).toFixed(1);
      const slotText = `<text x="${centre}" y="${height - bottom + 14}" font-size="9" text-anchor="middle" fill="#57606a">${escapeHtml(name)}</text>`;
      const bars = series.map((one, s) => {
        const bar = one.bars[index];
        if (!bar) return "";
        const barX = x + slot * 0.15 + s * barWidth;
        const barCentre = (barX + barWidth / 2).toFixed(1);
        if (bar.value === null)
          return `<g class="${bar.className}"><text x="${barCentre}" y="${top + plot - 4}" font-size="10" text-anchor="middle" fill="#8c959f">${escapeHtml(bar.text)}</text></g>`;
        const barHeight = Math.max(1, (bar.value / max) * plot);
        const y = top + plot - barHeight;
        return `<g class="${bar.className}"><rect x="${barX.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${one.colour}"/><text x="${barCentre}" y="${(y - 3).toFixed(1)}" font-size="10" text-anchor="middle">${escapeHtml(bar.text)}</text></g>`;
      });
      return `${bars.join("")}${slotText}`;
    })
    .join("");
  const key =
    series.length > 1
      ? series
          .map(
            (one, s) =>
              `<rect x="${left + s * 120}" y="2" width="10" height="10" fill="${one.colour}"/><text x="${left + s * 120 + 14}" y="11" font-size="10">${escapeHtml(one.label)}</text>`,
          )
          .join("")
      : "";
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(input.label)}"><title>${escapeHtml(input.label)}</title>${key}<line x1="${left}" y1="${top + plot}" x2="${width - left}" y2="${top + plot}" stroke="#d0d7de"/>${groups}</svg>`;
}

/** SVG text and attribute values; render-page.ts imports this module, so the chart keeps its own. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
