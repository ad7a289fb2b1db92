// The payment return page: ask the server every 3 s until the outcome is known, and show it in place
// (no reload). Every text comes translated from the server's JSON.
const root = document.querySelector("[data-balie-payment-status]");

function show(state) {
  const field = (name) => root.querySelector(`[data-field="${name}"]`);
  const heading = field("heading");
  if (heading.textContent !== state.heading) {
    heading.textContent = state.heading;
    document.title = state.heading;
  }
  heading.dataset.balieResult = state.result;
  field("text").textContent = state.text;
  field("retry").hidden = !state.can_retry;
  field("receipt").hidden = !state.paid;
  field("reload").hidden = state.final;
  root.dataset.status = state.status;
  root.dataset.final = state.final ? "1" : "0";
}

async function tick() {
  try {
    const response = await fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) show(await response.json());
  } catch (error) {
    // A network hiccup: ask again on the next tick.
  }
  if (root.dataset.final !== "1") window.setTimeout(tick, 3000);
}

if (root && root.dataset.final !== "1") window.setTimeout(tick, 3000);
