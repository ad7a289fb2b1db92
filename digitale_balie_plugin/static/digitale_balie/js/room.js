// The citizen's waiting room and call page: heartbeat, live state, messages, actions, the video room.
import { embedRoom, pageLanguage, poll, post, stopPreview } from "./live.js";

// A second device waits until the clerk lets it in (then the room loads) or removes it (then the page says
// the link does not work here): either way the page reloads.
const waiting = document.querySelector("[data-balie-device-waiting]");
if (waiting) {
  const check = async () => {
    try {
      const response = await fetch(waiting.dataset.stateUrl, { credentials: "same-origin", headers: pageLanguage() });
      if (response.status === 404 || response.status === 410 || (response.ok && (await response.json()).admitted)) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // Network hiccup: try again.
    }
    window.setTimeout(check, 3000);
  };
  window.setTimeout(check, 3000);
}

const root = document.querySelector("[data-balie-room]");
if (root) {
  const $ = (selector) => root.querySelector(selector);
  const texts = {};
  $("[data-balie-texts]").content.querySelectorAll("[data-text]").forEach((node) => { texts[node.dataset.text] = node.textContent; });
  const itemTemplate = $("[data-balie-action-template]");
  const call = $("[data-balie-call]");
  const preview = $("[data-balie-preview]");
  let api = null;
  let inCall = false;

  const beat = () => post(root.dataset.heartbeatUrl, root).catch(() => {});
  beat();
  const heartbeat = window.setInterval(beat, 10000);

  function renderMessages(messages) {
    const list = $("[data-balie-messages]");
    list.replaceChildren(...(messages.length ? messages.map((message) => {
      const item = document.createElement("li");
      const time = document.createElement("span");
      time.className = "balie-time";
      time.textContent = message.time;
      const from = Object.assign(document.createElement("span"), { className: "balie-from", textContent: `${message.from}:` });
      item.append(time, " ", from, " ", message.text);
      return item;
    }) : [Object.assign(document.createElement("li"), { textContent: texts["no-messages"] })]));
  }

  function renderAction(action) {
    const item = itemTemplate.content.firstElementChild.cloneNode(true);
    item.dataset.actionId = action.id;
    item.dataset.status = action.status;
    const field = (name) => item.querySelector(`[data-field="${name}"]`);
    field("label").textContent = action.label;
    field("status_label").textContent = action.status_label;
    field("text").textContent = (action.summary && action.summary.text) || "";
    const url = action.summary && action.summary.url;
    field("link").hidden = !url || action.final;
    if (url) {
      const link = field("link").querySelector("a");
      link.href = url;
      link.textContent = action.summary.url_label || url;
    }
    const done = field("done");
    done.hidden = action.final || !action.can_complete;
    done.addEventListener("click", () => post(root.dataset.actionUrl.replace("{id}", action.id), root, { done: "1" }));
    return item;
  }

  function renderActions(actions) {
    const list = $("[data-balie-actions]");
    list.replaceChildren(...(actions.length ? actions.map(renderAction)
      : [Object.assign(document.createElement("li"), { textContent: texts.nothing })]));
    actions.filter((action) => action.status === "sent" && action.can_complete).forEach((action) => {
      post(root.dataset.actionUrl.replace("{id}", action.id), root, { opened: "1" });
    });
  }

  function renderDocuments(documents) {
    const list = $("[data-balie-documents]");
    if (!list) return;
    list.replaceChildren(...(documents.length ? documents.map((document_) => {
      const item = document.createElement("li");
      const link = Object.assign(document.createElement("a"), { href: document_.url, textContent: document_.name });
      link.setAttribute("download", "");
      const meta = Object.assign(document.createElement("span"), { className: "balie-meta" });
      meta.textContent = `${document_.size}, ${document_.source}, ${document_.time}`;
      item.append(link, " ", meta);
      return item;
    }) : [Object.assign(document.createElement("li"), { textContent: texts["no-documents"] })]));
  }

  async function renderCall(state) {
    if (state.call && !inCall) {
      inCall = true;
      call.hidden = false;
      $("[data-balie-waiting]").hidden = true;
      api = await embedRoom(state.call, $("[data-balie-jitsi]"), preview, $("[data-balie-demo-banner]"));
    } else if (!state.call && inCall) {
      inCall = false;
      if (api) { api.dispose(); api = null; }
      stopPreview(preview);
      call.hidden = true;
    }
  }

  // A calm notice after two failed polls in a row (a server or service restarting); gone at the first that works.
  const reconnecting = $("[data-balie-reconnecting]");
  let failures = 0;
  const trouble = (failed) => {
    failures = failed ? failures + 1 : 0;
    const notice = failures >= 2 ? texts.reconnecting : "";
    if (reconnecting.textContent !== notice) reconnecting.textContent = notice;
  };

  const stop = poll(root.dataset.stateUrl, 3, (state) => {
    $("[data-balie-headline]").textContent = state.headline;
    renderMessages(state.messages);
    renderActions(state.actions);
    renderDocuments(state.documents || []);
    renderCall(state);
    $("[data-balie-feedback]").hidden = !state.feedback;
    $("[data-balie-summary]").hidden = !state.summary;
    if (state.ended) {
      window.clearInterval(heartbeat);
      stop();
    }
  }, () => window.location.reload(), trouble); // gone: signed out here (the clerk let another device in)
  window.addEventListener("pagehide", () => stopPreview(preview));

  // Uploads go in the background: a page load would end the video call.
  const upload = $("[data-balie-upload]");
  if (upload) {
    const status = upload.querySelector("[data-balie-upload-status]");
    const file = upload.querySelector("input[type=file]");
    // One state at a time: a later answer replaces an earlier error (text, colour and the field's marking).
    const show = (text, failed) => {
      status.textContent = text;
      status.classList.toggle("balie-field-error", failed);
      if (failed) file.setAttribute("aria-invalid", "true");
      else file.removeAttribute("aria-invalid");
    };
    upload.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = upload.querySelector("button");
      button.disabled = true;
      show("", false);
      try {
        const response = await fetch(upload.getAttribute("action"), {
          method: "POST", body: new FormData(upload), credentials: "same-origin", headers: { Accept: "application/json", ...pageLanguage() },
        });
        const answer = await response.json();
        show(answer.messages.map((message) => message.text).join(" "), !response.ok);
        if (response.ok) upload.reset();
      } catch (error) {
        show(upload.dataset.failed, true);
      } finally {
        button.disabled = false;
      }
    });
  }
}
