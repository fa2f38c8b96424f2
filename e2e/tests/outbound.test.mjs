// Issue 5, acceptance: a manager builds an outbound list from the segmentation for two
// operators with a daily cap of 3 and sees each operator get at most 3 tasks — on the page,
// in the API and in the operators' worklists. Also takes the screenshots of the manager's
// pages: the dashboard, the client base, the outbound list (and the wallboard) into
// docs/screenshots/ (E2E_SCREENSHOTS overrides).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  world, USERS, TIMEOUT, json, eventually, ringing, answered, hangup, screenshotDir,
} from '../lib/harness.mjs';

let w;
before(async () => {
  w = await world();
});
after(async () => {
  await w?.close();
});

async function shot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(screenshotDir(), name), fullPage: false });
}

/** A few calls of today with real waits and talks (and an order), so that the dashboard and
 * the wallboard have something to show; one call in progress and one ringing. */
async function someCalls(api) {
  const at = (ms) => new Date(ms).toISOString();
  const base = Date.now() - 45 * 60_000;
  const calls = [
    ['+74951234567', '101', 6, 140], ['+74997650001', '102', 12, 95], ['+74997650002', '101', 25, 210],
    ['+74997650003', '102', 40, 0], ['+74997650004', '101', 3, 60], ['+74997650005', '102', 18, 180],
  ];
  let first = null;
  for (const [i, [n, ext, wait, talk]] of calls.entries()) {
    const id = `e2e-mgr-${i}`;
    const t0 = base + i * 6 * 60_000;
    const ring = { ...ringing(id, n, [ext]), at: at(t0) };
    const events = talk
      ? [ring, { ...answered(id, ext), at: at(t0 + wait * 1000) }, { ...hangup(id), at: at(t0 + (wait + talk) * 1000) }]
      : [ring, { ...hangup(id, 'cancel'), at: at(t0 + wait * 1000) }];
    const r = await w.webhook(events);
    first ??= r.json.events[0].call_id;
  }
  // The first caller ordered during the call.
  const client = (await json(api, 'GET', '/api/v1/lookup?number=%2B74951234567')).matches[0].client_id;
  const product = (await json(api, 'GET', '/api/v1/products')).items[0].id;
  await json(api, 'POST', '/api/v1/orders', {
    data: { client_id: client, call_id: first, lines: [{ product_id: product, quantity: 4 }] }, status: 201,
  });
  await w.webhook([ringing('e2e-mgr-talking', '+74997650007', ['102']), answered('e2e-mgr-talking', '102')]);
  await w.webhook(ringing('e2e-mgr-ringing', '+74997650009', ['103']));
}

test('a manager hands an outbound list to two operators with a cap of 3', async () => {
  const m = await w.operator(USERS.manager);
  const api = m.context.request;
  // The server segments the demo base at start.
  await eventually(async () => (await json(api, 'GET', '/api/v1/reports/clients?limit=1')).run, {
    what: 'the first segmentation run', timeout: 60_000,
  });
  await someCalls(api);

  await m.page.goto('/manager/dashboard');
  await m.page.locator('.tiles .tile').first().waitFor();
  await shot(m.page, 'manager-dashboard.png');

  await m.page.goto('/manager/clients');
  const statement = (await m.page.locator('#pareto-statement').textContent()).trim();
  assert.match(statement, /^\d+ clients \(\d+\.\d % of the base\) bring 80 % of revenue$/);
  await m.page.locator('.pareto svg circle').first().waitFor();
  assert.ok((await m.page.locator('.client-row').count()) > 0, 'clients are listed');
  await shot(m.page, 'client-base.png');

  await m.page.goto('/manager/wallboard');
  await m.page.locator('#wb-live .wb-op').first().waitFor();
  assert.ok((await m.page.locator('#wb-ringing .wb-call').count()) >= 1, 'the ringing call is on the board');
  assert.ok((await m.page.locator('#wb-operators .wb-op[data-state="on_call"]').count()) >= 1, 'someone is on a call');
  await shot(m.page, 'wallboard.png');
  await w.webhook([hangup('e2e-mgr-ringing', 'cancel'), hangup('e2e-mgr-talking')]);

  // The builder: the valuable clients slipping away (A and B), for op101 and op102, cap 3.
  await m.page.goto('/manager/outbound');
  const form = m.page.locator('form#builder');
  for (const c of ['at_risk', 'cant_lose', 'hibernating', 'lost']) {
    await form.locator(`input[name=segments][value=${c}]`).check();
  }
  await form.locator('input[name=overdue]').check();
  await form.locator('input[name=abc][value=A]').check();
  await form.locator('input[name=abc][value=B]').check();
  await form.locator('input[name=quiet_days]').fill('0');
  const opBox = (ext) => form.locator('label.check', { hasText: `(${ext})` }).locator('input[name=operators]');
  const ids = {};
  for (const ext of ['101', '102']) {
    await opBox(ext).check();
    ids[ext] = Number(await opBox(ext).getAttribute('value'));
  }
  await form.locator('input[name=cap]').fill('3');
  await form.locator('input[name=name]').fill('e2e: at risk, A and B');
  await form.locator('button#preview').click();
  await m.page.locator('#preview-list').waitFor();
  const rows = m.page.locator('#preview-list .preview-row');
  assert.ok((await rows.count()) > 6, 'more clients than the two operators may call today');
  assert.equal(await m.page.locator('#preview-list .preview-row.status-assigned').count(), 6);
  assert.ok((await m.page.locator('#preview-list td.reason').first().textContent()).includes('class '), 'a reason in words');
  assert.match(await m.page.locator('#preview-summary').textContent(), /cap 3 a day per operator/);
  await m.page.locator('#preview-list').evaluate((el) => el.scrollIntoView());
  await shot(m.page, 'outbound-preview.png');

  await m.page.locator('button#create-list').click();
  await m.page.waitForURL((u) => u.pathname === '/manager/outbound' && u.searchParams.has('created'), { timeout: TIMEOUT });
  const listId = Number(new URL(m.page.url()).searchParams.get('created'));
  const article = m.page.locator(`.outbound-list[data-list-id="${listId}"]`);
  await article.waitFor();
  for (const ext of ['101', '102']) {
    const n = Number(await article.locator(`tr.op-result[data-operator-id="${ids[ext]}"] .tasks-n`).textContent());
    assert.equal(n, 3, `operator ${ext} has 3 tasks on the page`);
  }
  await article.evaluate((el) => el.scrollIntoView());
  await shot(m.page, 'outbound.png');

  // The API agrees, and so do the operators' worklists.
  const list = await json(api, 'GET', `/api/v1/outbound-lists/${listId}`);
  const per = (id) => list.tasks.filter((t) => t.operator_id === id).length;
  assert.equal(per(ids['101']), 3);
  assert.equal(per(ids['102']), 3);
  assert.equal(list.tasks.length, 6);
  for (const user of [USERS.op101, USERS.op102]) {
    const op = await w.api(user);
    const mine = (await json(op, 'GET', '/api/v1/worklist')).items.filter((t) => t.kind === 'proactive');
    assert.equal(mine.length, 3, `${user.login} sees 3 proactive tasks`);
  }
  assert.deepEqual(m.dialogs, []);
  assert.deepEqual(m.httpErrors, [], 'every request of the pages answered');
  const errors = m.errors.filter((e) => !e.includes('/favicon.ico'));
  assert.deepEqual(errors, [], 'no errors in the console');
});
