// orderline — the operator pages' one script: live events over EventSource (screen pops,
// withdrawing them, opening the order screen), the status buttons, notifications and the
// ring sound while the tab is in the background, keyboard shortcuts and the order form's
// running total. No framework; the server renders every piece of HTML it inserts.
"use strict";
(function () {
  const app = document.getElementById("app");
  if (!app) return;
  const d = app.dataset;
  const me = d.extension || "";
  const onDesk = d.page === "desk";
  const live = document.getElementById("live");
  const pops = document.getElementById("pops") || document.getElementById("toasts");
  let status = d.status;

  // ---- live events -------------------------------------------------------------------------
  function setLive(state) {
    if (!live) return;
    live.dataset.state = state;
    if (state === "connected") live.textContent = live.dataset.tConnected;
    if (state === "lost") live.textContent = live.dataset.tLost;
  }

  function concernsMe(ev) {
    const exts = ev.extensions || [];
    return exts.length === 0 || exts.indexOf(me) >= 0;
  }

  function popOf(id) {
    return document.querySelector('.pop[data-call-id="' + id + '"]');
  }

  function updateEmpty() {
    const empty = document.getElementById("no-pops");
    if (empty) empty.hidden = !!document.querySelector("#pops .pop");
  }

  // Shows the pop at once from the event, then swaps in the server-rendered card (badge,
  // company), so the operator sees who is calling without waiting for a second request.
  function showPop(ev) {
    if (popOf(ev.call_id)) return;
    const c = ev.caller || {};
    const el = document.createElement("article");
    el.className = "pop kind-" + (c.kind || "unknown");
    el.dataset.callId = ev.call_id;
    const name = document.createElement("div");
    name.className = "pop-name";
    const label = { anonymous: d.tWithheld, ambiguous: d.tAmbiguous, internal: d.tInternal };
    // Only a caller who matched exactly one client is named; a shared number is not anybody yet.
    name.textContent = (c.kind === "client" && c.display_name) || label[c.kind] || d.tUnknown;
    const num = document.createElement("div");
    num.className = "pop-number";
    num.textContent = c.raw || c.number || "";
    const open = document.createElement("a");
    open.className = "pop-open button";
    open.href = "/operator/calls/" + ev.call_id;
    open.textContent = d.tOpen;
    el.append(name, num, open);
    el.dataset.shownAt = String(Date.now());
    pops.prepend(el);
    updateEmpty();
    fetch("/operator/calls/" + ev.call_id + "/pop", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : null))
      .then((html) => {
        const old = popOf(ev.call_id);
        if (!html || !old) return;
        const tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        const fresh = tpl.content.firstElementChild;
        if (!fresh) return;
        fresh.dataset.shownAt = old.dataset.shownAt;
        old.replaceWith(fresh);
      })
      .catch(() => {});
    alertInBackground(name.textContent, num.textContent);
  }

  function withdraw(id) {
    const el = popOf(id);
    if (el) el.remove();
    updateEmpty();
  }

  function openCall(id) {
    window.location.assign("/operator/calls/" + id);
  }

  function handle(kind, ev) {
    if (kind === "call.ringing" || kind === "call.transferred") {
      if (status !== "ready" || !concernsMe(ev)) return;
      showPop(ev);
      if (onDesk && d.popOn === "ring") openCall(ev.call_id);
    } else if (kind === "call.answered") {
      if (ev.extension && ev.extension !== me) {
        withdraw(ev.call_id); // answered by someone else
      } else if (ev.extension === me && onDesk && d.popOn === "answer") {
        openCall(ev.call_id);
      }
    } else if (kind === "call.ended") {
      if (!ev.answered_at || ev.extension !== me) withdraw(ev.call_id);
    } else if (kind === "callback.created" || kind === "callback.closed" || kind === "worklist.changed") {
      if (onDesk) refreshSoon();
    }
  }

  let refreshTimer = null;
  function refreshSoon() {
    // A new or closed task: reload the desk's lists when nothing is being typed.
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      if (!document.querySelector("input:focus, textarea:focus")) window.location.reload();
    }, 1500);
  }

  // Other scripts of the page (the wallboard) follow this one stream instead of opening their
  // own: one connection per tab.
  function announce(kind) {
    document.dispatchEvent(new CustomEvent("orderline:live", { detail: { kind: kind } }));
  }

  function connect() {
    // Resume after the newest event the page was built with: what happened while the page
    // loaded is replayed. On reconnects the browser's Last-Event-ID header takes precedence.
    const from = /^\d+$/.test(d.liveFrom || "") ? "?last_event_id=" + d.liveFrom : "";
    const es = new EventSource("/api/v1/events" + from);
    es.onopen = () => setLive("connected");
    es.onerror = () => setLive("lost"); // EventSource reconnects with Last-Event-ID itself
    ["call.ringing", "call.answered", "call.transferred", "call.ended", "callback.created", "callback.closed", "worklist.changed", "desk.status"].forEach((k) =>
      es.addEventListener(k, (m) => {
        announce(k);
        try {
          handle(k, JSON.parse(m.data));
        } catch (e) {
          /* a malformed event must not stop the stream */
        }
      })
    );
    // The server could not replay what we missed: the page itself is the state.
    es.addEventListener("resync", () => {
      announce("resync");
      if (onDesk) window.location.reload();
    });
  }

  // ---- background alerts ---------------------------------------------------------------------
  let audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.frequency.value = 880;
      g.gain.value = 0.08;
      o.connect(g).connect(audio.destination);
      o.start();
      o.stop(audio.currentTime + 0.25);
    } catch (e) {
      /* no audio: fine */
    }
  }

  function alertInBackground(title, body) {
    if (!document.hidden) return;
    if (d.sound === "true") beep();
    if (d.notify === "true" && "Notification" in window && Notification.permission === "granted") {
      new Notification(title, { body: body, tag: "orderline-call" });
    }
  }

  document.addEventListener(
    "click",
    () => {
      if (d.notify === "true" && "Notification" in window && Notification.permission === "default") {
        Notification.requestPermission();
      }
    },
    { once: true }
  );

  // ---- status buttons: no page reload --------------------------------------------------------
  const statusForm = document.getElementById("status");
  if (statusForm) {
    statusForm.addEventListener("submit", (e) => {
      const want = e.submitter && e.submitter.dataset.status;
      if (!want) return;
      e.preventDefault();
      fetch("/api/v1/me/status", {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ status: want }),
      }).then((r) => {
        if (!r.ok) return;
        window.location.reload();
      });
    });
  }

  // ---- keyboard --------------------------------------------------------------------------------
  document.addEventListener("keydown", (e) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && typing) {
      const form = document.activeElement.form;
      if (form) {
        e.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = document.querySelector('[data-key="' + e.key + '"]');
    if (!target) return;
    e.preventDefault();
    if (target.tagName === "A") target.click();
    else target.focus();
  });

  // ---- the order form: more lines, running total -------------------------------------------
  const lines = document.getElementById("lines");
  const addLine = document.getElementById("add-line");
  const prices = {};
  const names = {};
  document.querySelectorAll("#catalogue option").forEach((o) => {
    prices[o.value] = Number(o.dataset.price);
    names[o.value] = o.textContent;
  });
  function money(minor) {
    return (minor / 100).toFixed(2);
  }
  function recalc() {
    if (!lines) return;
    let sum = 0;
    lines.querySelectorAll(".line").forEach((row) => {
      const sku = row.querySelector('[name="sku"]').value.trim();
      const qty = parseInt(row.querySelector('[name="qty"]').value, 10);
      const cell = row.querySelector(".line-total");
      const label = row.querySelector(".line-name");
      if (label) label.textContent = names[sku] || ""; // which product the SKU is
      if (sku in prices && qty > 0) {
        sum += prices[sku] * qty;
        cell.textContent = money(prices[sku] * qty);
      } else {
        cell.textContent = "";
      }
    });
    const total = document.getElementById("order-total");
    if (total) total.textContent = sum ? money(sum) : ""; // the server computes the real total
  }
  if (lines) {
    lines.addEventListener("input", recalc);
    recalc();
  }
  if (addLine && lines) {
    addLine.addEventListener("click", () => {
      const first = lines.querySelector(".line");
      const row = first.cloneNode(true);
      row.querySelectorAll("input").forEach((i) => {
        i.value = "";
        i.removeAttribute("data-key");
      });
      row.querySelectorAll(".error").forEach((x) => x.remove());
      row.querySelectorAll(".line-name").forEach((x) => (x.textContent = ""));
      row.querySelector(".line-total").textContent = "";
      lines.append(row);
      row.querySelector('[name="sku"]').focus();
    });
  }

  // The wrap-up form shows the callback time and the spam confirmation only for those outcomes.
  const outcome = document.querySelector('#wrapup select[name="outcome"]');
  if (outcome) {
    const sync = () =>
      document.querySelectorAll("#wrapup [data-for]").forEach((el) => (el.hidden = el.dataset.for !== outcome.value));
    outcome.addEventListener("change", sync);
  }

  updateEmpty();
  if (me || app.dataset.page) connect();
})();
