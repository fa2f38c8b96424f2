// orderline — the manager's wallboard: swaps in the server-rendered board (never HTML built
// from strings here) when a call event arrives on the live stream and every few seconds, and
// ticks the "waiting" and "in this state" clocks every second in between.
"use strict";
(function () {
  const box = document.getElementById("wallboard");
  if (!box) return;
  const src = box.dataset.src;
  const every = Number(box.dataset.every) || 5000;
  // The server's clock minus ours, so the clocks count from the server's times.
  let skew = 0;
  let pending = null;
  let inflight = false;

  function readSkew() {
    const live = box.querySelector("[data-now]");
    const now = live ? Number(live.dataset.now) : 0;
    if (now > 0) skew = now - Date.now();
  }

  function fmt(s) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, "0");
    return h > 0 ? h + ":" + String(m).padStart(2, "0") + ":" + sec : m + ":" + sec;
  }

  function tick() {
    const now = Date.now() + skew;
    box.querySelectorAll(".tick[data-since]").forEach((el) => {
      const t = Number(el.dataset.since);
      if (t > 0) el.textContent = fmt(Math.max(0, Math.floor((now - t) / 1000)));
    });
  }

  function refresh() {
    if (inflight) return;
    inflight = true;
    // Keep the formulas the manager opened open across the swap.
    const open = Array.from(box.querySelectorAll("details[open] summary")).map((s) => s.textContent);
    fetch(src, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : null))
      .then((html) => {
        if (!html) return;
        const tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        const fresh = tpl.content.firstElementChild;
        if (!fresh) return;
        fresh.querySelectorAll("details").forEach((d) => {
          const s = d.querySelector("summary");
          if (s && open.indexOf(s.textContent) >= 0) d.open = true;
        });
        box.replaceChildren(fresh);
        box.dataset.updated = String(Date.now());
        readSkew();
        tick();
      })
      .catch(() => {})
      .finally(() => {
        inflight = false;
      });
  }

  function soon() {
    clearTimeout(pending);
    pending = setTimeout(refresh, 250);
  }

  // The page's one live stream is live.js's; it announces each event it receives.
  const kinds = ["call.ringing", "call.answered", "call.transferred", "call.ended", "callback.created", "callback.closed", "desk.status", "resync"];
  document.addEventListener("orderline:live", (e) => {
    if (kinds.indexOf(e.detail && e.detail.kind) >= 0) soon();
  });
  readSkew();
  setInterval(refresh, every);
  setInterval(tick, 1000);
})();
