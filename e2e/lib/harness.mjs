// The shared pieces of the browser tests: a fresh orderline server per test file, Debian's
// headless Chromium driven by playwright-core, logins, webhooks and JSON API calls.
//
// Environment (set by run.mjs; each has a default so that one file can be run with
// `node --test tests/x.test.mjs` from e2e/ after a `cargo build --bin orderline`):
//   ORDERLINE_BIN       the binary (default: $CARGO_TARGET_DIR or ../target, /debug/orderline)
//   E2E_DATABASE_URL    unset: SQLite in a temporary directory; postgres://…/db: a server where
//                       the role may create databases — each server gets a fresh database
//                       `orderline_test_e2e_…`, dropped at the end (needs `psql`)
//   CHROMIUM            the browser (default /usr/bin/chromium; never a downloaded one)
//   E2E_SCREENSHOTS     where screenshots go (default ../docs/screenshots)
//   E2E_LOG=1           copy the servers' logs to stderr as they run

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, mkdirSync, createWriteStream, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, basename } from 'node:path';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium, request as pwRequest } from 'playwright-core';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(E2E_DIR, '..');

/** Generous: the machine is shared and slow. */
export const TIMEOUT = 10_000;

export const DEMO_PBX_TOKEN = 'olt_demo_pbx_token_change_me_0123456789abcdefghij';
export const USERS = {
  op101: { login: 'op101', password: 'operator-demo-1', extension: '101' },
  op102: { login: 'op102', password: 'operator-demo-2', extension: '102' },
  op103: { login: 'op103', password: 'operator-demo-3', extension: '103' },
  manager: { login: 'manager', password: 'manager-demo-1' },
  admin: { login: 'admin', password: 'admin-demo-1' },
};

export function binaryPath() {
  if (process.env.ORDERLINE_BIN) return resolve(process.env.ORDERLINE_BIN);
  const target = process.env.CARGO_TARGET_DIR
    ? resolve(REPO, process.env.CARGO_TARGET_DIR)
    : join(REPO, 'target');
  return join(target, 'debug', 'orderline');
}

export function screenshotDir() {
  const dir = resolve(E2E_DIR, process.env.E2E_SCREENSHOTS || '../docs/screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh database for one server: its URL and how to get rid of it. */
function freshDatabase(dir) {
  const pg = process.env.E2E_DATABASE_URL;
  if (!pg) {
    return { url: `sqlite://${join(dir, 'e2e.db')}`, drop() {} };
  }
  const name = `orderline_test_e2e_${randomBytes(6).toString('hex')}`;
  execFileSync('psql', [pg, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE "${name}"`]);
  const u = new URL(pg);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop() {
      try {
        execFileSync('psql', [pg, '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], {
          stdio: 'ignore',
        });
      } catch {
        /* left for .ci/postgres.sh's drop_test_databases */
      }
    },
  };
}

/**
 * Starts `orderline serve --demo` on a free port of 127.0.0.1 with a fresh database, and
 * waits until `/readyz` answers 200. Returns { baseURL, stop(), log() }.
 */
export async function startServer() {
  const bin = binaryPath();
  const dir = mkdtempSync(join(tmpdir(), 'orderline-e2e-'));
  const db = freshDatabase(dir);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'server.log');
  const logStream = createWriteStream(logFile);
  const child = spawn(
    bin,
    // Without the demo's call history: each test starts from a quiet desk and an empty log,
    // whatever the time of day (the history is built up to the current time).
    ['--database-url', db.url, 'serve', '--demo', '--no-demo-calls', '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const s of [child.stdout, child.stderr]) {
    s.pipe(logStream, { end: false });
    if (process.env.E2E_LOG) s.pipe(process.stderr, { end: false });
  }
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  let closed = false; // its output read to the end
  child.on('close', () => {
    closed = true;
  });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  // The demo seeds 2,000 clients and a year of orders on first start: allow a minute.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      db.drop();
      throw new Error(`orderline exited during start-up (${JSON.stringify(exited)}):\n${log()}`);
    }
    try {
      const r = await fetch(`${baseURL}/readyz`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      db.drop();
      throw new Error(`orderline was not ready after 90 s:\n${log()}`);
    }
    await sleep(100);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s); `saveLogTo` keeps its log. */
  async function stop(saveLogTo) {
    if (!exited) {
      child.kill('SIGTERM');
      const t = Date.now();
      while (!exited && Date.now() - t < 10_000) await sleep(50);
      if (!exited) child.kill('SIGKILL');
    }
    const t = Date.now();
    while (!closed && Date.now() - t < 2_000) await sleep(20);
    await new Promise((r) => logStream.end(r));
    db.drop();
    if (saveLogTo) {
      try {
        copyFileSync(logFile, saveLogTo);
      } catch {
        /* no log */
      }
    }
    if (!process.env.E2E_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  return { baseURL, stop, log, dir };
}

/** Debian's Chromium, headless, with the flags this machine needs (a closed network). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // playwright-core starts it with a fresh, temporary --user-data-dir of its own.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
}

/** Where the servers' logs are kept after a run: one file per test file. */
export function logDir() {
  const target = process.env.CARGO_TARGET_DIR ? resolve(REPO, process.env.CARGO_TARGET_DIR) : join(REPO, 'target');
  const dir = process.env.E2E_LOG_DIR || join(target, 'e2e-logs');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * One test file's world: a server, a browser, and helpers bound to them.
 * Call `await w.close()` in `after()`; the server's log is then kept in
 * `target/e2e-logs/<test file>.log` (and `w.log()` returns it while running).
 */
export async function world() {
  const name = basename(process.argv[1] || 'e2e').replace(/\.test\.mjs$/, '');
  const server = await startServer();
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.stop();
    throw e;
  }
  const contexts = [];
  const apis = [];
  const w = {
    baseURL: server.baseURL,
    server,
    browser,
    log: server.log,

    /** A new browser context (its own cookies) at 1366×768, logged in as `user`. */
    async operator(user) {
      const context = await browser.newContext({
        baseURL: server.baseURL,
        viewport: { width: 1366, height: 768 },
        locale: 'en-US',
        timezoneId: 'Europe/Moscow',
      });
      contexts.push(context);
      context.setDefaultTimeout(TIMEOUT);
      const page = await context.newPage();
      const dialogs = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        d.dismiss().catch(() => {});
      });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url || 'no url'})`);
      });
      // Answers of 400 and above to the page's own requests (a missing asset, a failing
      // fragment), by URL: Chromium's console only says "Failed to load resource".
      const httpErrors = [];
      page.on('response', (r) => {
        if (r.status() >= 400) httpErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });
      const pops = await recordPops(page);
      await login(page, user);
      return { context, page, dialogs, errors, httpErrors, pops };
    },

    /** An API client with a session of `user` (POST /login, as a browser form would). */
    async api(user) {
      const ctx = await pwRequest.newContext({ baseURL: server.baseURL, timeout: TIMEOUT });
      apis.push(ctx);
      const r = await ctx.post('/login', {
        form: { login: user.login, password: user.password },
        maxRedirects: 0,
      });
      if (r.status() !== 303 && r.status() !== 302 && r.status() !== 200) {
        throw new Error(`POST /login as ${user.login}: ${r.status()} ${await r.text()}`);
      }
      return ctx;
    },

    /** POST one event (or an array) to the demo PBX source; returns the answer and when it arrived. */
    async webhook(body) {
      const sentAt = Date.now();
      const r = await fetch(`${server.baseURL}/webhooks/demo`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${DEMO_PBX_TOKEN}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      const at = Date.now();
      const text = await r.text();
      if (r.status !== 200) {
        throw new Error(`webhook ${JSON.stringify(body)} answered ${r.status}: ${text}`);
      }
      return { sentAt, at, json: JSON.parse(text) };
    },

    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      for (const a of apis) await a.dispose().catch(() => {});
      await browser.close().catch(() => {});
      await server.stop(join(logDir(), `${name}.log`));
    },
  };
  return w;
}

/** Logs in through the login page and waits to leave it. */
export async function login(page, user) {
  await page.goto('/login');
  await page.fill('input[name=login]', user.login);
  await page.fill('input[name=password]', user.password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: TIMEOUT }),
    page.click('button[type=submit]'),
  ]);
}

/** GET/PUT/POST through a Playwright APIRequestContext, expecting `status`; returns JSON. */
export async function json(ctx, method, path, { data, status = 200, headers } = {}) {
  const r = await ctx.fetch(path, { method, data, headers });
  const text = await r.text();
  if (r.status() !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${r.status()}: ${text.slice(0, 500)}`);
  }
  return text ? JSON.parse(text) : null;
}

/** Polls `fn` until it returns a truthy value (or throws its last error after `timeout`). */
export async function eventually(fn, { timeout = TIMEOUT, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error(`${what}: not yet (last value ${JSON.stringify(v)})`);
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last;
    await sleep(interval);
  }
}

/** The desk, open and live (the EventSource stream connected), as the contract says. */
export async function openDesk(page) {
  if (!new URL(page.url()).pathname.startsWith('/desk')) await page.goto('/desk');
  await page.waitForSelector('#live[data-state="connected"]', { state: 'attached', timeout: TIMEOUT });
}

export function ringing(callId, from, extensions = ['101'], extra = {}) {
  return { call_id: callId, type: 'ringing', from, to: '+74950000000', extensions, direction: 'inbound', ...extra };
}
export function answered(callId, extension = '101') {
  return { call_id: callId, type: 'answered', extension };
}
export function hangup(callId, cause = 'normal') {
  return { call_id: callId, type: 'hangup', cause };
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Records every `.pop[data-call-id]` the desk shows, even one that is on screen only for a
 * moment before the desk navigates to the order screen (pop_on=ring). The observer is the
 * test's own instrumentation, injected by the browser (not a page script). Returns a Map
 * call id → { callId, name, names, number, badge, href, shownAt, path } (the latest values;
 * `names`: every text `.pop-name` had, in order), with `.waitFor(id)`.
 */
export async function recordPops(page) {
  const pops = new Map();
  const seen = new Set();
  await page.exposeBinding('__e2eRecordPop', (_source, p) => {
    // A record comes twice when the page that made it delivered it before navigating and the
    // next page replayed it from the journal (see below); the first delivery counts.
    if (seen.has(p.seq)) return;
    seen.add(p.seq);
    delete p.seq;
    const old = pops.get(p.callId) || { names: [] };
    const merged = { ...old, names: [...old.names] };
    for (const [k, v] of Object.entries(p)) if (v !== null && v !== undefined) merged[k] = v;
    // Every text the pop's name had while it was on screen (the desk may first build the pop
    // from the live event and then swap in the server's version).
    if (p.name && merged.names[merged.names.length - 1] !== p.name) merged.names.push(p.name);
    pops.set(p.callId, merged);
  });
  await page.addInitScript(() => {
    const text = (el, sel) => {
      const e = el.querySelector(sel);
      return e ? e.textContent.trim() : null;
    };
    // Playwright drops a binding call whose page is already gone when Node gets to it, and a
    // desk with pop_on=ring navigates to the order screen right after showing the pop. So
    // every record also goes into a journal in sessionStorage (it outlives same-tab
    // navigations) and each new page sends the journal again; Node keeps the first of each.
    const KEY = '__e2ePops';
    const journal = () => {
      try {
        return JSON.parse(sessionStorage.getItem(KEY) || '[]');
      } catch {
        return []; // about:blank and other opaque origins have no storage
      }
    };
    const send = (rec) => {
      if (window.__e2eRecordPop) window.__e2eRecordPop(rec);
    };
    for (const rec of journal()) send(rec);
    let n = 0;
    const report = (el) => {
      const id = el.getAttribute('data-call-id');
      if (!id || !window.__e2eRecordPop) return;
      const open = el.querySelector('a.pop-open');
      const shown = Number(el.getAttribute('data-shown-at'));
      const rec = {
        seq: `${location.href} ${performance.timeOrigin} ${n++}`,
        callId: id,
        name: text(el, '.pop-name'),
        number: text(el, '.pop-number'),
        badge: text(el, '.badge'),
        href: open ? open.getAttribute('href') : null,
        shownAt: Number.isFinite(shown) && shown > 0 ? shown : null,
        path: location.pathname,
      };
      try {
        sessionStorage.setItem(KEY, JSON.stringify([...journal(), rec]));
      } catch {
        /* no storage: the direct call below is all there is */
      }
      send(rec);
    };
    const scan = (n) => {
      if (!n || n.nodeType !== 1) return;
      const pop = n.closest ? n.closest('.pop[data-call-id]') : null;
      if (pop) report(pop);
      if (n.querySelectorAll) n.querySelectorAll('.pop[data-call-id]').forEach(report);
    };
    new MutationObserver((ms) => {
      for (const m of ms) {
        if (m.type === 'attributes' || m.type === 'characterData') scan(m.target.nodeType === 1 ? m.target : m.target.parentElement);
        for (const n of m.addedNodes) scan(n.nodeType === 1 ? n : n.parentElement);
      }
    }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  });
  // On a timeout the error also says where the page was and which pops it did record, so a
  // failure in CI tells a pop that never came from a page that went elsewhere.
  pops.waitFor = (callId, what = `a pop for call ${callId}`) =>
    eventually(() => {
      const p = pops.get(String(callId));
      return p && p.name ? p : null;
    }, { what }).catch((e) => {
      const seen = JSON.stringify([...pops.values()].map((p) => [p.callId, p.name, p.path]));
      throw new Error(`${e.message}; the page is at ${page.url()}; pops recorded: ${seen}`);
    });
  return pops;
}

/** Sets the desk preferences of the context's user (same-origin JSON, as the page would). */
export async function setPreferences(context, prefs) {
  return json(context.request, 'PUT', '/api/v1/me/preferences', {
    data: { pop_on: 'ring', notify: false, sound: false, language: 'en', ...prefs },
  });
}

/** Makes sure the desk's status is `ready`, with its own buttons. */
export async function ensureReady(page) {
  const status = page.locator('#status');
  await status.waitFor({ state: 'attached' });
  if ((await status.getAttribute('data-current')) !== 'ready') {
    await page.click('button[data-status=ready]');
  }
  await page.waitForSelector('#status[data-current="ready"]', { state: 'attached' });
}

/** The digits of a phone number as shown (to compare "+7 495 123-45-67" with "+74951234567"). */
export const digits = (s) => String(s ?? '').replace(/\D/g, '');
