// The clerk's console: live queue (swaps the table body when the state changes), the embedded
// video room as moderator with the lobby on, and "let in" buttons for knocking participants.
import { embedRoom, poll, stopPreview } from "./live.js";

const root = document.querySelector("[data-balie-console]");
if (root) {
  const $ = (selector) => root.querySelector(selector);
  const admitText = $("[data-balie-texts]").content.querySelector("[data-text=admit]").textContent;
  let api = null;
  let room = null;
  let first = true;

  async function refreshQueue(force = false) {
    const open = [...root.querySelectorAll("details[open][id]")].map((node) => node.id);
    const editing = document.activeElement && document.activeElement.matches("input:not([readonly]), textarea, select")
      && document.activeElement.closest("[data-balie-queue]");
    if (editing && !force) return; // never pull a form away from under the clerk's cursor
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    const html = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = html.querySelector("[data-balie-queue] tbody");
    const current = $("[data-balie-queue] tbody");
    // Replace only what changed: a button must not vanish from under the clerk's click.
    const same = (node) => node.innerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "").replace(/ open=""/g, "");
    if (fresh && same(fresh) !== same(current)) {
      current.replaceWith(fresh);
      open.forEach((id) => { const node = document.getElementById(id); if (node) node.open = true; });
    }
  }

  function knocking(participant) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = `${admitText}: ${participant.name || ""}`;
    button.addEventListener("click", () => {
      api.executeCommand("answerKnockingParticipant", participant.id, true);
      item.remove();
    });
    item.append(button);
    $("[data-balie-knocking]").append(item);
  }

  async function showCall(call) {
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
    }
  }

  // Commands go in the background, so the video call never reloads; without JavaScript they are
  // plain forms that come back to this page.
  function say(messages) {
    const region = $("[data-balie-console-messages]");
    region.replaceChildren(...messages.map((message) => {
      const item = document.createElement("p");
      item.className = `help-block help-${message.level === "error" ? "critical" : "info"}`;
      item.textContent = message.text;
      return item;
    }));
  }

  root.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-balie-command]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.getAttribute("action"), { // not form.action: an input may be named "action"
        method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "application/json" },
      });
      const data = await response.json().catch(() => ({ messages: [] }));
      say(data.messages || []);
      if (response.ok) form.reset();
    } catch (error) {
      say([{ level: "error", text: $("[data-balie-texts]").content.querySelector("[data-text=offline]").textContent }]);
    } finally {
      if (button) button.disabled = false;
      document.activeElement.blur();
      refreshQueue(true);
    }
  });

  poll(root.dataset.stateUrl, 3, (state) => {
    if (!first) refreshQueue();
    first = false;
    showCall(state.call);
  });
}
