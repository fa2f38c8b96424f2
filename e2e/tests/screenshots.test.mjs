// Issue 4, §4 and acceptance: screenshots at 1366×768 of what an operator looks at all day —
// the desk with pops (a known client with history and an unknown number), the order screen
// of the known client (as it opens, and with an order repeated into the form), the order
// screen of the unknown caller, and the worklist. Written to
// docs/screenshots/ (E2E_SCREENSHOTS overrides).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  world, USERS, TIMEOUT, json, eventually, openDesk, ensureReady, setPreferences, ringing, hangup,
  screenshotDir,
} from '../lib/harness.mjs';

const KNOWN = '+74951234567';
const UNKNOWN = '+74997650000';
const MISSED = ['+79161234567', '+74997651111'];

let w;
before(async () => {
  w = await world();
});
after(async () => {
  await w?.close();
});

async function shot(page, name) {
  const path = join(screenshotDir(), name);
  // Let fonts and the last repaint settle; the viewport only (what fits on a 1366×768 screen).
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, fullPage: false });
  return path;
}

test('screenshots: desk with pops, order screens, worklist', async () => {
  const op = await w.operator(USERS.op101);
  await setPreferences(op.context, { pop_on: 'answer' });

  // Two missed calls first, so that the desk and the worklist have tasks to show.
  for (const [i, n] of MISSED.entries()) {
    await w.webhook([ringing(`e2e-shot-missed-${i}`, n, ['101']), hangup(`e2e-shot-missed-${i}`, 'cancel')]);
  }
  await eventually(async () => (await json(op.context.request, 'GET', '/api/v1/worklist')).items.length >= MISSED.length, {
    what: 'the missed calls in the worklist',
  });

  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);
  const known = (await w.webhook(ringing('e2e-shot-known', KNOWN, ['101']))).json.events[0].call_id;
  const unknown = (await w.webhook(ringing('e2e-shot-unknown', UNKNOWN, ['101']))).json.events[0].call_id;
  await op.page.locator(`#pops .pop[data-call-id="${known}"]`).waitFor();
  await op.page.locator(`#pops .pop[data-call-id="${unknown}"]`).waitFor();
  await op.page.locator('#worklist .task[data-task-id]').first().waitFor();
  await shot(op.page, 'desk.png');

  await op.page.locator(`#pops .pop[data-call-id="${known}"] a.pop-open`).click();
  await op.page.waitForURL((u) => u.pathname === `/operator/calls/${known}`, { timeout: TIMEOUT });
  await op.page.locator('#client-card .client-name').waitFor();
  await op.page.locator('#history .order[data-order-id]').first().waitFor();
  await shot(op.page, 'order-screen.png');

  // The same screen with the newest order of the history repeated into the form.
  await op.page.locator('#history .order[data-order-id] a.repeat').first().click();
  await op.page.waitForURL((u) => u.searchParams.has('repeat'), { timeout: TIMEOUT });
  await op.page.locator('form#order-form .line input[name=sku]').first().waitFor();
  await shot(op.page, 'order-screen-repeat.png');

  await op.page.goto(`/operator/calls/${unknown}`);
  await op.page.locator('form#new-client').waitFor();
  await shot(op.page, 'order-screen-unknown.png');

  await op.page.goto('/operator/worklist');
  await op.page.locator('.task[data-task-id]').first().waitFor();
  assert.ok((await op.page.locator('.task[data-task-id]').count()) >= MISSED.length);
  await shot(op.page, 'worklist.png');

  await w.webhook([hangup('e2e-shot-known', 'cancel'), hangup('e2e-shot-unknown', 'cancel')]);
  assert.deepEqual(op.dialogs, []);
  assert.deepEqual(op.httpErrors, [], 'every request of the pages answered');
  // /favicon.ico is not part of the page contract (the browser asks for it by itself).
  const errors = op.errors.filter((e) => !e.includes('/favicon.ico'));
  assert.deepEqual(errors, [], 'no errors in the console');
});
