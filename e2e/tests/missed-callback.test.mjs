// Issue 4, §4, third test: a known client's call is missed; it becomes one callback task with
// one attempt in the worklist; the operator takes it, reaches the client, logs the outcome —
// and the task is closed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  world, USERS, TIMEOUT, json, eventually, openDesk, ensureReady, setPreferences, ringing, hangup,
  digits,
} from '../lib/harness.mjs';

const NUMBER = '+74951234567';

let w;
let manager;
let client;
before(async () => {
  w = await world();
  manager = await w.api(USERS.manager);
  const found = await json(manager, 'GET', `/api/v1/lookup?number=${encodeURIComponent(NUMBER)}`);
  assert.equal(found.kind, 'client');
  client = { id: found.matches[0].client_id, name: found.matches[0].name };
});
after(async () => {
  await w?.close();
});

const numberOf = (t) => t.number_e164 ?? t.number;

test('missed call → a callback task in the worklist → taken, outcome logged → closed', async () => {
  const op = await w.operator(USERS.op101);
  await setPreferences(op.context, { pop_on: 'answer' });
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);
  const openBefore = (await json(manager, 'GET', '/api/v1/callbacks?status=open')).items
    .filter((t) => numberOf(t) === NUMBER);
  assert.deepEqual(openBefore, [], 'no open callback for the number before the test');

  // Rings 101, nobody answers, the caller hangs up: the pop comes and goes.
  const ring = await w.webhook(ringing('e2e-3', NUMBER, ['101']));
  const callId = ring.json.events[0].call_id;
  const pop = op.page.locator(`#pops .pop[data-call-id="${callId}"]`);
  await pop.waitFor();
  await w.webhook(hangup('e2e-3', 'cancel'));
  await pop.waitFor({ state: 'detached' });

  const task = await eventually(async () => {
    const open = (await json(manager, 'GET', '/api/v1/callbacks?status=open')).items;
    return open.find((t) => numberOf(t) === NUMBER);
  }, { what: 'an open callback task for the missed call' });
  assert.equal(task.attempts, 1);
  assert.equal(task.client_id, client.id);

  // The desk lists it among today's tasks; the worklist shows the number and one attempt.
  await op.page.reload();
  await op.page.locator(`#worklist .task[data-task-id="${task.id}"]`).waitFor();
  await op.page.goto('/operator/worklist');
  const row = op.page.locator(`.task[data-task-id="${task.id}"]`);
  await row.waitFor();
  assert.equal(digits(await row.locator('.task-number').textContent()).slice(-10), digits(NUMBER).slice(-10));
  assert.match(await row.locator('.task-attempts').textContent(), /\b1\b/);

  // Take it: the task's screen, with the client's card and the wrap-up form.
  await row.locator('button.take').click();
  await op.page.waitForURL((u) => u.pathname === `/operator/tasks/${task.id}`, { timeout: TIMEOUT });
  const cardName = op.page.locator('#client-card .client-name');
  await cardName.waitFor();
  assert.equal((await cardName.textContent()).trim(), client.name);
  const wrapup = op.page.locator('form#wrapup');
  await wrapup.locator('select[name=outcome]').selectOption('information');
  await wrapup.locator('textarea[name=note]').fill('e2e: called back, asked about delivery days');
  await op.page.click('button#save-outcome');

  // Back on the worklist, without the task; the API has it closed.
  await op.page.waitForURL((u) => u.pathname === '/operator/worklist', { timeout: TIMEOUT });
  await op.page.locator('body').waitFor();
  assert.equal(await op.page.locator(`.task[data-task-id="${task.id}"]`).count(), 0);
  const closed = await eventually(async () => {
    const items = (await json(manager, 'GET', '/api/v1/callbacks?status=closed')).items;
    return items.find((t) => t.id === task.id);
  }, { what: `callback ${task.id} closed` });
  assert.equal(closed.status, 'closed');
  assert.ok(closed.closed_at, 'closed_at is set');
  const mine = await json(op.context.request, 'GET', '/api/v1/worklist');
  assert.equal(mine.items.filter((t) => t.id === task.id).length, 0);
  assert.deepEqual(op.dialogs, []);
});
