// Draw: the pad, and everything the network does with the drawing.
//
// While the student draws, the pad is shrunk to SENT x SENT pixels (each the
// mean of a block of the pad's pixels, 0 = paper, 255 = ink) and posted to
// /api/predict; the server preprocesses it as `predict` does a photo and runs
// the network. At most one request is on its way at a time: a drawing that
// changed meanwhile is sent when the answer arrives.

import {api, css, element, inkColour, paintPixels, percent, signedColour, weightImages} from "./common.js";

const SENT = 112;          // pixels per side sent to the server (the pad is 4 times as large)
const PEN = 30;            // pen width, in the pad's pixels
const MIN_GAP_MS = 80;     // at most about 12 requests a second from one page

let network = null;        // /api/network's answer
let fields = [];           // each hidden neuron's incoming weights (bytes)
let last = null;           // the latest answer of /api/predict
let chosen = null;         // the hidden neuron whose receptive field is shown
let changed = false;       // drawn on since the last request was sent
let sending = false;
let lastSent = 0;
let hasInk = false;

export async function initDraw() {
  const pad = document.getElementById("pad");
  clearPad(pad);
  setUpPen(pad);
  document.getElementById("clear").addEventListener("click", () => {
    clearPad(pad);
    hasInk = false;
    changed = false;
    showBlank();
  });
  buildBars();
  showBlank();
  try {
    network = await api("/api/network");
  } catch (e) {
    document.getElementById("network-name").textContent = "The network could not be loaded: " + e.message;
    return;
  }
  fields = weightImages(network.weights);
  describeNetwork();
  buildTiles();
}

// ---------------------------------------------------------------- the pad

function clearPad(pad) {
  // willReadFrequently: the pad is read back after every stroke (see shrunk)
  const context = pad.getContext("2d", {willReadFrequently: true});
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, pad.width, pad.height);
}

function setUpPen(pad) {
  const context = pad.getContext("2d");
  let previous = null;
  const point = (event) => {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * pad.width / box.width,
            (event.clientY - box.top) * pad.height / box.height];
  };
  const line = (from, to) => {
    context.strokeStyle = "#000000";
    context.lineWidth = PEN;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(from[0], from[1]);
    context.lineTo(to[0], to[1]);
    context.stroke();
  };
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    previous = point(event);
    line(previous, previous);  // a dot, for a tap
    drawn(pad);
  });
  pad.addEventListener("pointermove", (event) => {
    if (previous === null) return;
    // Coalesced events: every point the pen passed through, not only one per frame.
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of (events.length ? events : [event])) {
      const p = point(e);
      line(previous, p);
      previous = p;
    }
    drawn(pad);
  });
  const end = () => { previous = null; };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
}

function drawn(pad) {
  hasInk = true;
  changed = true;
  send(pad);
}

// The pad shrunk to SENT x SENT: each pixel the mean ink (0..255) of a block.
function shrunk(pad) {
  const block = pad.width / SENT;
  const data = pad.getContext("2d").getImageData(0, 0, pad.width, pad.height).data;
  const pixels = new Array(SENT * SENT).fill(0);
  for (let y = 0; y < pad.height; y++) {
    const row = Math.floor(y / block) * SENT;
    for (let x = 0; x < pad.width; x++) {
      pixels[row + Math.floor(x / block)] += 255 - data[4 * (y * pad.width + x)];
    }
  }
  return pixels.map((v) => Math.round(v / (block * block)));
}

async function send(pad) {
  if (sending || !changed || !hasInk) return;
  const wait = lastSent + MIN_GAP_MS - performance.now();
  if (wait > 0) {
    setTimeout(() => send(pad), wait);
    return;
  }
  sending = true;
  changed = false;
  lastSent = performance.now();
  try {
    const answer = await api("/api/predict", {width: SENT, height: SENT, pixels: shrunk(pad)});
    if (hasInk) show(answer);  // not if the pad was cleared meanwhile
  } catch (e) {
    document.getElementById("confidence").textContent = "Could not read it: " + e.message;
  } finally {
    sending = false;
  }
  if (changed) send(pad);
}

// ---------------------------------------------------------------- showing the answer

function describeNetwork() {
  const meta = network.meta || {};
  let text = `Network ${network.name}: [${network.sizes.join(", ")}]`;
  if (meta.test_accuracy) text += `, ${percent(meta.test_accuracy)} right on the test images`;
  else if (meta.validation_accuracy) text += `, ${percent(meta.validation_accuracy)} right on the validation images`;
  document.getElementById("network-name").textContent = text + ".";
  const softmax = network.activations[network.activations.length - 1] === "softmax";
  document.getElementById("share-note").textContent = softmax
    ? "(softmax outputs: the network's probabilities)"
    : "(sigmoid outputs, each divided by their sum)";
}

function buildBars() {
  const bars = document.getElementById("bars");
  for (let d = 0; d < 10; d++) {
    const row = element("div", {class: "bar-row"});
    row.append(element("span", {class: "bar-digit"}, String(d)));
    const track = element("span", {class: "bar-track"});
    track.append(element("span", {class: "bar", id: "bar-" + d}));
    row.append(track, element("span", {class: "bar-value", id: "bar-value-" + d}));
    bars.append(row);
  }
}

function buildTiles() {
  const tiles = document.getElementById("tiles");
  tiles.replaceChildren();
  const hidden = network.sizes.length > 2 ? network.sizes[1] : 0;
  document.getElementById("hidden-count").textContent = hidden
    ? `(${hidden}, ${network.activations[0]})` : "(none: this network has no hidden layer)";
  document.getElementById("tile-scale").textContent = network.activations[0] === "sigmoid"
    ? "output near 1" : "the largest output";
  for (let j = 0; j < hidden; j++) {
    const tile = element("button", {type: "button", class: "tile", "aria-label": "hidden neuron " + (j + 1)});
    tile.addEventListener("pointerenter", () => choose(j));
    tile.addEventListener("focus", () => choose(j));
    tile.addEventListener("click", () => choose(j));
    tiles.append(tile);
  }
  if (hidden) choose(0);
}

function choose(j) {
  chosen = j;
  document.querySelectorAll(".tile").forEach((t, k) => t.classList.toggle("chosen", k === j));
  const value = last && last.hidden ? `: output ${last.hidden[j].toFixed(2)}` : "";
  document.getElementById("field-title").textContent = `Hidden neuron ${j + 1}${value}`;
  // This neuron's weights on a colour scale of its own (its largest weight is the end
  // colour): one neuron's pattern shows even where its weights are small.
  const weights = Array.from(fields[j], (b) => (b - 127.5) / 127.5);
  const largest = Math.max(1e-9, ...weights.map(Math.abs));
  paintPixels(document.getElementById("field"), 28, (k) => signedColour(weights[k] / largest));
  const input = last && last.hidden ? last.input : null;
  paintPixels(document.getElementById("field-ink"), 28, (k) =>
    signedColour(input ? weights[k] * input[k] / largest : 0));
}

function showBlank() {
  last = null;
  document.getElementById("prediction").textContent = "";
  document.getElementById("confidence").textContent = "Draw a digit on the pad.";
  document.getElementById("why-digit").textContent = "?";
  for (let d = 0; d < 10; d++) {
    document.getElementById("bar-" + d).style.width = "0%";
    document.getElementById("bar-" + d).classList.remove("winner");
    document.getElementById("bar-value-" + d).textContent = "";
  }
  paintPixels(document.getElementById("seen"), 28, () => inkColour(0));
  paintPixels(document.getElementById("why"), 28, () => signedColour(0));
  document.querySelectorAll(".tile").forEach((t) => { t.style.backgroundColor = css(inkColour(0)); });
  if (chosen !== null) choose(chosen);
}

function show(answer) {
  if (answer.digit === null) {
    showBlank();
    return;
  }
  last = answer;
  const digit = answer.digit;
  document.getElementById("prediction").textContent = String(digit);
  document.getElementById("confidence").textContent = `confidence ${percent(answer.probabilities[digit], 0)}`;
  document.getElementById("why-digit").textContent = `a ${digit}?`;
  answer.probabilities.forEach((p, d) => {
    const bar = document.getElementById("bar-" + d);
    bar.style.width = percent(p);
    bar.classList.toggle("winner", d === digit);
    document.getElementById("bar-value-" + d).textContent = percent(p, 0);
  });
  paintPixels(document.getElementById("seen"), 28, (k) => inkColour(answer.input[k]));
  paintPixels(document.getElementById("why"), 28, (k) => signedColour(answer.why[k] / answer.why_limit));
  if (answer.hidden) {
    // Sigmoid outputs are 0..1; tanh -1..1 and ReLU 0..anything are shown by size, scaled to the largest.
    const largest = Math.max(1, ...answer.hidden.map(Math.abs));
    document.querySelectorAll(".tile").forEach((t, j) => {
      t.style.backgroundColor = css(inkColour(Math.abs(answer.hidden[j]) / largest));
      t.title = `hidden neuron ${j + 1}: output ${answer.hidden[j].toFixed(3)}`;
    });
    if (chosen !== null) choose(chosen);
  }
}
