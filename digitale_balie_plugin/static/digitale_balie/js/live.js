// Shared helpers for live pages: polling with ETag, POST with the CSRF token, embedding a video room.
// No user-facing text here: every string comes from the server-rendered page (translated there).

export function csrfToken(root) {
  const input = root.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

// Our endpoints live outside the site's language prefixes: each request names the page's language.
export function pageLanguage() {
  return { "X-Balie-Language": document.documentElement.lang || "" };
}

export function post(url, root, data = {}) {
  const body = new URLSearchParams(data);
  return fetch(url, {
    method: "POST", body, credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(root), Accept: "application/json", ...pageLanguage() },
  });
}

// Poll `url` every `seconds`; call `onChange(json)` only when the server's ETag changed. A `poll_token`
// in the JSON is sent back with the next polls (it lets the server answer "unchanged" from the cache).
// `onGone` runs when the server says this page's access is gone (404/410: signed out, removed).
// `onTrouble(true)` runs on each failed poll (no network, a 5xx: a server restarting, the database or Redis
// away, 503), `onTrouble(false)` on the next one that works. Polling never stops for it: the page recovers by itself.
export function poll(url, seconds, onChange, onGone = null, onTrouble = null) {
  let etag = "";
  let token = "";
  let timer = null;
  const tick = async () => {
    try {
      const headers = etag ? { "If-None-Match": etag, ...pageLanguage() } : pageLanguage();
      if (token) headers["X-Balie-Poll"] = token;
      const response = await fetch(url, { credentials: "same-origin", headers });
      if (onTrouble) onTrouble(response.status >= 500);
      if (response.status === 200) {
        etag = response.headers.get("ETag") || "";
        const state = await response.json();
        token = state.poll_token || "";
        onChange(state);
      } else if (onGone && (response.status === 404 || response.status === 410)) {
        onGone();
        return;
      }
    } catch (error) {
      if (onTrouble) onTrouble(true); // network hiccup: try again on the next tick
    }
    timer = window.setTimeout(tick, seconds * 1000);
  };
  tick();
  return () => window.clearTimeout(timer);
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const existing = document.querySelector(`script[data-external-api="${CSS.escape(src)}"]`);
    if (existing) { resolve(); return; }
    const script = document.createElement("script");
    script.src = src;
    script.dataset.externalApi = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("external_api.js failed to load"));
    document.head.append(script);
  });
}

// Embed the room described by the server's RoomAccess JSON; returns the Jitsi API (or null in demo mode).
export async function embedRoom(call, container, preview, banner) {
  if (call.is_demo) {
    banner.textContent = (call.notices || []).join(" ");
    banner.hidden = false;
    preview.hidden = false;
    try {
      preview.srcObject = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch (error) {
      preview.hidden = true;
    }
    return null;
  }
  if (call.notices && call.notices.length) {
    banner.textContent = call.notices.join(" ");
    banner.hidden = false;
  }
  await loadScript(call.external_api_url);
  return new window.JitsiMeetExternalAPI(call.domain, {
    roomName: call.room_name, jwt: call.jwt || undefined, parentNode: container, width: "100%", height: 480,
    userInfo: { displayName: call.display_name },
    configOverwrite: call.config_overwrite || {}, interfaceConfigOverwrite: call.interface_config_overwrite || {},
  });
}

export function stopPreview(preview) {
  if (preview && preview.srcObject) {
    preview.srcObject.getTracks().forEach((track) => track.stop());
    preview.srcObject = null;
  }
}
