// Issue 5, §1: a manager filters the call log (missed calls from a number ending with given
// digits), opens a call and reads its timeline, and downloads the CSV export of the filtered
// log: a UTF-8 BOM, `;` between cells, the number masked to its last four digits.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { world, USERS, TIMEOUT, json, ringing, answered, hangup } from '../lib/harness.mjs';

const MISSED = '+74997771938';
const ANSWERED = '+74997771939';

let w;
let missedId;
let answeredId;
before(async () => {
  w = await world();
  // A missed call (its ringing delivered twice: the timeline marks the redelivery) and an
  // answered one from a number that shares all but the last digit.
  const ring = { ...ringing('e2e-log-1', MISSED, ['101']), event_id: 'e2e-log-1-ring' };
  missedId = (await w.webhook(ring)).json.events[0].call_id;
  await w.webhook(ring);
  await w.webhook({ ...hangup('e2e-log-1', 'cancel'), event_id: 'e2e-log-1-end' });
  answeredId = (await w.webhook(ringing('e2e-log-2', ANSWERED, ['101']))).json.events[0].call_id;
  await w.webhook(answered('e2e-log-2', '101'));
  await w.webhook(hangup('e2e-log-2'));
});
after(async () => {
  await w?.close();
});

test('a manager filters the log, opens a call, and exports the filtered log as CSV', async () => {
  const m = await w.operator(USERS.manager);
  const { page } = m;
  await page.goto('/manager/calls');
  assert.equal(await page.locator('nav.tabs a[href="/manager/calls"]').count(), 1, 'the log is in the navigation');

  // Filter: missed calls from a number ending with 771938.
  const form = page.locator('form.log-filter');
  await form.locator('select[name=state]').selectOption('missed');
  await form.locator('input[name=number_suffix]').fill('771938');
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('number_suffix') === '771938', { timeout: TIMEOUT }),
    form.locator('button[type=submit]').click(),
  ]);
  const rows = page.locator('#call-log tbody tr[data-call-id]');
  assert.equal(await rows.count(), 1, 'exactly the missed call');
  assert.equal(await rows.first().getAttribute('data-call-id'), String(missedId));
  assert.match(await rows.first().textContent(), /\+74997771938/, 'managers see full numbers on pages');
  assert.equal(await page.locator(`#call-log tr[data-call-id="${answeredId}"]`).count(), 0);

  // The call's page: its timeline, the redelivery marked, the hang-up cause.
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/manager/calls/${missedId}`, { timeout: TIMEOUT }),
    rows.first().locator('a').first().click(),
  ]);
  const timeline = page.locator('#timeline tbody tr');
  const kinds = await timeline.locator('td:nth-child(2)').allTextContents();
  assert.deepEqual(kinds, ['ringing', 'hangup']);
  assert.match(await timeline.nth(0).textContent(), /delivered 2×/);
  assert.match(await timeline.nth(1).textContent(), /cancel/);
  assert.equal(await page.locator('text=Raw payload').count(), 0, 'no raw payloads for managers');

  // Back to the filtered log; download its export.
  await page.goBack();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: TIMEOUT }),
    page.click('#export-csv'),
  ]);
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
  assert.equal(lines.length, 2, `header and one call: ${lines}`);
  const header = lines[0].split(';');
  const cells = lines[1].split(';');
  assert.equal(header[0], 'id');
  assert.equal(cells[0], String(missedId));
  assert.equal(cells[header.indexOf('state')], 'missed');
  assert.equal(cells[header.indexOf('number')], '+*******1938', 'masked to the last four digits');
  assert.ok(!bytes.toString('utf8').includes('74997771938'), 'no full number in the file');

  // The export is in the audit log, with its filter and row count.
  const admin = await w.api(USERS.admin);
  const audit = await json(admin, 'GET', '/api/v1/audit?action=calls.exported');
  assert.equal(audit.items[0].user_login, USERS.manager.login);
  assert.equal(audit.items[0].detail.rows, 1);
  assert.equal(audit.items[0].detail.filter.number_suffix, '771938');
  assert.deepEqual(m.errors, [], 'no script errors');
});
