// Learn live: this page's own network trains in a thread of the server.
//
// The settings live in the page's address (?view=learn&hidden=30&eta=3...),
// so a teacher can prepare a lesson and share it as a link. The page asks
// the server for its session's progress every half second while it trains.

import {api, element, paintWeights, percent, weightImages} from "./common.js";
import {drawChart, TRAINING_COLOUR, VALIDATION_COLOUR} from "./chart.js";

const POLL_MS = 500;        // while training
const IDLE_POLL_MS = 3000;  // while paused or ready: keeps the session alive
const NAMES = ["hidden", "eta", "batch", "init", "cost", "activation", "seed"];

// Lessons: each a link with its settings, and what to watch for.
const PRESETS = [
  {title: "The book's network", settings: {hidden: 30, eta: 3, batch: 10, init: "scaled", cost: "quadratic", activation: "sigmoid"},
   text: "30 sigmoid neurons, quadratic cost, \u03b7 = 3 (chapter 1)."},
  {title: "Cross-entropy", settings: {hidden: 30, eta: 0.5, batch: 10, init: "scaled", cost: "cross-entropy", activation: "sigmoid"},
   text: "The cost of chapter 3: no slowdown when an output is wrong and saturated."},
  {title: "ReLU and softmax", settings: {hidden: 30, eta: 0.1, batch: 10, init: "scaled", cost: "log-likelihood", activation: "relu"},
   text: "ReLU hidden neurons, softmax outputs, log-likelihood cost (chapter 3)."},
  {title: "No hidden layer", settings: {hidden: 0, eta: 3, batch: 10, init: "scaled", cost: "quadratic", activation: "sigmoid"},
   text: "Ten neurons, one per digit: each weight image becomes a template."},
  {title: "\u03b7 = 100: saturates", settings: {hidden: 30, eta: 100, batch: 10, init: "scaled", cost: "quadratic", activation: "sigmoid"},
   text: "Steps far too large: the neurons saturate at 0 or 1 and learning stops.", failure: true},
  {title: "\u03b7 = 0.001: crawls", settings: {hidden: 30, eta: 0.001, batch: 10, init: "scaled", cost: "quadratic", activation: "sigmoid"},
   text: "Steps far too small: after thousands of images, hardly better than guessing.", failure: true},
  {title: "Zero initial weights", settings: {hidden: 30, eta: 3, batch: 10, init: "zeros", cost: "quadratic", activation: "sigmoid"},
   text: "Every hidden neuron starts the same, gets the same gradient and stays the same (watch the weight images): symmetry never breaks.", failure: true},
];

const sessionId = (() => {
  let id = sessionStorage.getItem("mnist-session");
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("mnist-session", id);
  }
  return id;
})();

let options = null;       // /api/options: defaults, limits, choices
let settings = null;      // the settings of the form (and the address)
let points = [];          // the curves' points received so far
let weightsVersion = -1;
let pollTimer = null;
let state = "none";
let quickPolls = 0;       // after a step: look again soon, until its point has arrived

export async function initLearn() {
  options = await api("/api/options");
  const form = document.getElementById("settings");
  for (const name of ["init", "cost", "activation"]) {
    const select = form.elements[name];
    for (const value of options.choices[name]) select.append(element("option", {value}, value));
  }
  settings = settingsFromAddress();
  fillForm();
  buildPresets();
  form.addEventListener("change", () => {
    settings = readForm();
    saveToAddress();
    act("reset");
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const action of ["start", "pause", "step", "reset"]) {
    document.getElementById("train-" + action).addEventListener("click", () => act(action));
  }
  window.addEventListener("resize", drawCharts);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  const status = await api(`/api/train?session=${sessionId}&since=0&weights=-1`);
  if (status.state === "none" || !sameSettings(status.settings, settings)) {
    await act("reset");
  } else {
    show(status);
    schedulePoll();
  }
}

export function redrawLearn() {
  drawCharts();
}

// ---------------------------------------------------------------- settings

function settingsFromAddress() {
  const query = new URLSearchParams(location.search);
  const chosen = {...options.defaults};
  for (const name of NAMES) {
    if (!query.has(name)) continue;
    const text = query.get(name);
    chosen[name] = options.choices[name] ? text : Number(text);
  }
  return chosen;
}

function fillForm() {
  const form = document.getElementById("settings");
  for (const name of NAMES) form.elements[name].value = String(settings[name]);
}

function readForm() {
  const form = document.getElementById("settings");
  const read = {};
  for (const name of NAMES) {
    const value = form.elements[name].value;
    read[name] = options.choices[name] ? value : Number(value);
  }
  return read;
}

function saveToAddress() {
  const query = new URLSearchParams(location.search);
  query.set("view", "learn");
  for (const name of NAMES) query.set(name, String(settings[name]));
  history.replaceState(null, "", "?" + query.toString());
}

function sameSettings(a, b) {
  return a && NAMES.every((name) => a[name] === b[name]);
}

function buildPresets() {
  const list = document.getElementById("presets");
  for (const preset of PRESETS) {
    const query = new URLSearchParams({view: "learn"});
    for (const [k, v] of Object.entries({...options.defaults, ...preset.settings})) query.set(k, String(v));
    const link = element("a", {href: "?" + query.toString()}, preset.title);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      settings = {...options.defaults, ...preset.settings};
      fillForm();
      saveToAddress();
      act("reset");
    });
    const item = element("li", preset.failure ? {class: "failure"} : {});
    item.append(link, element("span", {}, " " + preset.text));
    list.append(item);
  }
}

// ---------------------------------------------------------------- talking to the session

async function act(action) {
  const message = document.getElementById("train-message");
  try {
    // The answer holds every point and the weights: the page starts over from it.
    const status = await api("/api/train", {session: sessionId, action, settings});
    message.textContent = "";
    show(status, true);
  } catch (e) {
    message.textContent = e.message;
    return;
  }
  if (action === "step") quickPolls = 8;
  schedulePoll(action === "start" || action === "step" ? 0 : undefined);
}

function schedulePoll(delay) {
  clearTimeout(pollTimer);
  const training = state === "loading" || state === "running";
  const finished = ["finished", "diverged", "stopped", "failed"].includes(state);
  if (finished) return;
  const quick = training || quickPolls > 0;
  quickPolls = Math.max(0, quickPolls - 1);
  pollTimer = setTimeout(poll, delay ?? (quick ? POLL_MS : IDLE_POLL_MS));
}

async function poll() {
  clearTimeout(pollTimer);
  if (document.hidden) return;  // polling again when the page is seen again
  try {
    const status = await api(
      `/api/train?session=${sessionId}&since=${points.length}&weights=${weightsVersion}`);
    if (status.state === "none") {  // the server forgot this session (or restarted)
      await act("reset");
      return;
    }
    if (status.points_total < points.length + status.points.length) {
      points = [];  // the server thinned out a long curve: start again from its first point
      const all = await api(`/api/train?session=${sessionId}&since=0&weights=${weightsVersion}`);
      show(all, true);
    } else {
      show(status);
    }
  } catch (e) {
    document.getElementById("train-message").textContent = e.message;
  }
  schedulePoll();
}

// ---------------------------------------------------------------- showing it

function show(status, all = false) {
  state = status.state;
  if (all) points = [];
  points = points.concat(status.points);
  const accuracy = status.validation_accuracy;
  document.getElementById("train-accuracy").textContent = accuracy === null ? "\u2013" : percent(accuracy);
  const speed = status.seconds > 0 ? Math.round(status.examples_seen / status.seconds) : 0;
  const words = {
    ready: "Ready: a new network, not trained yet. Press Start",
    loading: `Getting ready: checking the ${(status.training_images || 0).toLocaleString("en")} training images`,
    running: `Learning: epoch ${status.epoch} of ${status.epochs}`,
    paused: `Paused in epoch ${Math.max(1, status.epoch)} of ${status.epochs}`,
    finished: `Finished: ${status.epochs} epochs`,
    diverged: "Stopped: training broke down",
    stopped: "Stopped",
    failed: "Failed",
  };
  let text = words[state] || state;
  if (status.examples_seen) {
    text += `, ${status.examples_seen.toLocaleString("en")} images seen`;
    if (speed && state === "running") text += ` (${speed.toLocaleString("en")} a second)`;
  }
  text += `. Accuracy measured on ${status.validation_images} validation images, never trained on.`;
  document.getElementById("train-status").textContent = text;
  document.getElementById("train-message").textContent = status.message || "";
  document.getElementById("train-message").classList.toggle("bad", state === "diverged" || state === "failed");
  document.getElementById("train-start").textContent = state === "paused" ? "Go on" : "Start";
  document.getElementById("train-start").disabled = state === "running" || state === "loading";
  document.getElementById("train-pause").disabled = !(state === "running" || state === "loading");
  if (status.weights) {
    weightsVersion = status.weights_version;
    showWeights(status);
  }
  drawCharts();
}

function showWeights(status) {
  const grid = document.getElementById("train-weights");
  const rows = weightImages(status.weights);
  const hidden = status.sizes.length > 2;
  document.getElementById("weights-title").textContent = hidden
    ? `Weights into each of the ${rows.length} hidden neurons`
    : "Weights into each output neuron (digits 0 to 9)";
  document.getElementById("weights-scale").textContent =
    `from \u2212${status.weights.scale.toFixed(2)} to +${status.weights.scale.toFixed(2)}`;
  grid.classList.toggle("few", rows.length <= 30);
  while (grid.children.length > rows.length) grid.lastChild.remove();
  while (grid.children.length < rows.length) {
    const k = grid.children.length;
    const canvas = element("canvas", {width: 28, height: 28, class: "pixels",
                                      title: hidden ? `hidden neuron ${k + 1}` : `digit ${k}`});
    grid.append(canvas);
  }
  rows.forEach((row, j) => paintWeights(grid.children[j], row));
}

function drawCharts() {
  if (document.getElementById("view-learn").hidden) return;
  const pick = (key) => points.map((p) => [p.examples, p[key]]);
  drawChart(document.getElementById("accuracy-chart"), [
    {points: pick("training_accuracy").map(([x, y]) => [x, y === null ? NaN : 100 * y]), colour: TRAINING_COLOUR, dashed: true},
    {points: pick("validation_accuracy").map(([x, y]) => [x, 100 * y]), colour: VALIDATION_COLOUR},
  ], {yMin: 0, yMax: 100, xLabel: "images seen", yFormat: (v) => v.toFixed(0) + "%"});
  drawChart(document.getElementById("cost-chart"), [
    {points: pick("training_cost").map(([x, y]) => [x, y === null ? NaN : y]), colour: TRAINING_COLOUR, dashed: true},
    {points: pick("validation_cost"), colour: VALIDATION_COLOUR},
  ], {yMin: 0, yMax: null, xLabel: "images seen", yFormat: (v) => v.toFixed(2)});
}
