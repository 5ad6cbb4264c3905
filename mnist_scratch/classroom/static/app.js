// The classroom page: three views (Draw, Learn live, Backprop), chosen by the
// tabs and kept in the address (?view=learn), so a link opens the right one.

import {initBackprop} from "./backprop.js";
import {initDraw} from "./draw.js";
import {initLearn, redrawLearn} from "./learn.js";

const VIEWS = ["draw", "learn", "backprop"];

function showView(name) {
  for (const view of VIEWS) {
    document.getElementById("view-" + view).hidden = view !== name;
    const tab = document.getElementById("tab-" + view);
    tab.classList.toggle("active", view === name);
    tab.setAttribute("aria-pressed", String(view === name));
  }
  const query = new URLSearchParams(location.search);
  if (query.get("view") !== name) {
    query.set("view", name);
    history.replaceState(null, "", "?" + query.toString());
  }
  if (name === "learn") redrawLearn();
}

function start() {
  const wanted = new URLSearchParams(location.search).get("view");
  showView(VIEWS.includes(wanted) ? wanted : "draw");
  for (const view of VIEWS) {
    document.getElementById("tab-" + view).addEventListener("click", () => showView(view));
  }
  const failed = (part) => (e) => {
    document.getElementById("connection").textContent = `${part} could not start: ${e.message}`;
  };
  initDraw().catch(failed("Draw"));
  initLearn().catch(failed("Learn live"));
  initBackprop().catch(failed("Backprop"));
}

start();
