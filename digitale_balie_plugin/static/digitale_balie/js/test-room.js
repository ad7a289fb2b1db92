// The personal test room: the same embed as the real call, started by the citizen, alone.
import { embedRoom, stopPreview } from "./live.js";

const section = document.querySelector("[data-balie-test-room]");
const data = document.getElementById("balie-test-room");
if (section && data) {
  const call = JSON.parse(data.textContent);
  const preview = section.querySelector("[data-balie-preview]");
  const start = section.querySelector("[data-balie-start]");
  start.addEventListener("click", async () => {
    start.hidden = true;
    await embedRoom(call, section.querySelector("[data-balie-jitsi]"), preview,
      section.querySelector("[data-balie-demo-banner]"));
  });
  window.addEventListener("pagehide", () => stopPreview(preview));
}
