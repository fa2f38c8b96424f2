// Issue 4, §4, second test: a number that is not in the client base rings; the pop says so,
// the order screen offers to create the client with that number, and afterwards the caller
// lookup finds the new client. And a number that several clients share: the operator chooses.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  world, USERS, TIMEOUT, json, openDesk, ensureReady, setPreferences, ringing, answered, hangup,
} from '../lib/harness.mjs';

const NUMBER = '+74997654321';
const NAME = 'Анна Е2Е-Тестова';
const COMPANY = 'ООО «Проверка»';

let w;
let manager;
before(async () => {
  w = await world();
  manager = await w.api(USERS.manager);
  const before = await json(manager, 'GET', `/api/v1/lookup?number=${encodeURIComponent(NUMBER)}`);
  assert.equal(before.kind, 'unknown', `${NUMBER} must not be in the demo base`);
});
after(async () => {
  await w?.close();
});

test('unknown number: the pop says so, the client is created from the order screen', async () => {
  const op = await w.operator(USERS.op101);
  await setPreferences(op.context, { pop_on: 'ring' });
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);

  const ring = await w.webhook(ringing('e2e-2', NUMBER, ['101']));
  const callId = ring.json.events[0].call_id;
  assert.equal(ring.json.caller.kind, 'unknown');

  const pop = await op.pops.waitFor(callId);
  for (const name of pop.names) assert.match(name, /^unknown number$/i);
  await op.page.waitForURL((u) => u.pathname === `/operator/calls/${callId}`, { timeout: TIMEOUT });
  await w.webhook(answered('e2e-2', '101'));

  const form = op.page.locator('form#new-client');
  await form.waitFor();
  assert.equal(await op.page.locator('#client-card .client-name').count(), 0, 'no client card yet');
  await form.locator('input[name=name]').fill(NAME);
  await form.locator('input[name=company]').fill(COMPANY);
  await form.locator('button[type=submit]').click();

  const cardName = op.page.locator('#client-card .client-name');
  await cardName.waitFor();
  assert.equal((await cardName.textContent()).trim(), NAME);
  assert.equal(await op.page.locator('form#new-client').count(), 0, 'the form is gone');

  // The number now belongs to the new client, for the PBX's lookup and for the call.
  const after = await json(manager, 'GET', `/api/v1/lookup?number=${encodeURIComponent(NUMBER)}`);
  assert.equal(after.kind, 'client');
  assert.equal(after.matches.length, 1);
  assert.equal(after.matches[0].name, NAME);
  assert.equal(after.matches[0].company, COMPANY);
  const call = await json(op.context.request, 'GET', `/api/v1/calls/${callId}`);
  assert.equal(call.caller.client_id, after.matches[0].client_id);
  assert.deepEqual(op.dialogs, []);
  await w.webhook(hangup('e2e-2', 'normal'));
});

test('a number several clients share: the pop says so, the operator chooses the client', async (t) => {
  const shared = '+74997654300';
  const names = ['Склад «Север» — Иванов', 'Склад «Север» — Петрова'];
  const ids = [];
  for (const name of names) {
    ids.push((await json(manager, 'POST', '/api/v1/clients', { data: { name, phones: [shared] }, status: 201 })).id);
  }
  const op = await w.operator(USERS.op103);
  await setPreferences(op.context, { pop_on: 'ring' });
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);

  const ring = await w.webhook(ringing('e2e-2-shared', shared, ['103']));
  const callId = ring.json.events[0].call_id;
  assert.equal(ring.json.caller.kind, 'ambiguous');
  const pop = await op.pops.waitFor(callId);
  await op.page.waitForURL((u) => u.pathname === `/operator/calls/${callId}`, { timeout: TIMEOUT });
  await w.webhook(answered('e2e-2-shared', '103'));

  await t.test('the pop never names one of the clients', () => {
    // The operator would greet the wrong person.
    for (const name of pop.names) {
      assert.match(name, /^several clients share this number$/i, `the pop's name went through ${JSON.stringify(pop.names)}`);
    }
  });

  await t.test('the order screen offers each client; the chosen one is the caller', async () => {
    const choices = op.page.locator('form.choose-client button[name=client_id]');
    await choices.first().waitFor();
    const values = (await choices.evaluateAll((els) => els.map((e) => Number(e.value)))).sort();
    assert.deepEqual(values, [...ids].sort(), 'one button per client with the number');
    await op.page.locator(`form.choose-client button[name=client_id][value="${ids[1]}"]`).click();
    const cardName = op.page.locator('#client-card .client-name');
    await cardName.waitFor();
    assert.equal((await cardName.textContent()).trim(), names[1]);
    const call = await json(op.context.request, 'GET', `/api/v1/calls/${callId}`);
    assert.equal(call.caller.client_id, ids[1]);
  });
  await w.webhook(hangup('e2e-2-shared', 'normal'));
});
