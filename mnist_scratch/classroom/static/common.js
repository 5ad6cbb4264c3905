// What the three parts of the page share: talking to the server, colours, small pictures.

// ---------------------------------------------------------------- the server

const connection = () => document.getElementById("connection");

// GET or POST JSON; resolves to the answer, or rejects with an Error whose
// message is the server's {"error": ...} (or why the server could not be reached).
export async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    connection().textContent = "The server does not answer: is it still running?";
    throw new Error("the server does not answer");
  }
  connection().textContent = "";
  const answer = await response.json();
  if (!response.ok) {
    throw new Error(answer.error || ("HTTP " + response.status));
  }
  return answer;
}

// ---------------------------------------------------------------- colours

// Ink on paper: 0 = white paper, 1 = black ink (as the project's figures draw digits).
export function inkColour(v) {
  const g = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
  return [g, g, g];
}

// A diverging scale for weights, as matplotlib's RdBu_r in the project's figures:
// -1 dark blue, 0 near white, +1 dark red.
const RD_BU = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [247, 247, 247],
  [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

export function signedColour(t) {
  const u = (Math.min(1, Math.max(-1, t)) + 1) / 2 * (RD_BU.length - 1);
  const i = Math.min(RD_BU.length - 2, Math.floor(u));
  const f = u - i;
  return RD_BU[i].map((c, k) => Math.round(c + (RD_BU[i + 1][k] - c) * f));
}

export function css([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}

// 256 colours for the bytes of packed weights (see weightImages): byte b is
// the weight (b - 127.5) / 127.5 of the scale.
export const BYTE_PALETTE = Array.from({length: 256}, (_, b) => signedColour((b - 127.5) / 127.5));

// ---------------------------------------------------------------- small pictures

// Paint a side x side canvas pixel by pixel: colour(k) gives [r, g, b] of pixel k.
export function paintPixels(canvas, side, colour) {
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext("2d");
  const image = context.createImageData(side, side);
  for (let k = 0; k < side * side; k++) {
    const [r, g, b] = colour(k);
    image.data.set([r, g, b, 255], 4 * k);
  }
  context.putImageData(image, 0, 0);
}

// The server's packed weight images ({rows, cols, scale, data: base64 bytes})
// as one Uint8Array per row.
export function weightImages(packed) {
  const raw = atob(packed.data);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const rows = [];
  for (let j = 0; j < packed.rows; j++) rows.push(bytes.subarray(j * packed.cols, (j + 1) * packed.cols));
  return rows;
}

export function paintWeights(canvas, row) {
  paintPixels(canvas, 28, (k) => BYTE_PALETTE[row[k]]);
}

// ---------------------------------------------------------------- text

export function percent(v, digits = 1) {
  return (100 * v).toFixed(digits) + "%";
}

// A number for the backprop drawing: 3 decimals, a true minus sign.
export function fmt(v, digits = 3) {
  const text = Math.abs(v) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : v.toFixed(digits);
  return text.replace("-", "\u2212");
}

export function element(tag, attributes = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}
