// Issue 4, §5: what a page must not let through — markup in client data, inline scripts,
// script access to the session cookie, and requests forged by another site.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  world, USERS, TIMEOUT, json, eventually, openDesk, ensureReady, setPreferences, ringing, hangup,
} from '../lib/harness.mjs';

const NASTY = '<script>alert(1)</script>';
const NUMBER = '+74991112233';

let w;
let manager;
let clientId;
before(async () => {
  w = await world();
  manager = await w.api(USERS.manager);
  const created = await json(manager, 'POST', '/api/v1/clients', {
    data: { name: NASTY, company: '<img src=x onerror=alert(2)>', phones: [NUMBER] },
    status: 201,
  });
  clientId = created.id;
});
after(async () => {
  await w?.close();
});

/** The script sources a CSP allows: script-src, or default-src when there is none. */
function scriptSources(csp) {
  const directives = Object.fromEntries(
    csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k.toLowerCase(), v]),
  );
  return directives['script-src'] ?? directives['default-src'] ?? null;
}

test('a client named <script>alert(1)</script> shows as text on the pop and the card', async () => {
  const op = await w.operator(USERS.op101);
  await setPreferences(op.context, { pop_on: 'answer' });
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);

  const ring = await w.webhook(ringing('e2e-4', NUMBER, ['101']));
  const callId = ring.json.events[0].call_id;
  const pop = op.page.locator(`#pops .pop[data-call-id="${callId}"]`);
  await pop.waitFor();
  // The desk may build the pop from the live event first ("name (company)") and then swap in
  // the server's version: every version shows the markup as text; the last one is the name.
  const seen = await op.pops.waitFor(callId);
  for (const name of seen.names) assert.ok(name.startsWith(NASTY), `shown as text: ${name}`);
  await eventually(async () => (await pop.locator('.pop-name').textContent()).trim() === NASTY, {
    what: `the pop's name is exactly ${NASTY}`,
  });
  assert.equal(await op.page.locator('#pops script').count(), 0, 'no script element in the pops');
  assert.equal(await op.page.locator('#pops img').count(), 0, 'no img element from the company');

  await pop.locator('a.pop-open').click();
  await op.page.waitForURL((u) => u.pathname === `/operator/calls/${callId}`, { timeout: TIMEOUT });
  const card = op.page.locator('#client-card');
  await card.waitFor();
  assert.equal((await card.locator('.client-name').textContent()).trim(), NASTY);
  assert.equal(await card.locator('script, img').count(), 0, 'the card has no markup from the client');
  // Give a script that slipped through every chance to run.
  await op.page.waitForTimeout(500);
  assert.deepEqual(op.dialogs, [], 'no alert() ran');
  await w.webhook(hangup('e2e-4', 'cancel'));
});

test('the pages send a CSP without inline scripts, and the session cookie is HttpOnly', async () => {
  const op = await w.operator(USERS.op102);
  for (const path of ['/login', '/desk', '/operator/worklist']) {
    const resp = await op.page.goto(path);
    assert.equal(resp.status(), 200, `${path} answers 200`);
    const csp = resp.headers()['content-security-policy'];
    assert.ok(csp, `${path} has a Content-Security-Policy header`);
    const scripts = scriptSources(csp);
    assert.ok(scripts, `${path}: the CSP restricts scripts (script-src or default-src): ${csp}`);
    assert.ok(!scripts.includes("'unsafe-inline'"), `${path}: no 'unsafe-inline' for scripts: ${csp}`);
    assert.ok(!scripts.includes("'unsafe-eval'"), `${path}: no 'unsafe-eval': ${csp}`);
    assert.ok(!scripts.includes('*'), `${path}: scripts not from anywhere: ${csp}`);
  }
  // An inline script injected into the page is refused by the browser.
  const ran = await op.page.evaluate(() => {
    window.__inlineRan = false;
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.body.appendChild(s);
    return window.__inlineRan;
  });
  assert.equal(ran, false, 'the CSP blocks an inline script');

  const session = (await op.context.cookies()).find((c) => c.name === 'orderline_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.notEqual(session.sameSite, 'None');
  assert.ok(!(await op.page.evaluate(() => document.cookie)).includes('orderline_session'));
});

test('requests from another site are refused with 403; the same request from the page passes', async () => {
  const op = await w.operator(USERS.op103);
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);
  const req = op.context.request;
  const base = w.baseURL;

  for (const headers of [{ Origin: 'https://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }]) {
    const r = await req.put('/api/v1/me/status', { data: { status: 'paused' }, headers });
    assert.equal(r.status(), 403, `PUT /api/v1/me/status with ${JSON.stringify(headers)}`);
    const f = await req.post('/logout', { form: {}, headers, maxRedirects: 0 });
    assert.equal(f.status(), 403, `POST /logout with ${JSON.stringify(headers)}`);
  }
  assert.equal((await json(req, 'GET', '/api/v1/me')).status, 'ready', 'nothing changed');

  // A real cross-site form in the browser: a page on another site (localhost is another site
  // than 127.0.0.1) posts to orderline; the answer is 403 and the session survives.
  const evil = createServer((_, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><form id=f method=post action="${base}/logout"></form>
      <script>document.getElementById('f').submit()</script>`);
  });
  await new Promise((ok) => evil.listen(0, '127.0.0.1', ok));
  try {
    const page = await op.context.newPage();
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/logout`, { timeout: TIMEOUT }),
      page.goto(`http://localhost:${evil.address().port}/`),
    ]);
    assert.equal(resp.status(), 403);
    await page.close();
  } finally {
    evil.close();
  }
  assert.equal((await json(req, 'GET', '/api/v1/me')).status, 'ready', 'still logged in');

  // The same change from the page's own origin is accepted (so the 403s above were the CSRF
  // check, not a broken endpoint).
  const ok = await req.put('/api/v1/me/status', { data: { status: 'paused' }, headers: { Origin: base } });
  assert.equal(ok.status(), 200);
  await op.page.reload();
  await op.page.waitForSelector('#status[data-current="paused"]', { state: 'attached' });
  // And the desk's own button (a same-origin request from the page) sets it back.
  await op.page.click('button[data-status=ready]');
  await op.page.waitForSelector('#status[data-current="ready"]', { state: 'attached' });
  assert.equal((await json(req, 'GET', '/api/v1/me')).status, 'ready');
});
