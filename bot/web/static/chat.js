// Resident chat page: asks through /api/chat, shows citations, clarify choices, feedback,
// the 職員に相談する button, and polls the thread so staff replies appear without reloading.
(() => {
  "use strict";
  const KEY = "madoguchi.conversation";
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("message");
  const send = document.getElementById("send");
  const status = document.getElementById("status");
  let state = JSON.parse(sessionStorage.getItem(KEY) || "null"); // {id, token, last}
  const shown = new Set();
  const WHO = { resident: "あなた", bot: "自動応答", staff: "市の職員", system: "お知らせ" };

  function save() { sessionStorage.setItem(KEY, JSON.stringify(state)); }
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
      a.setAttribute("aria-label", `${m[0]} に電話する`);
      box.appendChild(a);
      at = m.index + m[0].length;
    }
    box.appendChild(document.createTextNode(text.slice(at)));
    return box;
  }

  function sources(citations) {
    const list = el("ol", "sources");
    list.setAttribute("aria-label", "出典");
    for (const c of citations) {
      const li = el("li");
      const a = el("a", "cite-link", c.locator || c.title);
      if (c.url) { a.href = c.url; a.target = "_blank"; a.rel = "noopener"; }
      li.appendChild(a);
      if (c.department) li.appendChild(withCalls("span", "dept", `担当: ${c.department}${c.contact ? `（電話 ${c.contact}）` : ""}`));
      list.appendChild(li);
    }
    return list;
  }

  function render(m) {
    if (shown.has(m.id)) return;
    shown.add(m.id);
    const li = el("li", m.role);
    li.dataset.messageId = m.id;
    li.appendChild(el("span", "who", WHO[m.role] || m.role));
    const body = m.role === "bot" && m.citations && m.citations.length
      ? m.text.split("\n【出典】")[0] : m.text;
    let rest = body;
    if (m.emergency) {  // styled apart and announced first by screen readers
      li.classList.add("emergency-" + m.emergency);
      const cut = m.emergency === "possible" ? body.indexOf("\n\n") : -1;
      const alert = withCalls("div", "emergency", cut >= 0 ? body.slice(0, cut) : body);
      alert.setAttribute("role", "alert");
      li.appendChild(alert);
      rest = cut >= 0 ? body.slice(cut + 2) : "";
    }
    if (rest) li.appendChild(withCalls("div", "text", rest));
    if (m.citations && m.citations.length) li.appendChild(sources(m.citations));
    if (m.choices && m.choices.length) {
      const box = el("div", "choices");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "候補の質問");
      for (const c of m.choices) {
        const b = el("button", "", c.label);
        b.type = "button";
        b.addEventListener("click", () => ask(c.label));
        box.appendChild(b);
      }
      li.appendChild(box);
    }
    if (m.role === "bot" && m.decision === "answer") li.appendChild(feedback(m.id));
    log.appendChild(li);
    li.scrollIntoView({ block: "end", behavior: "smooth" });
    if (state && m.id > (state.last || 0)) { state.last = m.id; save(); }
  }

  function feedback(id) {
    const box = el("div", "feedback");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "この回答の評価");
    for (const [label, helpful] of [["役に立った", true], ["役に立たなかった", false]]) {
      const b = el("button", "", label);
      b.type = "button";
      b.addEventListener("click", async () => {
        box.querySelectorAll("button").forEach((x) => { x.disabled = true; });
        const r = await fetch(`/api/conversations/${state.id}/feedback`, {
          method: "POST", headers: headers(), body: JSON.stringify({ message_id: id, helpful }) });
        status.textContent = r.ok ? "評価を受け付けました。ありがとうございます。" : "評価を送れませんでした。";
        if (r.ok) { const data = await r.json(); if (data.message) render(data.message); }
      });
      box.appendChild(b);
    }
    return box;
  }

  async function post(url, payload) {
    send.disabled = true;
    status.textContent = "回答を作成しています…";
    try {
      const r = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify(payload) });
      const data = await r.json();
      if (!r.ok) { status.textContent = typeof data.detail === "string" ? data.detail : "入力内容を確認してください。"; return; }
      if (!state) { state = { id: data.conversation_id, token: data.token, last: 0 }; save(); }
      await refresh();
      status.textContent = "";
    } catch (e) {
      status.textContent = "通信できませんでした。時間をおいて再度お試しください。";
    } finally { send.disabled = false; }
  }

  async function ask(text) {
    text = text.trim();
    if (!text) return;
    input.value = "";
    await post("/api/chat", { conversation_id: state ? state.id : null, message: text });
  }

  async function refresh() {
    if (!state) return;
    const r = await fetch(`/api/conversations/${state.id}?after=0`, { headers: headers() });
    if (!r.ok) return;
    const data = await r.json();
    data.messages.forEach(render);
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); ask(input.value); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(input.value); }
  });
  document.getElementById("person").addEventListener("click", async () => {
    if (!state) { await ask("職員に相談したい"); return; }
    await post(`/api/conversations/${state.id}/handoff`, {});
  });
  const bigger = document.getElementById("bigger");
  bigger.addEventListener("click", () => {
    const on = document.documentElement.classList.toggle("big");
    bigger.setAttribute("aria-pressed", String(on));
  });
  if (!state) {
    render({ id: 0, role: "bot", text: "こんにちは。市の手続きや暮らしについて質問してください。", citations: [] });
  }
  refresh();
  setInterval(refresh, 4000);
})();
