// A line chart on a canvas, large enough to read on a projector. No library.

const FONT = "20px system-ui, sans-serif";
export const VALIDATION_COLOUR = "#1f4e9c";
export const TRAINING_COLOUR = "#e08a00";

// Draw series on the canvas.
//   series: [{points: [[x, y], ...], colour, dashed}]
//   options: {yMin, yMax (null: from the data), xLabel, yLabel, yFormat(v) -> text}
export function drawChart(canvas, series, options) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 260;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const c = canvas.getContext("2d");
  c.setTransform(ratio, 0, 0, ratio, 0, 0);
  c.clearRect(0, 0, width, height);
  c.font = FONT;
  const left = 78, right = 16, top = 14, bottom = 58;
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const xMax = Math.max(1, ...all.map(([x]) => x));
  let yMin = options.yMin, yMax = options.yMax;
  if (yMin === null || yMin === undefined) yMin = Math.min(0, ...all.map(([, y]) => y));
  if (yMax === null || yMax === undefined) {  // up to a round number
    const largest = all.length ? Math.max(1e-9, ...all.map(([, y]) => y)) : 1;
    yMax = Math.ceil(largest / niceStep(largest / 4)) * niceStep(largest / 4);
  }
  const yStep = niceStep((yMax - yMin) / 4);
  const X = (x) => left + (width - left - right) * x / xMax;
  const Y = (y) => top + (height - top - bottom) * (1 - (y - yMin) / (yMax - yMin));

  // Axes, grid and labels.
  c.strokeStyle = "#c8c8c8";
  c.fillStyle = "#222";
  c.lineWidth = 1;
  c.textAlign = "right";
  c.textBaseline = "middle";
  for (let v = yMin; v <= yMax + 1e-9 * yStep; v += yStep) {
    c.beginPath();
    c.moveTo(left, Y(v));
    c.lineTo(width - right, Y(v));
    c.stroke();
    c.fillText(options.yFormat(v), left - 8, Y(v));
  }
  c.textAlign = "center";
  c.textBaseline = "top";
  const step = Math.max(1, niceStep(xMax / 4));
  for (let x = 0; x <= xMax; x += step) {
    c.fillText(x >= 1000 ? (x / 1000) + "k" : String(x), X(x), height - bottom + 6);
  }
  c.fillText(options.xLabel, left + (width - left - right) / 2, height - 28);

  for (const s of series) {
    const points = s.points.filter(([, y]) => Number.isFinite(y));
    if (!points.length) continue;
    c.strokeStyle = s.colour;
    c.fillStyle = s.colour;
    c.lineWidth = 3;
    c.setLineDash(s.dashed ? [8, 6] : []);
    c.beginPath();
    points.forEach(([x, y], i) => {
      const py = Math.min(Math.max(Y(y), top), height - bottom);
      if (i === 0) c.moveTo(X(x), py); else c.lineTo(X(x), py);
    });
    c.stroke();
    c.setLineDash([]);
    if (points.length === 1) {
      c.beginPath();
      c.arc(X(points[0][0]), Y(points[0][1]), 4, 0, 2 * Math.PI);
      c.fill();
    }
  }
}

// A round step (1, 2, 2.5 or 5 times a power of ten) at least as large as raw.
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
}
