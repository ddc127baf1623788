// The studio page: everything it does goes through the JSON API (/api/openapi.json).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { styles: [], upload: null, toonifyStyle: null, toonifyJob: null, generateJob: null };

async function api(method, path, body, raw) {
  const options = { method, headers: {} };
  if (raw !== undefined) { options.body = raw; options.headers["Content-Type"] = "application/octet-stream"; }
  else if (body !== undefined) { options.body = JSON.stringify(body); options.headers["Content-Type"] = "application/json"; }
  const response = await fetch(path, options);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(data && data.error ? data.error.message : response.statusText);
  return data;
}

function showTab(name) {
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === "tab-" + name));
  if (name === "gallery") loadGallery();
}

function setStatus(id, text, isError) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("error", !!isError);
}

// Follows a job's server-sent events until it is final; resolves with the final job.
function follow(job, progressId, statusId) {
  return new Promise((resolve) => {
    const source = new EventSource("/api/jobs/" + job.id + "/events");
    source.addEventListener("job", (event) => {
      const current = JSON.parse(event.data);
      $(progressId).value = current.progress;
      setStatus(statusId, current.status + (current.message ? ": " + current.message : ""), current.status === "failed");
      if (["done", "failed", "cancelled"].includes(current.status)) { source.close(); resolve(current); }
    });
    source.onerror = () => { source.close(); api("GET", "/api/jobs/" + job.id).then(resolve, () => resolve(job)); };
  });
}

function resultElement(job) {
  const url = "/api/jobs/" + job.id + "/result";
  if (job.resultType && job.resultType.startsWith("video/")) {
    const video = document.createElement("video");
    video.src = url; video.controls = true; video.loop = true;
    return video;
  }
  const img = document.createElement("img");
  img.src = url + "?t=" + job.updated;
  return img;
}

// Styles tab.
async function loadStyles() {
  const data = await api("GET", "/api/styles");
  state.styles = data.styles;
  const list = $("style-list");
  list.innerHTML = "";
  for (const style of state.styles) {
    const card = document.createElement("div");
    card.className = "card";
    card.innerHTML = `<img alt="" src="/api/styles/${encodeURIComponent(style.id)}/thumbnail"><b></b><div class="caps"></div>`;
    card.querySelector("b").textContent = style.name;
    card.querySelector(".caps").textContent = style.capabilities.join(", ") + (style.builtIn ? " (built in)" : "");
    list.appendChild(card);
  }
  const select = $("generate-style");
  select.innerHTML = "";
  for (const style of state.styles.filter((s) => s.capabilities.includes("generate"))) {
    const option = document.createElement("option");
    option.value = style.id; option.textContent = style.name;
    select.appendChild(option);
  }
  renderToonifyStyles();
}

// Toonify tab: photos go to a toonify pair (projection) or a student; videos to a student.
function renderToonifyStyles() {
  const box = $("toonify-styles");
  box.innerHTML = "";
  const isVideo = state.upload && ["mp4", "matroska"].includes(state.upload.kind);
  for (const style of state.styles.filter((s) => s.capabilities.includes("student") || (!isVideo && s.capabilities.includes("toonify")))) {
    const button = document.createElement("button");
    button.textContent = style.name;
    button.dataset.style = style.id;
    button.classList.toggle("chosen", state.toonifyStyle === style.id);
    button.onclick = () => { state.toonifyStyle = style.id; renderToonifyStyles(); livePreview(); };
    box.appendChild(button);
  }
  $("toonify-start").disabled = !(state.upload && state.toonifyStyle);
  // Each choice shows where it counts: faces for a toonify pair, the student's reach for a student.
  const style = chosenStyle();
  $("toonify-faces").parentElement.hidden = !(style && style.capabilities.includes("toonify"));
  $("stylize-mode").parentElement.hidden = !(style && style.capabilities.includes("student"));
  $("steps").parentElement.hidden = !(style && style.capabilities.includes("toonify"));
}

function chosenStyle() { return state.styles.find((s) => s.id === state.toonifyStyle); }

let previewTimer = null;
function livePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    const style = chosenStyle(), degree = $("degree").value;
    let url = null;
    if (state.toonifyJob && state.toonifyJob.status === "done" && state.toonifyJob.request.kind === "toonify") {
      url = `/api/jobs/${state.toonifyJob.id}/preview?degree=${degree}`;
    } else if (state.upload && style && style.capabilities.includes("student") && ["png", "jpeg"].includes(state.upload.kind)) {
      url = `/api/uploads/${state.upload.id}/preview?style=${encodeURIComponent(style.id)}&degree=${degree}&mode=${$("stylize-mode").value}`;
    }
    if (!url) return;
    const response = await fetch(url);
    if (!response.ok) { setStatus("toonify-status", (await response.json()).error.message, true); return; }
    const blob = await response.blob();
    $("live-preview").src = URL.createObjectURL(blob);
    $("live-preview").dataset.degree = degree;
  }, 150);
}

async function uploadChosenFile() {
  const file = $("upload-file").files[0];
  if (!file) return;
  setStatus("upload-status", "uploading…");
  try {
    state.upload = await api("POST", "/api/uploads", undefined, file);
    state.toonifyJob = null;
    // The last upload's preview does not belong to this one.
    $("live-preview").removeAttribute("src");
    delete $("live-preview").dataset.degree;
    setStatus("upload-status", `${state.upload.kind} ${state.upload.width}x${state.upload.height}` +
      (state.upload.duration ? `, ${state.upload.duration.toFixed(1)} s` : ""));
    $("upload-preview").src = ["png", "jpeg"].includes(state.upload.kind) ? URL.createObjectURL(file) : "";
  } catch (error) {
    state.upload = null;
    setStatus("upload-status", error.message, true);
  }
  renderToonifyStyles();
  livePreview();
}

async function startToonify() {
  const style = chosenStyle();
  const isVideo = ["mp4", "matroska"].includes(state.upload.kind);
  const request = { style: style.id, upload: state.upload.id, degree: Number($("degree").value) };
  if (!isVideo && style.capabilities.includes("toonify")) {
    request.kind = "toonify"; request.steps = Number($("steps").value);
    if ($("toonify-faces").value) request.faces = $("toonify-faces").value;
  } else { request.kind = "stylize"; request.mode = $("stylize-mode").value; }
  $("toonify-download").hidden = true;
  $("toonify-result").innerHTML = "";
  try {
    const job = await api("POST", "/api/jobs", request);
    state.toonifyJob = job;
    $("toonify-cancel").disabled = false;
    const final = await follow(job, "toonify-progress", "toonify-status");
    state.toonifyJob = final;
    $("toonify-cancel").disabled = true;
    if (final.status === "done") {
      $("toonify-result").appendChild(resultElement(final));
      const link = $("toonify-download");
      link.href = "/api/jobs/" + final.id + "/result"; link.download = ""; link.hidden = false;
      livePreview();
    }
  } catch (error) { setStatus("toonify-status", error.message, true); }
}

// Generate tab.
function generateFields() {
  const kind = $("generate-kind").value;
  $("mix-fields").hidden = kind !== "mix";
  $("walk-fields").hidden = kind !== "interpolate";
}

async function startGenerate() {
  const kind = $("generate-kind").value;
  const request = { kind, style: $("generate-style").value, psi: Number($("psi").value) };
  if (kind === "mix") Object.assign(request, { rows: $("mix-rows").value, cols: $("mix-cols").value, layers: $("mix-layers").value });
  else request.seeds = $("seeds").value;
  if (kind === "interpolate") Object.assign(request, { frames: Number($("frames").value), fps: Number($("fps").value), format: $("walk-format").value, loop: $("walk-loop").checked, space: $("walk-space").value });
  $("generate-result").innerHTML = "";
  $("generate-download").hidden = true;
  try {
    const job = await api("POST", "/api/jobs", request);
    const final = await follow(job, "generate-progress", "generate-status");
    if (final.status === "done") {
      $("generate-result").appendChild(resultElement(final));
      const link = $("generate-download");
      link.href = "/api/jobs/" + final.id + "/result"; link.download = ""; link.hidden = false;
    }
  } catch (error) { setStatus("generate-status", error.message, true); }
}

// Gallery tab.
async function loadGallery() {
  const { jobs } = await api("GET", "/api/jobs");
  const list = $("gallery-list");
  list.innerHTML = "";
  for (const job of jobs) {
    const card = document.createElement("div");
    card.className = "card";
    card.dataset.job = job.id;
    if (job.status === "done") card.appendChild(resultElement(job));
    const line = document.createElement("div");
    line.textContent = `${job.request.kind} · ${job.request.style} · ${job.status}`;
    card.appendChild(line);
    if (job.status === "done") {
      const link = document.createElement("a");
      link.href = "/api/jobs/" + job.id + "/result"; link.download = ""; link.textContent = "Download";
      card.appendChild(link);
    } else if (job.status === "queued" || job.status === "running") {
      const cancel = document.createElement("button");
      cancel.textContent = "Cancel";
      cancel.onclick = async () => { await api("DELETE", "/api/jobs/" + job.id); loadGallery(); };
      card.appendChild(cancel);
    }
    list.appendChild(card);
  }
}

document.querySelectorAll("#tabs button").forEach((b) => { b.onclick = () => showTab(b.dataset.tab); });
$("upload-file").onchange = uploadChosenFile;
$("degree").oninput = () => { $("degree-value").textContent = $("degree").value; livePreview(); };
$("toonify-start").onclick = startToonify;
$("stylize-mode").onchange = livePreview;
$("toonify-cancel").onclick = async () => { if (state.toonifyJob) await api("DELETE", "/api/jobs/" + state.toonifyJob.id); };
$("generate-kind").onchange = generateFields;
$("generate-start").onclick = startGenerate;
$("gallery-refresh").onclick = loadGallery;
generateFields();
loadStyles().catch((error) => { document.body.dataset.error = error.message; });
