// Issue 4, §4, first test: a known client calls; the operator whose phone rings sees the pop
// and the order screen, repeats the client's last order, saves it, logs the outcome — and the
// API then has the call with its outcome and its order. An operator whose phone did not ring
// sees nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  world, USERS, TIMEOUT, json, eventually, openDesk, ensureReady, setPreferences,
  ringing, answered, hangup, digits,
} from '../lib/harness.mjs';

const NUMBER = '+74951234567'; // 8 (495) 123-45-67 in the demo data

let w;
let manager;
let client; // { id, name }
let newest; // the client's last order, from the API
before(async () => {
  w = await world();
  manager = await w.api(USERS.manager);
  const found = await json(manager, 'GET', `/api/v1/lookup?number=${encodeURIComponent(NUMBER)}`);
  assert.equal(found.kind, 'client', `the demo number ${NUMBER} should belong to one client`);
  client = { id: found.matches[0].client_id, name: found.matches[0].name };
  const orders = await json(manager, 'GET', `/api/v1/orders?client_id=${client.id}&limit=100`);
  assert.ok(orders.items.length > 0, `demo client ${client.id} should have orders to repeat`);
  // The client's last order: the newest by date (the demo's ids are not in date order).
  newest = orders.items.reduce((a, b) => (b.created_at > a.created_at ? b : a));
});
after(async () => {
  await w?.close();
});

test('known client: pop, order screen, repeat the last order, outcome — then the API has it all', async () => {
  const op = await w.operator(USERS.op101);
  const other = await w.operator(USERS.op102);
  await setPreferences(op.context, { pop_on: 'ring' });
  await setPreferences(other.context, { pop_on: 'answer' });
  for (const o of [op, other]) {
    await o.page.goto('/desk');
    await openDesk(o.page);
    await ensureReady(o.page);
  }

  // The phone of extension 101 rings.
  const ring = await w.webhook(ringing('e2e-1', NUMBER, ['101']));
  const callId = ring.json.events[0].call_id;
  assert.ok(Number.isInteger(callId), 'the webhook answers the call id');

  // The pop shows who is calling, then the desk opens the order screen by itself (pop_on=ring).
  const pop = await op.pops.waitFor(callId);
  assert.deepEqual(pop.names, [client.name], 'the pop names the client, and only the client');
  assert.equal(digits(pop.number).slice(-10), digits(NUMBER).slice(-10));
  assert.equal(pop.href, `/operator/calls/${callId}`);
  await op.page.waitForURL((u) => u.pathname === `/operator/calls/${callId}`, { timeout: TIMEOUT });
  const cardName = op.page.locator('#client-card .client-name');
  await cardName.waitFor();
  assert.equal((await cardName.textContent()).trim(), client.name);

  await w.webhook(answered('e2e-1', '101'));

  // Repeat the client's last order from the history.
  const last = op.page.locator(`#history .order[data-order-id="${newest.id}"]`);
  await last.waitFor();
  const repeatedId = newest.id;
  const sourceSkus = new Set(newest.lines.map((l) => l.sku));
  await last.locator('a.repeat').click();
  const skus = op.page.locator('form#order-form .line input[name=sku]');
  await eventually(async () => {
    const values = await skus.evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
    return values.length > 0;
  }, { what: 'the order form filled from the repeated order' });
  const filled = await skus.evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
  for (const sku of filled) assert.ok(sourceSkus.has(sku), `${sku} comes from order ${repeatedId}`);
  const qtys = await op.page
    .locator('form#order-form .line input[name=qty]')
    .evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
  assert.equal(qtys.length, filled.length, 'every repeated line has a quantity');

  if (!(await op.page.inputValue('input[name=delivery_address]'))) {
    await op.page.fill('input[name=delivery_address]', 'Москва, ул. Тестовая, 1');
  }
  if (!(await op.page.inputValue('input[name=delivery_date]'))) {
    const d = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await op.page.fill('input[name=delivery_date]', d);
  }
  await op.page.fill('textarea[name=comment]', 'e2e: repeated order');
  await op.page.click('button#save-order');
  await op.page.locator('.flash').first().waitFor();
  assert.match(await op.page.locator('.flash').first().textContent(), /saved/i);
  await op.page.locator('#call-orders .order').first().waitFor();
  assert.equal(await op.page.locator('#call-orders .order').count(), 1);

  // The call ends; the outcome is already "order placed".
  await w.webhook(hangup('e2e-1', 'normal'));
  await op.page.reload();
  const outcome = op.page.locator('form#wrapup select[name=outcome]');
  await outcome.waitFor();
  assert.equal(await outcome.inputValue(), 'order_placed', 'a saved order preselects order_placed');
  await op.page.fill('form#wrapup textarea[name=note]', 'e2e: repeated the usual order');
  await op.page.click('button#save-outcome');
  const saved = op.page.locator('#wrapup-saved');
  await saved.waitFor();
  assert.match(await saved.textContent(), /order placed/i);

  // The API agrees.
  const call = await eventually(async () => {
    const c = await json(op.context.request, 'GET', `/api/v1/calls/${callId}`);
    return c.outcome && c.state === 'completed' ? c : null;
  }, { what: 'the call completed with an outcome' });
  assert.equal(call.outcome.code, 'order_placed');
  assert.equal(call.outcome.note, 'e2e: repeated the usual order');
  assert.equal(call.caller.client_id, client.id);
  assert.equal(call.orders.length, 1);
  assert.equal(call.outcome.order_id, call.orders[0].id);
  const order = await json(manager, 'GET', `/api/v1/orders/${call.orders[0].id}`);
  assert.equal(order.client_id, client.id);
  assert.deepEqual(order.lines.map((l) => l.sku).sort(), [...filled].sort());
  const listed = await json(manager, 'GET', '/api/v1/calls?pbx_call_id=e2e-1');
  assert.deepEqual(listed.items.map((c) => c.id), [callId]);

  // Operator 102's phone did not ring: no pop, still on the desk. A call to 102 does pop
  // there, so the desk was live and the absence above means something.
  assert.equal(other.pops.has(String(callId)), false, 'op102 saw no pop for a call to 101');
  assert.equal(new URL(other.page.url()).pathname, '/desk');
  const ctl = await w.webhook(ringing('e2e-1-control', '+74957770000', ['102']));
  const ctlId = ctl.json.events[0].call_id;
  await other.page.locator(`#pops .pop[data-call-id="${ctlId}"]`).waitFor();
  assert.equal(await other.page.locator(`#pops .pop[data-call-id="${callId}"]`).count(), 0);
  assert.deepEqual(op.dialogs.concat(other.dialogs), []);
  // Answered before it ends: a missed control call would open a task, and its
  // `callback.created` reloads every ready desk 1.5 s later — in the middle of the next test's
  // navigation (seen in CI on PostgreSQL, where the event can reach a desk opened just after).
  await w.webhook(answered('e2e-1-control', '102'));
  await w.webhook(hangup('e2e-1-control'));
});

test('a shared call: both desks pop; when one operator answers the other pop is withdrawn', async () => {
  const a = await w.operator(USERS.op101);
  const b = await w.operator(USERS.op103);
  for (const o of [a, b]) {
    await setPreferences(o.context, { pop_on: 'answer' });
    await o.page.goto('/desk');
    await openDesk(o.page);
    await ensureReady(o.page);
  }
  const ring = await w.webhook(ringing('e2e-1-shared', NUMBER, ['101', '103']));
  const callId = ring.json.events[0].call_id;
  const popA = a.page.locator(`#pops .pop[data-call-id="${callId}"]`);
  const popB = b.page.locator(`#pops .pop[data-call-id="${callId}"]`);
  await popA.waitFor();
  await popB.waitFor();
  assert.equal((await popB.locator('.pop-name').textContent()).trim(), client.name);

  // 103 answers: 103's desk opens the order screen (pop_on=answer), 101's pop goes away.
  await w.webhook(answered('e2e-1-shared', '103'));
  await b.page.waitForURL((u) => u.pathname === `/operator/calls/${callId}`, { timeout: TIMEOUT });
  await popA.waitFor({ state: 'detached' });
  assert.equal(new URL(a.page.url()).pathname, '/desk', '101 stays on the desk');

  await w.webhook(hangup('e2e-1-shared', 'normal'));
});

/**
 * Demo client 2, whose orders were not entered in date order (the demo's ids are not), calls
 * op102 (pop_on=ring); returns the order screen and the client's orders, newest first by date.
 */
async function client2Calls(callKey) {
  const other = await json(manager, 'GET', '/api/v1/clients/2');
  const number = other.phones[0].number;
  const orders = (await json(manager, 'GET', '/api/v1/orders?client_id=2&limit=100')).items;
  assert.ok(orders.length >= 2, 'demo client 2 has several orders');
  const byDate = [...orders].sort((a, b) => b.created_at - a.created_at);
  const op = await w.operator(USERS.op102);
  await setPreferences(op.context, { pop_on: 'ring' });
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);
  const ring = await w.webhook(ringing(callKey, number, ['102']));
  const callId = ring.json.events[0].call_id;
  await op.page.waitForURL((u) => u.pathname === `/operator/calls/${callId}`, { timeout: TIMEOUT });
  await w.webhook(answered(callKey, '102'));
  await op.page.locator('#history .order[data-order-id]').first().waitFor();
  return { op, byDate };
}

const day = (o) => `#${o.id} ${new Date(o.created_at).toISOString().slice(0, 10)}`;

test('the history lists the newest orders first (by date)', async () => {
  const { op, byDate } = await client2Calls('e2e-1-history');
  const shown = op.page.locator('#history .order[data-order-id]');
  const ids = await shown.evaluateAll((els) => els.map((e) => Number(e.dataset.orderId)));
  const byId = new Map(byDate.map((o) => [o.id, o]));
  assert.deepEqual(
    ids,
    byDate.slice(0, ids.length).map((o) => o.id),
    `shown: ${ids.map((id) => day(byId.get(id))).join(', ')}; newest by date: ${byDate.slice(0, ids.length).map(day).join(', ')}`,
  );
  await w.webhook(hangup('e2e-1-history', 'normal'));
});

test('the key r repeats the newest order', async () => {
  const { op, byDate } = await client2Calls('e2e-1-keys');
  const newest = byDate[0];
  const sourceSkus = new Set(newest.lines.map((l) => l.sku));
  await op.page.evaluate(() => document.activeElement && document.activeElement.blur());
  await op.page.keyboard.press('r');
  const skus = op.page.locator('form#order-form .line input[name=sku]');
  const filled = await eventually(async () => {
    const v = await skus.evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
    return v.length ? v : null;
  }, { what: 'the key r fills the order form' });
  const repeated = new URL(op.page.url()).searchParams.get('repeat');
  for (const sku of filled) {
    assert.ok(sourceSkus.has(sku), `${sku} comes from the newest order ${day(newest)} (the page repeated #${repeated})`);
  }
  await w.webhook(hangup('e2e-1-keys', 'normal'));
});

test('a call that rings while the desk is still connecting pops once the stream is open', async () => {
  const op = await w.operator(USERS.op101);
  await setPreferences(op.context, { pop_on: 'answer' });
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);

  // Hold the next stream request: the page is built, its stream not yet open.
  let requested;
  const asked = new Promise((r) => (requested = r));
  let release;
  const held = new Promise((r) => (release = r));
  await op.page.route('**/api/v1/events**', async (route) => {
    requested();
    await held;
    await route.continue();
  });
  await op.page.reload();
  await asked;
  assert.equal(await op.page.locator('#live').getAttribute('data-state'), 'connecting');

  const ring = await w.webhook(ringing('e2e-loading', '+74957771111', ['101']));
  const callId = ring.json.events[0].call_id;
  release();

  const pop = await op.pops.waitFor(callId);
  assert.equal(pop.path, '/desk');
  assert.equal(await op.page.locator(`#pops .pop[data-call-id="${callId}"]`).count(), 1, 'one pop');
  await op.page.unroute('**/api/v1/events**');
  await w.webhook(hangup('e2e-loading', 'cancel'));
  await op.page.locator(`#pops .pop[data-call-id="${callId}"]`).waitFor({ state: 'detached' });
});
