// The citizen's device test (templates/digitale_balie/includes/device_test.html): browser support, camera
// preview, microphone level, speaker tone, summary. No user-facing text here: the page holds every
// (translated) text; this script only shows and hides parts of it and reports each check on the section:
//   data-support     unknown | ok | unsupported
//   data-camera      unknown | ok | denied | missing | busy
//   data-microphone  unknown | ok | denied | missing | busy | silent (allowed, but we heard nothing)
//   data-speaker     unknown | heard | not-heard
//   data-test        idle | running | finished      data-browser, data-os: what the help texts are chosen by

const ERRORS = {
  NotAllowedError: "denied", SecurityError: "denied", PermissionDeniedError: "denied",
  NotFoundError: "missing", DevicesNotFoundError: "missing", OverconstrainedError: "missing",
  NotReadableError: "busy", TrackStartError: "busy", AbortError: "busy",
};
const LOUD = 10; // meter value (0–100) above the hum of a quiet room
const HEARD_MS = 200; // this much loud sound, in bursts, is "we hear you"
const AudioContextClass = window.AudioContext || window.webkitAudioContext;

function platform(agent = navigator.userAgent) {
  const ios = /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
  const os = ios ? "ios" : /Android/.test(agent) ? "android" : "desktop";
  const browser = /Edg(A|iOS)?\//.test(agent) ? "edge" : /Firefox\/|FxiOS\//.test(agent) ? "firefox"
    : /Chrome\/|Chromium\/|CriOS\//.test(agent) ? "chrome" : /Safari\//.test(agent) ? "safari" : "other";
  return { os, browser };
}

function supported() {
  const media = navigator.mediaDevices;
  return Boolean(window.isSecureContext && media && media.getUserMedia && window.RTCPeerConnection && AudioContextClass);
}

function setup(root) {
  const $ = (selector) => root.querySelector(selector);
  const $$ = (selector) => root.querySelectorAll(selector);
  const preview = $("[data-preview]");
  const meter = $("[data-level]");
  const where = platform();
  let stream = null;
  let audio = null; // one AudioContext, made on a click: browsers only start sound after a user gesture
  let run = 0; // bumped on every stop: a late stream or level loop of an older run stops itself

  const show = (selector, visible = true) => $$(selector).forEach((element) => { element.hidden = !visible; });
  const tracks = (kind) => (stream ? stream.getTracks().filter((track) => track.kind === kind).length : 0);
  const fits = (variant) => (!variant.dataset.browser || variant.dataset.browser === where.browser)
    && (!variant.dataset.os || variant.dataset.os === where.os);

  // Unhide a help text; of its [data-variant] parts only the first that fits this browser and system.
  function help(name) {
    const box = $(`[data-help="${name}"]`);
    box.hidden = false;
    let found = false;
    box.querySelectorAll("[data-variant]").forEach((variant) => {
      variant.hidden = found || !fits(variant);
      found = found || !variant.hidden;
    });
  }

  function report(check, state) {
    root.dataset[check] = state;
    if (check === "microphone") {
      show("[data-status=listening]", state === "unknown");
      show("[data-status=heard]", state === "ok");
    }
  }

  function ensureAudio() {
    if (!audio) audio = new AudioContextClass();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function stop() {
    run += 1;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    preview.srcObject = null;
    meter.value = 0;
  }

  function stopAll() {
    stop();
    if (audio) audio.close();
    audio = null;
  }

  // The camera and microphone; when one of them is missing, the other one alone.
  async function getStream(constraints) {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch (error) {
      if (ERRORS[error.name] !== "missing") throw error;
      const kinds = (await navigator.mediaDevices.enumerateDevices()).map((device) => device.kind);
      const video = kinds.includes("videoinput") && constraints.video;
      const sound = kinds.includes("audioinput") && constraints.audio;
      if (!video === !sound) throw error;
      return navigator.mediaDevices.getUserMedia({ video, audio: sound });
    }
  }

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const using = {};
    stream.getTracks().forEach((track) => { using[`${track.kind}input`] = track.getSettings().deviceId; });
    $$("[data-devices]").forEach((select) => {
      const kind = select.dataset.devices;
      const options = devices.filter((device) => device.kind === kind && device.deviceId).map((device, index) =>
        new Option(device.label || String(index + 1), device.deviceId, false, device.deviceId === using[kind]));
      select.replaceChildren(...options);
      select.parentElement.hidden = options.length === 0;
    });
  }

  function listen(mine) {
    const analyser = ensureAudio().createAnalyser();
    analyser.fftSize = 1024;
    const source = audio.createMediaStreamSource(stream);
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let heard = 0;
    let last = performance.now();
    const tick = (now) => {
      if (mine !== run) {
        source.disconnect();
        return;
      }
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      samples.forEach((sample) => { peak = Math.max(peak, Math.abs(sample - 128)); });
      meter.value = Math.min(100, Math.round((peak / 64) * 100));
      if (meter.value > LOUD) heard += now - last;
      last = now;
      if (heard > HEARD_MS && root.dataset.microphone !== "ok") report("microphone", "ok");
      window.requestAnimationFrame(tick);
    };
    window.requestAnimationFrame(tick);
  }

  async function open(constraints) {
    stop();
    const mine = run;
    report("camera", "unknown");
    report("microphone", "unknown");
    show("[data-help=denied], [data-help=missing], [data-help=busy]", false);
    show("[data-status=asking]");
    let got;
    try {
      got = await getStream(constraints);
    } catch (error) {
      if (mine !== run) return;
      const state = ERRORS[error.name] || "busy";
      report("camera", state);
      report("microphone", state);
      help(state);
      show("[data-step=devices]", false);
      return;
    } finally {
      show("[data-status=asking]", false);
      show("[data-step=speaker]");
    }
    if (mine !== run) {
      got.getTracks().forEach((track) => track.stop());
      return;
    }
    stream = got;
    show("[data-step=devices]");
    if (!tracks("video")) report("camera", "missing");
    if (!tracks("audio")) report("microphone", "missing");
    if (!tracks("video") || !tracks("audio")) help("missing");
    preview.srcObject = stream; // the camera is "ok" once its picture has a size (loadedmetadata)
    preview.play().catch(() => {}); // autoplay does it too; a refused play() only delays the picture
    await listDevices();
    if (mine === run && tracks("audio")) listen(mine); // not when stopped while listing
  }

  function begin() {
    ensureAudio();
    root.dataset.test = "running";
    report("speaker", "unknown");
    show("[data-summary], [data-question], [data-help=silent], [data-help=not-heard]", false);
    open({ video: true, audio: true });
  }

  function chosen(kind) {
    const id = $(`[data-devices=${kind}]`).value;
    return id ? { deviceId: { exact: id } } : true;
  }

  function playTone() {
    const context = ensureAudio();
    const tone = context.createOscillator();
    const volume = context.createGain();
    const at = context.currentTime;
    tone.frequency.value = 660;
    volume.gain.setValueAtTime(0, at);
    volume.gain.linearRampToValueAtTime(0.4, at + 0.05); // fade in and out: no clicks
    volume.gain.setValueAtTime(0.4, at + 0.9);
    volume.gain.linearRampToValueAtTime(0, at + 1);
    tone.connect(volume).connect(context.destination);
    tone.start(at);
    tone.stop(at + 1);
    show("[data-question]");
  }

  function finish(heard) {
    report("speaker", heard ? "heard" : "not-heard");
    if (root.dataset.camera === "unknown" && tracks("video")) { // the camera gave no picture
      report("camera", "busy");
      help("busy");
    }
    if (root.dataset.microphone === "unknown" && tracks("audio")) report("microphone", "silent");
    stopAll();
    show("[data-step=devices]", false);
    summarize();
    root.dataset.test = "finished";
  }

  function summarize() {
    const good = { support: "ok", camera: "ok", microphone: "ok", speaker: "heard" };
    let all = true;
    Object.entries(good).forEach(([check, wanted]) => {
      const state = root.dataset[check];
      const ok = state === wanted;
      all = all && ok;
      const row = $(`[data-result=${check}]`);
      row.hidden = state === "unknown";
      row.querySelector("[data-ok]").hidden = !ok;
      row.querySelector("[data-bad]").hidden = ok;
    });
    if (root.dataset.microphone === "silent") help("silent");
    if (root.dataset.speaker === "not-heard") help("not-heard");
    show("[data-verdict=ok]", all);
    show("[data-verdict=bad]", !all);
    show("[data-summary]");
  }

  root.dataset.browser = where.browser;
  root.dataset.os = where.os;
  if (!supported()) {
    root.dataset.support = "unsupported";
    help("unsupported");
    return;
  }
  root.dataset.support = "ok";
  show("[data-step=start]");
  ["loadedmetadata", "resize"].forEach((name) => preview.addEventListener(name, () => {
    if (stream && preview.videoWidth > 0 && root.dataset.camera !== "ok") report("camera", "ok");
  }));
  $("[data-action=start]").addEventListener("click", begin);
  $("[data-action=sound]").addEventListener("click", playTone);
  $("[data-action=heard]").addEventListener("click", () => finish(true));
  $("[data-action=not-heard]").addEventListener("click", () => finish(false));
  $$("[data-devices]").forEach((select) => select.addEventListener("change", () => {
    ensureAudio();
    root.dataset.test = "running";
    open({ video: chosen("videoinput"), audio: chosen("audioinput") });
  }));
  window.addEventListener("pagehide", stopAll);
  window.addEventListener("pageshow", (event) => { // back from the page cache: the tracks were stopped
    if (!event.persisted || root.dataset.test !== "running") return;
    root.dataset.test = "idle";
    report("camera", "unknown");
    report("microphone", "unknown");
    show("[data-step=devices], [data-step=speaker]", false);
  });
}

document.querySelectorAll("[data-balie-device-test]").forEach(setup);
