// The clerk's workspace: queue | selected conversation | video. Without JavaScript every link and form
// works as a page of its own; this script keeps the video call running while the clerk acts:
// - choosing a conversation swaps the middle column only (the URL follows, ?session=);
// - a command opens one focused panel at a time (Escape closes it, focus returns to the command);
// - forms are sent in the background and answered in a floating message;
// - live updates replace a region only when that moves nothing under the pointer and the clerk is not
//   in it (typing, about to click); otherwise they wait until the pointer or focus has left.
import { embedRoom, poll, stopPreview } from "./live.js";

const root = document.querySelector("[data-balie-console]");
if (root) {
  const $ = (selector) => root.querySelector(selector);
  const text = (name) => $("[data-balie-texts]").content.querySelector(`[data-text=${name}]`).textContent;
  const RESTING_MS = 5000;
  const pending = new Map(); // region name -> fresh node, waiting for the clerk to move away
  let pointer = null; // last pointer position, to find what is under it
  let api = null;
  let room = null;
  let first = true;

  const selected = () => root.dataset.selected || "";
  const pageUrl = (session) => `${window.location.pathname}${session ? `?session=${session}` : ""}`;
  const withoutTokens = (node) => node.innerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "");

  async function fetchPage(session) {
    const response = await fetch(pageUrl(session), { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  // --- Live regions -------------------------------------------------------------------------------
  // What the pointer rests on, found again after a swap: itself outside the region, or the nearest
  // element with an id inside it (queue rows and request cards have one).
  // A pointer that has rested longer than RESTING_MS is not about to click: updates go ahead.
  function anchor(region) {
    if (!pointer || Date.now() - pointer.at > RESTING_MS) return null;
    const target = document.elementFromPoint(pointer.x, pointer.y);
    if (!target || !root.contains(target)) return null;
    if (!region.contains(target)) return { find: () => target, top: target.getBoundingClientRect().top };
    const keyed = target.closest("[id]");
    if (!keyed || !region.contains(keyed)) return { find: () => null, top: 0 }; // no way to follow it: wait
    return { find: () => document.getElementById(keyed.id), top: keyed.getBoundingClientRect().top };
  }

  // Put `fresh` in place of `current` unless the clerk is typing in it or it would move (or remove)
  // what the pointer rests on; then it waits (`pending`) until they have moved on.
  function swap(current, fresh) {
    if (current.contains(document.activeElement) && document.activeElement !== document.body) return false;
    const before = anchor(current);
    current.replaceWith(fresh);
    const after = before && before.find();
    if (before && (!after || !after.isConnected || Math.abs(after.getBoundingClientRect().top - before.top) > 0.5)) {
      fresh.replaceWith(current);
      return false;
    }
    return true;
  }

  function applyRegions(html, force = false) {
    html.querySelectorAll("[data-balie-region]").forEach((fresh) => {
      const name = fresh.dataset.balieRegion;
      const current = root.querySelector(`[data-balie-region="${name}"]`);
      if (!current || withoutTokens(current) === withoutTokens(fresh)) {
        pending.delete(name);
        return;
      }
      if (force) current.replaceWith(fresh);
      if (force || swap(current, fresh)) pending.delete(name);
      else pending.set(name, fresh);
    });
  }

  // Closed panels take the fresh version at once (hidden: nothing moves), so a panel opens with today's
  // choices (a document the citizen just sent, in the signature's list).
  // Panels that came (the end, once the call runs) or went are added or dropped the same way.
  function refreshClosedPanels(html) {
    const names = new Set();
    html.querySelectorAll("[data-balie-panel]").forEach((fresh) => {
      const name = fresh.dataset.baliePanel;
      const current = root.querySelector(`[data-balie-panel="${name}"]`);
      const container = $("[data-balie-panels]");
      names.add(name);
      fresh.hidden = true;
      if (current && current.hidden) current.replaceWith(fresh);
      else if (!current && container) container.append(fresh);
    });
    root.querySelectorAll("[data-balie-panel]").forEach((panel) => {
      if (panel.hidden && !names.has(panel.dataset.baliePanel)) panel.remove();
    });
  }

  function retryPending() {
    pending.forEach((fresh, name) => {
      const current = root.querySelector(`[data-balie-region="${name}"]`);
      if (!current) pending.delete(name);
      else if (swap(current, fresh)) pending.delete(name);
    });
  }

  async function refresh(force = false) {
    try {
      const html = await fetchPage(selected());
      refreshClosedPanels(html); // first: it takes the regions inside those panels along
      applyRegions(html, force);
    } catch (error) { /* the next poll tries again */ }
  }

  // --- Choosing a conversation --------------------------------------------------------------------
  async function select(session, { push = true, focus = true } = {}) {
    const html = await fetchPage(session);
    const fresh = html.querySelector("[data-balie-conversation]");
    $("[data-balie-conversation]").replaceWith(fresh);
    root.dataset.selected = html.querySelector("[data-balie-console]").dataset.selected;
    applyRegions(html, true);
    pending.clear();
    if (push) window.history.pushState({ session: root.dataset.selected }, "", pageUrl(root.dataset.selected));
    if (focus) {
      const title = $("#conversation-title");
      title.tabIndex = -1;
      title.focus();
    }
  }

  // --- One focused panel at a time ----------------------------------------------------------------
  function openPanel(name) {
    root.querySelectorAll("[data-balie-panel]").forEach((panel) => { panel.hidden = panel.dataset.baliePanel !== name; });
    root.querySelectorAll("[data-balie-open-panel]").forEach((command) => {
      command.setAttribute("aria-expanded", String(command.dataset.balieOpenPanel === name));
    });
    const panel = name && $(`[data-balie-panel="${name}"]`);
    if (panel) {
      const field = panel.querySelector("input:not([type=hidden]), select, textarea, button");
      (field || panel).focus();
    }
  }

  function closePanel(panel) {
    const name = panel.dataset.baliePanel;
    openPanel("");
    const command = $(`[data-balie-open-panel="${name}"]`);
    if (command) command.focus();
  }

  root.addEventListener("click", (event) => {
    const choose = event.target.closest("[data-balie-select]");
    const open = event.target.closest("[data-balie-open-panel]");
    const close = event.target.closest("[data-balie-close-panel]");
    if (choose && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      select(choose.dataset.balieSelect).catch(() => { window.location.href = choose.href; });
    } else if (open) {
      event.preventDefault();
      openPanel(open.getAttribute("aria-expanded") === "true" ? "" : open.dataset.balieOpenPanel);
    } else if (close) {
      event.preventDefault();
      closePanel(close.closest("[data-balie-panel]"));
    }
  });

  root.addEventListener("keydown", (event) => {
    const panel = event.key === "Escape" && event.target.closest("[data-balie-panel]");
    if (panel) closePanel(panel);
  });

  window.addEventListener("popstate", () => {
    const session = new URLSearchParams(window.location.search).get("session") || "";
    select(session, { push: false, focus: false }).catch(() => window.location.reload());
  });
  document.addEventListener("pointermove", (event) => { pointer = { x: event.clientX, y: event.clientY, at: Date.now() }; });
  root.addEventListener("pointerleave", () => { pointer = null; retryPending(); });
  root.addEventListener("focusout", () => window.setTimeout(retryPending, 0));

  // --- Commands in the background -----------------------------------------------------------------
  function say(messages) {
    const region = $("[data-balie-console-messages]");
    region.replaceChildren(...messages.map((message) => {
      const item = document.createElement("div");
      item.className = `help-block help-${message.level === "error" ? "critical" : "info"}`;
      const words = document.createElement("p");
      words.textContent = message.text;
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "button button-small button-secondary";
      dismiss.textContent = text("close");
      dismiss.addEventListener("click", () => item.remove());
      item.append(words, dismiss);
      return item;
    }));
  }

  root.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-balie-command]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    let data = {};
    try {
      const response = await fetch(form.getAttribute("action"), { // not form.action: an input may be named "action"
        method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "application/json" },
      });
      data = await response.json().catch(() => ({ messages: [] }));
      say(data.messages || []);
      if (response.ok) {
        form.reset();
        const panel = form.closest("[data-balie-panel]");
        // A request sent closes its panel; an upload or a change in a list keeps it open (the clerk watches it).
        if (panel && !form.closest("[data-balie-region]") && !form.hasAttribute("data-balie-keep-open")) closePanel(panel);
      }
    } catch (error) {
      say([{ level: "error", text: text("offline") }]);
    } finally {
      if (button) button.disabled = false;
    }
    if (data.session) await select(String(data.session));
    else await refresh(true);
  });

  // --- The video --------------------------------------------------------------------------------------
  function knocking(participant) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = `${text("admit")}: ${participant.name || ""}`;
    button.addEventListener("click", () => {
      api.executeCommand("answerKnockingParticipant", participant.id, true);
      item.remove();
    });
    item.append(button);
    $("[data-balie-knocking]").append(item);
  }

  async function showCall(call) {
    $("[data-balie-video-idle]").hidden = Boolean(call);
    if (call && (!room || room !== call.room_name)) {
      room = call.room_name;
      api = await embedRoom(call, $("[data-balie-jitsi]"), $("[data-balie-preview]"), $("[data-balie-demo-banner]"));
      if (api) {
        // The lobby can only be switched on once Jitsi has made the clerk moderator (IFrame API).
        api.addListener("participantRoleChanged", (event) => {
          if (event.role === "moderator") api.executeCommand("toggleLobby", true);
        });
        api.addListener("knockingParticipant", (event) => knocking(event.participant));
      }
    } else if (!call && room) {
      room = null;
      if (api) { api.dispose(); api = null; }
      stopPreview($("[data-balie-preview]"));
      $("[data-balie-jitsi]").replaceChildren();
      $("[data-balie-knocking]").replaceChildren();
      $("[data-balie-demo-banner]").hidden = true;
    }
  }

  if (selected() && !new URLSearchParams(window.location.search).get("session")) {
    window.history.replaceState({ session: selected() }, "", pageUrl(selected()) + window.location.hash);
  }
  window.setInterval(retryPending, 1500);
  poll(root.dataset.stateUrl, 3, (state) => {
    if (!first) refresh();
    first = false;
    showCall(state.call);
  });
}
