// Device test: browser support, camera preview, microphone level, speaker tone.
// The page holds every text (translated); this script only shows, hides and sets data-* states.
const root = document.querySelector("[data-balie-device-test]");
if (root) {
  const $ = (selector) => root.querySelector(selector);
  let stream = null;
  let audio = null;

  const browser = (() => {
    const agent = navigator.userAgent;
    if (/iPhone|iPad|iPod/.test(agent)) return "ios";
    if (/Android/.test(agent)) return "android";
    if (/Firefox\//.test(agent)) return "firefox";
    if (/Safari\//.test(agent) && !/Chrome\/|Chromium\//.test(agent)) return "safari";
    return "chrome";
  })();

  function mark(check, ok) {
    const text = $("[data-marks]").content.querySelector(ok ? "[data-mark-ok]" : "[data-mark-bad]").textContent;
    root.querySelector(`[data-result="${check}"] [data-mark]`).textContent = text;
  }

  function set(check, state, ok) {
    root.dataset[check] = state;
    if (ok !== undefined) mark(check, ok);
  }

  function showHelp(name) {
    const help = $(`[data-help="${name}"]`);
    if (!help) return;
    help.hidden = false;
    const specific = help.querySelector(`[data-help="${browser}"]`);
    if (specific) specific.hidden = false;
  }

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (audio) audio.close();
    stream = null;
    audio = null;
  }

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    root.querySelectorAll("[data-devices]").forEach((select) => {
      const kind = select.dataset.devices;
      select.replaceChildren(...devices.filter((d) => d.kind === kind).map((device, index) =>
        new Option(device.label || `${index + 1}`, device.deviceId)));
      select.disabled = select.options.length < 2;
    });
  }

  function listen() {
    const analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let heard = 0; // milliseconds of clear sound so far; speech (or a beep) comes in short bursts
    let last = performance.now();
    const meter = $("[data-level]");
    const tick = () => {
      if (!audio) return;
      analyser.getByteTimeDomainData(samples);
      const peak = samples.reduce((max, value) => Math.max(max, Math.abs(value - 128)), 0);
      meter.value = Math.min(100, Math.round((peak / 128) * 200));
      const now = performance.now();
      if (meter.value > 10) heard += now - last;
      last = now;
      if (heard > 150 && root.dataset.microphone !== "ok") set("microphone", "ok", true);
      window.requestAnimationFrame(tick);
    };
    tick();
  }

  async function start(constraints = { video: true, audio: true }) {
    stop();
    // Created within the click (browsers only let a user gesture start audio), before any await.
    audio = new AudioContext();
    try {
      stream = await navigator.mediaDevices.getUserMedia(constraints);
    } catch (error) {
      const state = { NotAllowedError: "denied", SecurityError: "denied", NotFoundError: "missing",
        OverconstrainedError: "missing", NotReadableError: "busy" }[error.name] || "busy";
      set("camera", state, false);
      set("microphone", state, false);
      showHelp(state);
      return;
    }
    const preview = $("[data-preview]");
    preview.hidden = false;
    preview.srcObject = stream;
    preview.addEventListener("loadedmetadata", () => set("camera", preview.videoWidth > 0 ? "ok" : "missing",
      preview.videoWidth > 0), { once: true });
    await listDevices();
    await audio.resume();
    listen();
    $("[data-step=speaker]").hidden = false;
  }

  function playTone() {
    const context = new AudioContext();
    const tone = context.createOscillator();
    tone.frequency.value = 440;
    tone.connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 1);
    tone.onended = () => context.close();
  }

  const supported = Boolean(window.isSecureContext && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia && window.RTCPeerConnection);
  root.dataset.support = supported ? "ok" : "unsupported";
  if (!supported) {
    showHelp("unsupported");
    $("[data-action=start]").hidden = true;
  }
  $("[data-action=start]").addEventListener("click", () => start());
  $("[data-action=sound]").addEventListener("click", playTone);
  $("[data-action=heard]").addEventListener("click", () => set("speaker", "heard", true));
  $("[data-action=not-heard]").addEventListener("click", () => set("speaker", "not-heard", false));
  root.querySelectorAll("[data-devices]").forEach((select) => select.addEventListener("change", () => {
    const video = $("[data-devices=videoinput]").value;
    const mic = $("[data-devices=audioinput]").value;
    start({ video: video ? { deviceId: { exact: video } } : true, audio: mic ? { deviceId: { exact: mic } } : true });
  }));
  window.addEventListener("pagehide", stop);
}
