// Small inline-SVG line charts of a monthly series (no chart library). A missing value (a rate with no
// denominator) breaks the line rather than dropping to zero. A partial point (the running month) is drawn hollow,
// reached by a dashed line, and named in a note under the chart.
import { esc } from "/app/js/html.js";

const WIDTH = 320, HEIGHT = 150;
const PAD = { left: 40, right: 10, top: 10, bottom: 24 };

/** "Nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least the largest value. */
function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= value);
}

const present = (p) => p && p.value !== null && p.value !== undefined;

/**
 * HTML of one chart: points [{label, value, partial}] in order; format(value) for the axis and tooltips;
 * percent charts run from 0 to 100 %; partialNote says what a partial point is.
 */
export function lineChart({ title, points, format, percent = false, id = "", partialNote = "" }) {
  const values = points.map((p) => p.value).filter((v) => v !== null && v !== undefined);
  const top = percent ? 1 : niceCeiling(Math.max(0, ...values));
  const plotW = WIDTH - PAD.left - PAD.right, plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (points.length > 1 ? (i * plotW) / (points.length - 1) : plotW / 2);
  const y = (v) => PAD.top + plotH - (v / top) * plotH;
  const ticks = [0, 0.5, 1].map((f) => f * top);
  const axisLabel = percent ? (v) => `${Math.round(v * 100)}%` : format;
  const segments = [];
  let current = [];
  const at = (p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
  points.forEach((p, i) => {
    if (!present(p) || p.partial) { if (current.length) segments.push(current); current = []; }
    else current.push(at(p, i));
  });
  if (current.length) segments.push(current);
  // a partial point hangs off the point before it by a dashed line
  const dashed = points.map((p, i) => (present(p) && p.partial && present(points[i - 1])
    ? `<polyline class="line partial" points="${at(points[i - 1], i - 1)} ${at(p, i)}"/>` : "")).join("");
  // and its month is shaded, so a month with no value yet is marked too
  const step = points.length > 1 ? plotW / (points.length - 1) : plotW;
  const bands = points.map((p, i) => {
    if (!p.partial) return "";
    const left = Math.max(PAD.left, x(i) - step / 2), right = Math.min(WIDTH - PAD.right, x(i) + step / 2);
    return `<rect class="partial-band" x="${left.toFixed(1)}" y="${PAD.top}" width="${(right - left).toFixed(1)}"
      height="${plotH}"/>`;
  }).join("");
  const partial = points.some((p) => p.partial);
  const every = Math.ceil(points.length / 6);  // about six month labels
  return `<figure class="chart"${id ? ` id="${esc(id)}"` : ""}><figcaption>${esc(title)}</figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(title)}">
      ${bands}
      ${ticks.map((v) => `<line class="gridline" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v)}" y2="${y(v)}"/>
        <text x="${PAD.left - 4}" y="${y(v) + 3}" text-anchor="end">${esc(axisLabel(v))}</text>`).join("")}
      <line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(0)}" y2="${y(0)}"/>
      ${points.map((p, i) => ((points.length - 1 - i) % every === 0  // counted back from the latest month
        ? `<text x="${x(i)}" y="${HEIGHT - 6}" text-anchor="middle">${esc(p.label)}</text>` : "")).join("")}
      ${segments.map((s) => (s.length > 1 ? `<polyline class="line" points="${s.join(" ")}"/>` : "")).join("")}
      ${dashed}
      ${points.map((p, i) => (present(p) ? `<circle class="dot${p.partial ? " partial" : ""}" cx="${x(i)}"
        cy="${y(p.value)}" r="3"><title>${esc(p.label)}: ${esc(format(p.value))}${
          p.partial ? `（${esc(partialNote)}）` : ""}</title></circle>` : "")).join("")}
    </svg>${partial ? `<p class="chart-note"><span class="partial-mark" aria-hidden="true"></span>${
      esc(partialNote)}</p>` : ""}</figure>`;
}
