// The unit square of two inputs: the four corners coloured by what a network answers,
// and boundary lines whose end points the server computed.

import { replace, s } from "../dom.js";

const SIZE = 260;
const PAD = 30;

/**
 * Draw into `svg`: `view` = [low, high] of both axes, `corners` = [[x1, x2], ...],
 * `outputs` (1 fires: filled; 0: hollow), `lines` = [{segment: [[x1, x2], [x1, x2]],
 * label, cls}], `wrong` = corner indexes to ring in red.
 */
export function drawSquare(svg, { view, corners, outputs, lines = [], wrong = [] }) {
  const [low, high] = view;
  const px = (v) => PAD + ((v - low) / (high - low)) * (SIZE - 2 * PAD);
  const py = (v) => SIZE - PAD - ((v - low) / (high - low)) * (SIZE - 2 * PAD);
  svg.setAttribute("viewBox", `0 0 ${SIZE} ${SIZE}`);
  const parts = [
    s("rect", { x: PAD, y: PAD, width: SIZE - 2 * PAD, height: SIZE - 2 * PAD, class: "plot-area" }),
    s("line", { x1: px(0), y1: py(low), x2: px(0), y2: py(high), class: "zero-axis" }),
    s("line", { x1: px(low), y1: py(0), x2: px(high), y2: py(0), class: "zero-axis" }),
    s("text", { x: SIZE / 2, y: SIZE - 6, "text-anchor": "middle", class: "axis-label", text: "x1" }),
    s("text", { x: 8, y: SIZE / 2, class: "axis-label", text: "x2" }),
  ];
  for (const v of [0, 1]) {
    parts.push(s("text", { x: px(v), y: SIZE - PAD + 14, "text-anchor": "middle", class: "tick",
      text: v }));
    parts.push(s("text", { x: PAD - 6, y: py(v) + 4, "text-anchor": "end", class: "tick", text: v }));
  }
  lines.forEach((line) => {
    if (!line.segment) return;
    const [[a1, a2], [b1, b2]] = line.segment;
    parts.push(s("line", { x1: px(a1), y1: py(a2), x2: px(b1), y2: py(b2),
      class: `boundary ${line.cls || ""}` }));
    if (line.label) {
      const [lx, ly] = a2 > b2 ? [a1, a2] : [b1, b2];  // the upper end
      parts.push(s("text", { x: Math.min(Math.max(px(lx), PAD + 18), SIZE - PAD - 18),
        y: Math.max(py(ly) + 14, PAD + 12), "text-anchor": "middle",
        class: `boundary-label ${line.cls || ""}`, text: line.label }));
    }
  });
  corners.forEach(([x1, x2], k) => {
    const fires = outputs[k] > 0.5;  // the outputs here are the network's answers, 0 or 1
    const dot = s("circle", { cx: px(x1), cy: py(x2), r: 9,
      class: fires ? "corner fires" : "corner quiet" });
    dot.append(s("title", { text: `(${x1}, ${x2}) → ${outputs[k]}` }));
    parts.push(dot);
    if (wrong.includes(k)) parts.push(s("circle", { cx: px(x1), cy: py(x2), r: 14, class: "corner-wrong" }));
  });
  replace(svg, parts);
}
