// Resident chat page: asks through /api/chat, shows citations, clarify choices, feedback,
// the 職員に相談する button, and polls the thread so staff replies appear without reloading.
// The thread and its token are kept in localStorage (a closed tab or a new tab goes on with
// it) until the resident ends it; a resume code moves it to another device. Every text comes
// from the page's language (data-chrome, from bot/data/lang/<code>.yaml).
(() => {
  "use strict";
  const KEY = "madoguchi.conversation";
  const PREFS = "madoguchi.prefs";
  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const form = $("ask");
  const input = $("message");
  const send = $("send");
  const status = $("status");
  const codeBox = $("code-box");
  let state = load(KEY);  // {id, token, last}
  const prefs = load(PREFS) || {};
  const shown = new Set();
  const T = JSON.parse(document.body.dataset.chrome || "{}");
  const LANG = document.documentElement.dataset.lang || "ja";
  const fmt = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const WHO = { resident: T.who_resident, bot: T.who_bot, staff: T.who_staff, system: T.who_system };

  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function save() { localStorage.setItem(KEY, JSON.stringify(state)); tools(); }
  function savePrefs() { localStorage.setItem(PREFS, JSON.stringify(prefs)); }
  function forget(note) {
    state = null;
    localStorage.removeItem(KEY);
    shown.clear();
    log.replaceChildren();
    codeBox.hidden = true;
    tools();
    greet();
    status.textContent = note;
  }
  function tools() {
    $("move").hidden = !state;
    $("end").hidden = !state;
  }
  function headers() {
    const h = { "Content-Type": "application/json" };
    if (state) h["X-Conversation-Token"] = state.token;
    return h;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A phone number as replies write it (same rule as bot/channels/line_format.PHONE):
  // 0199-21-1111, 0570-064-556, #7119, or 110 / 119 / 189 standing alone (not 第119条).
  const PHONE = /(?<![\d\-#第])(?:0\d{1,4}-\d{1,4}-\d{3,4}|#\d{4}|(?:110|119|189)(?=番|\s|$|[)）/／、。・,]))(?![\d\-])/g;

  // Text with every phone number as a tap-to-call link; built from text nodes, never HTML.
  function withCalls(tag, cls, text) {
    const box = el(tag, cls);
    let at = 0;
    for (const m of text.matchAll(PHONE)) {
      box.appendChild(document.createTextNode(text.slice(at, m.index)));
      const a = el("a", "tel", m[0]);
      a.href = "tel:" + encodeURIComponent(m[0].replace(/-/g, ""));
      a.setAttribute("aria-label", fmt(T.call, { number: m[0] }));
      box.appendChild(a);
      at = m.index + m[0].length;
    }
    box.appendChild(document.createTextNode(text.slice(at)));
    return box;
  }

  function sources(citations) {
    const list = el("ol", "sources");
    list.setAttribute("aria-label", T.sources);
    for (const c of citations) {
      const li = el("li");
      const a = el("a", "cite-link", c.locator || c.title);
      if (c.url) { a.href = c.url; a.target = "_blank"; a.rel = "noopener"; }
      li.appendChild(a);
      if (c.department) {
        const phone = c.contact ? `（${fmt(T.phone, { contact: c.contact })}）` : "";
        li.appendChild(withCalls("span", "dept", fmt(T.department, { department: c.department }) + phone));
      }
      list.appendChild(li);
    }
    return list;
  }

  // The reply text without the numbered list of choices: they are shown once, as buttons.
  function withoutChoiceList(text, choices) {
    const labels = new Set(choices.map((c, i) => `${i + 1}. ${c.label}`));
    return text.split("\n").filter((line) => !labels.has(line.trim())).join("\n").trim();
  }

  function choiceButtons(choices) {
    const box = el("div", "choices");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", T.choices_group);
    for (const c of choices) {
      const b = el("button", "", c.label);
      b.type = "button";
      b.addEventListener("click", () => ask(c.label));
      box.appendChild(b);
    }
    return box;
  }

  function render(m, fresh) {
    if (shown.has(m.id)) return;
    shown.add(m.id);
    const li = el("li", m.role);
    li.dataset.messageId = m.id;
    li.appendChild(el("span", "who", WHO[m.role] || m.role));
    if (fresh) { li.classList.add("new"); li.appendChild(el("span", "badge", T.new_badge)); }
    let body = m.role === "bot" && m.citations && m.citations.length
      ? m.text.split("\n【出典】")[0] : m.text;
    if (m.choices && m.choices.length) body = withoutChoiceList(body, m.choices);
    let rest = body;
    if (m.emergency) {  // styled apart and announced first by screen readers
      li.classList.add("emergency-" + m.emergency);
      const cut = m.emergency === "possible" ? body.indexOf("\n\n") : -1;
      const alert = withCalls("div", "emergency", cut >= 0 ? body.slice(0, cut) : body);
      alert.setAttribute("role", "alert");
      li.appendChild(alert);
      rest = cut >= 0 ? body.slice(cut + 2) : "";
    }
    if (rest && m.ruby && m.ruby.length && !m.emergency) li.appendChild(withRuby(m.ruby));
    else if (rest) li.appendChild(withCalls("div", "text", rest));
    if (m.citations && m.citations.length) li.appendChild(sources(m.citations));
    if (m.choices && m.choices.length) li.appendChild(choiceButtons(m.choices));
    if (m.role === "bot" && m.decision === "answer") li.appendChild(feedback(m.id, m.feedback));
    log.appendChild(li);
    li.scrollIntoView({ block: "end", behavior: "smooth" });
    if (state && m.id > (state.last || 0)) { state.last = m.id; save(); }
  }

  // やさしい日本語: the answer with furigana, from the server's (text, reading) segments.
  function withRuby(segments) {
    const box = el("div", "text furigana");
    for (const [text, reading] of segments) {
      if (!reading) { box.appendChild(withCalls("span", "", text)); continue; }
      const ruby = el("ruby", "", text);
      ruby.appendChild(el("rt", "", reading));
      box.appendChild(ruby);
    }
    return box;
  }

  const RATINGS = [[T.helpful, true], [T.not_helpful, false]];

  // The chosen rating stays visible (pressed, with a mark); the other is no longer offered.
  function showChosen(box, helpful) {
    box.querySelectorAll("button").forEach((b) => {
      const chosen = b.dataset.helpful === String(helpful);
      b.disabled = true;
      b.setAttribute("aria-pressed", String(chosen));
      b.classList.toggle("chosen", chosen);
      if (chosen) b.textContent = "✓ " + b.dataset.label;
    });
    box.querySelector(".rated").textContent = T.rated;
  }

  function feedback(id, given) {
    const box = el("div", "feedback");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", T.rating_group);
    for (const [label, helpful] of RATINGS) {
      const b = el("button", "", label);
      b.type = "button";
      b.dataset.label = label;
      b.dataset.helpful = String(helpful);
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", () => rate(box, id, helpful));
      box.appendChild(b);
    }
    box.appendChild(el("span", "rated"));
    if (given === true || given === false) showChosen(box, given);
    return box;
  }

  async function rate(box, id, helpful) {
    showChosen(box, helpful);
    const r = await fetch(`/api/conversations/${state.id}/feedback`, {
      method: "POST", headers: headers(), body: JSON.stringify({ message_id: id, helpful }) });
    status.textContent = r.ok ? T.rate_thanks : T.rate_failed;
    if (r.ok) { const data = await r.json(); if (data.message) render(data.message); }
  }

  async function post(url, payload) {
    send.disabled = true;
    status.textContent = T.thinking;
    try {
      const r = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify(payload) });
      const data = await r.json();
      if (!r.ok) { status.textContent = typeof data.detail === "string" ? data.detail : T.check_input; return; }
      if (!state) { state = { id: data.conversation_id, token: data.token, last: 0 }; save(); }
      await refresh();
      status.textContent = "";
    } catch (e) {
      status.textContent = T.network_error;
    } finally { send.disabled = false; }
  }

  async function ask(text) {
    text = text.trim();
    if (!text) return;
    input.value = "";
    await post("/api/chat", { conversation_id: state ? state.id : null, message: text, lang: LANG });
  }

  // Fetch the thread; on return, what arrived while the page was closed is marked 新着.
  async function refresh(returning) {
    if (!state) return;
    const seen = state.last || 0;
    const ruby = LANG === "ja-easy" ? "&ruby=1" : "";
    const r = await fetch(`/api/conversations/${state.id}?after=0${ruby}`, { headers: headers() });
    if (r.status === 403 || r.status === 404) {
      forget(T.lost);
      return;
    }
    if (!r.ok) return;
    const data = await r.json();
    const waiting = data.messages.filter((m) => returning && m.id > seen && m.role === "staff");
    data.messages.forEach((m) => render(m, waiting.includes(m)));
    if (waiting.length) status.textContent = T.returned;
  }

  async function move() {
    const r = await fetch(`/api/conversations/${state.id}/resume-code`, { method: "POST", headers: headers() });
    if (!r.ok) { status.textContent = T.code_failed; return; }
    const data = await r.json();
    const hours = Math.round(data.expires_minutes / 60);
    const [before, after] = fmt(T.code_text, { hours }).split("{code}");
    codeBox.replaceChildren(el("span", "", before), el("strong", "code", data.code), el("span", "", after || ""));
    codeBox.hidden = false;
    status.textContent = T.code_issued;
  }

  async function resume(code) {
    const r = await fetch("/api/resume", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code }) });
    const data = await r.json();
    if (!r.ok) { status.textContent = typeof data.detail === "string" ? data.detail : T.check_input; return; }
    shown.clear();
    log.replaceChildren();
    state = { id: data.conversation_id, token: data.token, last: 0 };
    save();
    $("resume").open = false;
    await refresh();
    status.textContent = T.resumed;
  }

  async function end() {
    if (!window.confirm(T.end_confirm)) return;
    await fetch(`/api/conversations/${state.id}/end`, { method: "POST", headers: headers() });
    forget(T.ended);
  }

  function greet() {
    render({ id: 0, role: "bot", text: T.greeting, citations: [] });
  }

  function setBig(on) {
    document.documentElement.classList.toggle("big", on);
    $("bigger").setAttribute("aria-pressed", String(on));
    prefs.big = on;
    savePrefs();
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); ask(input.value); });
  input.addEventListener("keydown", (e) => {
    // Enter that confirms a Japanese conversion must not send: isComposing, or keyCode 229
    // (what some browsers report for keys the input method consumes).
    if (e.isComposing || e.keyCode === 229) return;
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); ask(input.value); }
  });
  $("person").addEventListener("click", async () => {
    if (!state) { await ask(T.person_request); return; }
    await post(`/api/conversations/${state.id}/handoff?lang=${encodeURIComponent(LANG)}`, {});
  });
  $("bigger").addEventListener("click", () => setBig(!document.documentElement.classList.contains("big")));
  $("move").addEventListener("click", move);
  $("end").addEventListener("click", end);
  $("resume-form").addEventListener("submit", (e) => { e.preventDefault(); resume($("resume-code").value); });
  document.querySelectorAll("button.example").forEach((b) => {
    b.addEventListener("click", () => ask(b.dataset.ask));
  });
  window.addEventListener("storage", (e) => {  // another tab started, moved or ended the thread
    if (e.key === KEY) { state = load(KEY); if (!state) forget(""); else refresh(); }
  });
  $("lang").addEventListener("change", () => $("lang-form").requestSubmit());
  setBig(Boolean(prefs.big));
  tools();
  if (!state) greet();
  refresh(true);
  setInterval(refresh, 4000);
})();
