// Backprop, one equation at a time, on a [2, 3, 2] network.
//
// Every number comes from the server (/api/backprop runs the project's own
// Network.backprop_trace); this file only draws them. Changing x, y, a weight
// or a bias asks the server again, and every number on the drawing changes.

import {api, element, fmt} from "./common.js";

const SIZES = [2, 3, 2];
const LAYER_X = [150, 500, 850];
const R = 56;
const SUP = ["", "\u00b9", "\u00b2", "\u00b3", "\u2074"];
const SUB = ["\u2080", "\u2081", "\u2082", "\u2083", "\u2084", "\u2085", "\u2086", "\u2087", "\u2088", "\u2089"];
const SVG = "http://www.w3.org/2000/svg";

const STEPS = [
  {title: "The network, its input x and its target y", focus: {}},
  {title: "Forward pass, layer 2: weighted inputs z and activations a", focus: {nodes: [2], edges: [2]}},
  {title: "Forward pass, layer 3, and the cost C", focus: {nodes: [3], edges: [3]}},
  {title: "BP1: the error \u03b4 of the output layer", focus: {nodes: [3]}},
  {title: "BP2: the error \u03b4 of layer 2, sent back through w\u00b3", focus: {nodes: [2], edges: [3]}},
  {title: "BP3: the gradient of each bias is its neuron's \u03b4", focus: {biases: [2, 3]}},
  {title: "BP4: the gradient of each weight, a\u02e1\u207b\u00b9\u2096 \u03b4\u02e1\u2c7c", focus: {edges: [2, 3], gradients: true}},
  {title: "Check: the same gradients by central differences", focus: {}},
];

let data = null;
let step = 0;
let seed = 1;
let x = [0.5, -0.3];
let y = [1, 0];
let parameters = null;   // {weights, biases} as edited; null: the seed's random ones
let requested = 0;

export async function initBackprop() {
  document.getElementById("bp-prev").addEventListener("click", () => go(step - 1));
  document.getElementById("bp-next").addEventListener("click", () => go(step + 1));
  document.getElementById("bp-random").addEventListener("click", () => {
    seed += 1;
    parameters = null;
    update();
  });
  const form = document.getElementById("bp-form");
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", (event) => edited(event.target));
  fillInputs();
  await update();
}

function go(k) {
  step = Math.max(0, Math.min(STEPS.length - 1, k));
  render();
}

// ---------------------------------------------------------------- the numbers

async function update() {
  const ticket = ++requested;
  const body = {sizes: SIZES, seed, x, y};
  if (parameters) Object.assign(body, parameters);
  try {
    const answer = await api("/api/backprop", body);
    if (ticket !== requested) return;  // a newer edit is on its way
    data = answer;
    parameters = {weights: data.weights, biases: data.biases};
    document.getElementById("bp-check").textContent = "";
    buildParameterInputs();
    render();
  } catch (e) {
    document.getElementById("bp-check").textContent = "Not accepted: " + e.message;
  }
}

function fillInputs() {
  const form = document.getElementById("bp-form");
  x.forEach((v, k) => { form.elements["x" + k].value = v; });
  y.forEach((v, k) => { form.elements["y" + k].value = v; });
}

function edited(input) {
  const value = Number(input.value);
  if (input.value === "" || !Number.isFinite(value)) return;
  const name = input.name;
  if (name[0] === "x") x[Number(name.slice(1))] = value;
  else if (name[0] === "y") y[Number(name.slice(1))] = value;
  else {
    const [kind, i, j, k] = name.split("-");
    if (kind === "w") parameters.weights[Number(i)][Number(j)][Number(k)] = value;
    else parameters.biases[Number(i)][Number(j)] = value;
  }
  update();
}

const shown = (value) => String(Math.round(value * 1000) / 1000);

function buildParameterInputs() {
  const box = document.getElementById("bp-parameters");
  const focused = document.activeElement && document.activeElement.name;
  document.getElementById("bp-seed").textContent = `(seed ${seed})`;
  if (box.children.length) {  // already built: only the values change (and not the one being typed)
    box.querySelectorAll("input").forEach((input) => {
      if (input.name === focused) return;
      const [kind, i, j, k] = input.name.split("-");
      input.value = shown(kind === "w" ? data.weights[i][j][k] : data.biases[i][j]);
    });
    return;
  }
  // One table per layer: row j holds the weights into neuron j, then its bias.
  data.weights.forEach((w, i) => {
    const l = i + 2;
    const table = element("table", {class: "parameters"});
    table.append(element("caption", {}, `layer ${l}: weights into neuron j, and its bias`));
    const head = element("tr");
    head.append(element("th"));
    w[0].forEach((_, k) => head.append(element("th", {}, `w${SUP[l]}\u2c7c${SUB[k + 1]}`)));
    head.append(element("th", {}, `b${SUP[l]}\u2c7c`));
    table.append(head);
    w.forEach((row, j) => {
      const line = element("tr");
      line.append(element("th", {}, `j = ${j + 1}`));
      const cell = (name, value, label) => {
        const td = element("td");
        td.append(element("input", {type: "number", step: "0.1", min: "-20", max: "20", name,
                                    value: shown(value), "aria-label": label}));
        line.append(td);
      };
      row.forEach((v, k) => cell(`w-${i}-${j}-${k}`, v, `w${SUP[l]}${SUB[j + 1]}${SUB[k + 1]}`));
      cell(`b-${i}-${j}`, data.biases[i][j], `b${SUP[l]}${SUB[j + 1]}`);
      table.append(line);
    });
    box.append(table);
  });
}

// ---------------------------------------------------------------- the drawing

// Layers of 2 neurons are spread wider than layers of 3, so that the labels
// above and below the neurons (delta, bias) never meet.
function nodePosition(l, j) {
  const n = SIZES[l - 1];
  return [LAYER_X[l - 1], 330 + (j - (n - 1) / 2) * (n <= 2 ? 230 : 170)];
}

function svg(tag, attributes, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function render() {
  if (!data) return;
  const focus = STEPS[step].focus;
  document.getElementById("bp-count").textContent = `step ${step + 1} of ${STEPS.length}`;
  document.getElementById("bp-title").textContent = STEPS[step].title;
  document.getElementById("bp-prev").disabled = step === 0;
  document.getElementById("bp-next").disabled = step === STEPS.length - 1;
  document.getElementById("bp-equation").innerHTML = equation(step);
  const net = document.getElementById("bp-net");
  net.replaceChildren();
  for (let l = 1; l <= 3; l++) {
    net.append(svg("text", {x: LAYER_X[l - 1], y: 34, class: "layer-name"},
                   l === 1 ? "layer 1: input" : l === 2 ? "layer 2: hidden" : "layer 3: output"));
  }
  // Edges first, so the neurons are drawn over them.
  for (let l = 2; l <= 3; l++) {
    const on = (focus.edges || []).includes(l);
    data.weights[l - 2].forEach((row, j) => row.forEach((w, k) => {
      const [x1, y1] = nodePosition(l - 1, k);
      const [x2, y2] = nodePosition(l, j);
      net.append(svg("line", {x1: x1 + R, y1, x2: x2 - R, y2, class: on ? "edge focus" : "edge"}));
      const t = 0.8;  // labels near the neuron they feed: the lines do not cross there
      const value = focus.gradients ? data.nabla_w[l - 2][j][k] : w;
      const label = svg("text", {x: x1 + R + (x2 - x1 - 2 * R) * t, y: y1 + (y2 - y1) * t - 6,
                                 class: on ? "edge-label focus" : "edge-label"},
                        (focus.gradients ? "\u2202C/\u2202w " : "w ") + fmt(value, 2));
      net.append(label);
    }));
  }
  for (let l = 1; l <= 3; l++) {
    for (let j = 0; j < SIZES[l - 1]; j++) drawNeuron(net, l, j, focus);
  }
}

function drawNeuron(net, l, j, focus) {
  const [cx, cy] = nodePosition(l, j);
  const on = (focus.nodes || []).includes(l);
  net.append(svg("circle", {cx, cy, r: R, class: on ? "neuron focus" : "neuron"}));
  // Inside: the input x, or the activation a once the forward pass got there.
  let inside = "";
  if (l === 1) inside = `x${SUB[j + 1]} ${fmt(data.x[j], 2)}`;
  else if (step >= l - 1) inside = `a ${fmt(data.activations[l - 1][j], 3)}`;
  net.append(svg("text", {x: cx, y: cy + 8, class: "neuron-value"}, inside));
  // Above: the error delta, once BP1 (output layer) or BP2 (hidden layer) computed it.
  if (l > 1 && step >= (l === 3 ? 3 : 4)) {
    const deltaOn = on && (step === 3 || step === 4);
    net.append(svg("text", {x: cx, y: cy - R - 12, class: deltaOn ? "delta focus" : "delta"},
                   `\u03b4 ${fmt(data.deltas[l - 2][j], 4)}`));
  }
  if (l > 1) {
    const biasOn = (focus.biases || []).includes(l);
    const text = biasOn ? `\u2202C/\u2202b ${fmt(data.nabla_b[l - 2][j], 3)}` : `b ${fmt(data.biases[l - 2][j], 2)}`;
    net.append(svg("text", {x: cx, y: cy + R + 28, class: biasOn ? "bias focus" : "bias"}, text));
  }
  if (l === 3) {
    net.append(svg("text", {x: cx + R + 12, y: cy + 8, class: "target"}, `y ${fmt(data.y[j], 1)}`));
  }
}

// ---------------------------------------------------------------- the equations

const v = (t) => `<var>${t}</var>`;
const n = (value, digits = 3) => `<span class="num">${fmt(value, digits)}</span>`;
const p = (value, digits = 3) => value < 0 ? `(${n(value, digits)})` : n(value, digits);
const s = (name, l, j, k) => `${v(name)}<sup>${l}</sup><sub>${j}${k === undefined ? "" : k}</sub>`;

function equation(k) {
  const d = data;
  const lines = [];
  if (k === 0) {
    lines.push(`${v("a")}<sup>1</sup> = ${v("x")} = (${d.x.map((e) => n(e, 2)).join(", ")}), target ${v("y")} = (${d.y.map((e) => n(e, 2)).join(", ")})`);
    lines.push(`Each line carries a weight ${s("w", "l", "j", "k")}; each neuron of layers 2 and 3 has a bias ${s("b", "l", "j")}. Press Next.`);
  } else if (k === 1 || k === 2) {
    const l = k + 1;
    lines.push(`${s("z", l, "j")} = &Sigma;<sub>k</sub> ${s("w", l, "j", "k")} ${s("a", l - 1, "k")} + ${s("b", l, "j")}, &nbsp; ${s("a", l, "j")} = &sigma;(${s("z", l, "j")})`);
    d.zs[l - 2].forEach((z, j) => {
      const terms = d.weights[l - 2][j].map((w, kk) => `${p(w, 2)}&middot;${p(d.activations[l - 2][kk])}`).join(" + ");
      lines.push(`${s("z", l, j + 1)} = ${terms} + ${p(d.biases[l - 2][j], 2)} = ${n(z)}, &nbsp; ${s("a", l, j + 1)} = &sigma;(${n(z)}) = ${n(d.activations[l - 1][j])}`);
    });
    if (l === 3) {
      const terms = d.activations[2].map((a, j) => `(${n(a)} &minus; ${n(d.y[j], 2)})<sup>2</sup>`).join(" + ");
      lines.push(`cost ${v("C")} = &frac12;&#8214;${v("a")}<sup>3</sup> &minus; ${v("y")}&#8214;<sup>2</sup> = &frac12;(${terms}) = ${n(d.cost, 4)}`);
    }
  } else if (k === 3) {
    lines.push(`${v("&delta;")}<sup>3</sup> = (${v("a")}<sup>3</sup> &minus; ${v("y")}) &odot; &sigma;&prime;(${v("z")}<sup>3</sup>), &nbsp; with &sigma;&prime;(${v("z")}) = ${v("a")}(1 &minus; ${v("a")})`);
    d.deltas[1].forEach((delta, j) => {
      const a = d.activations[2][j];
      lines.push(`${s("&delta;", 3, j + 1)} = (${n(a)} &minus; ${n(d.y[j], 2)}) &middot; ${n(a)} &middot; (1 &minus; ${n(a)}) = ${n(delta, 4)}`);
    });
  } else if (k === 4) {
    lines.push(`${v("&delta;")}<sup>2</sup> = ((${v("w")}<sup>3</sup>)<sup>T</sup> ${v("&delta;")}<sup>3</sup>) &odot; &sigma;&prime;(${v("z")}<sup>2</sup>): each neuron collects the errors it caused, through its weights`);
    d.deltas[0].forEach((delta, j) => {
      const a = d.activations[1][j];
      const back = d.weights[1].map((row, i) => `${p(row[j], 2)}&middot;${p(d.deltas[1][i], 4)}`).join(" + ");
      lines.push(`${s("&delta;", 2, j + 1)} = (${back}) &middot; ${n(a)} &middot; (1 &minus; ${n(a)}) = ${n(delta, 4)}`);
    });
  } else if (k === 5) {
    lines.push(`&part;${v("C")}/&part;${s("b", "l", "j")} = ${s("&delta;", "l", "j")}`);
    for (const l of [3, 2]) {
      lines.push(`&part;${v("C")}/&part;${v("b")}<sup>${l}</sup> = ${v("&delta;")}<sup>${l}</sup> = (${d.nabla_b[l - 2].map((e) => n(e, 4)).join(", ")})`);
    }
  } else if (k === 6) {
    lines.push(`&part;${v("C")}/&part;${s("w", "l", "j", "k")} = ${s("a", "l&minus;1", "k")} ${s("&delta;", "l", "j")}: row ${v("j")} of the gradient is ${s("&delta;", "l", "j")} times the inputs ${v("a")}<sup>l&minus;1</sup>`);
    for (const l of [3, 2]) {
      d.nabla_w[l - 2].forEach((row, j) => {
        lines.push(`&part;${v("C")}/&part;${s("w", l, j + 1, "k")} = ${p(d.deltas[l - 2][j], 4)} &middot; (${d.activations[l - 2].map((a) => n(a)).join(", ")}) = (${row.map((e) => n(e, 4)).join(", ")})`);
      });
    }
  } else {
    const error = d.max_error === null ? "not a number" : d.max_error.toExponential(1);
    lines.push(`Nudging each weight and bias by &plusmn;${v("h")} and measuring the cost, (${v("C")}(${v("w")} + ${v("h")}) &minus; ${v("C")}(${v("w")} &minus; ${v("h")})) / 2${v("h")}, gives the same gradients: largest relative difference ${error} (${d.agrees ? "they agree" : "they DISAGREE"}).`);
    lines.push(`Gradient descent would now move every weight and bias a small step against its gradient: ${v("w")} &rarr; ${v("w")} &minus; &eta; &part;${v("C")}/&part;${v("w")}.`);
  }
  return lines.map((line) => `<p>${line}</p>`).join("");
}
