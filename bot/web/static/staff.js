// Staff console: live updates over server-sent events (one EventSource per page; on a change the
// page is fetched once and its [data-live] parts are swapped, never while staff are typing in
// them), and a confirmation dialog for forms marked data-confirm (keyboard: Esc cancels).
(() => {
  "use strict";
  const status = document.getElementById("live-status");

  function typingInside(el) {
    const a = document.activeElement;
    return a && el.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName);
  }

  async function refresh() {
    const res = await fetch(location.href, { headers: { "X-Live-Refresh": "1" } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    let changed = false;
    document.querySelectorAll("[data-live]").forEach((el) => {
      const fresh = doc.querySelector(`[data-live="${el.dataset.live}"]`);
      if (!fresh || typingInside(el) || fresh.innerHTML === el.innerHTML) return;
      el.innerHTML = fresh.innerHTML;
      changed = true;
    });
    if (changed && status) status.textContent = "表示を更新しました";
  }

  const url = document.body.dataset.liveUpdates;
  if (url && window.EventSource) {
    const source = new EventSource(url);
    let pending = null;
    source.addEventListener("change", () => {
      clearTimeout(pending);
      pending = setTimeout(refresh, 200); // several changes at once: one fetch
    });
    window.addEventListener("pagehide", () => source.close());
  }

  function confirmDialog(message) {
    return new Promise((resolve) => {
      const dialog = document.createElement("dialog");
      dialog.setAttribute("aria-label", "確認");
      const p = document.createElement("p");
      p.textContent = message;
      const row = document.createElement("div");
      row.className = "actions";
      const ok = document.createElement("button");
      ok.textContent = "はい、完了にする";
      const cancel = document.createElement("button");
      cancel.textContent = "キャンセル";
      cancel.className = "secondary";
      row.append(cancel, ok);
      dialog.append(p, row);
      document.body.append(dialog);
      const done = (value) => { dialog.close(); dialog.remove(); resolve(value); };
      ok.addEventListener("click", () => done(true));
      cancel.addEventListener("click", () => done(false));
      dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
      dialog.showModal();
      cancel.focus();
    });
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (form.dataset.confirmed === "yes") return;
    event.preventDefault();
    if (await confirmDialog(form.dataset.confirm)) {
      form.dataset.confirmed = "yes";
      const field = form.querySelector("input[name=confirm]");
      if (field) field.value = "yes";
      form.submit();
    }
  });
})();
