// Issue 5, §5: the administration pages, driven the way an administrator would — a new
// operator is added and can log in, a number is blocked and its next call is refused, and a
// PBX source added on the page accepts webhooks with the token it showed once, until the
// secret is rotated.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, USERS, ringing } from '../lib/harness.mjs';

// Sources added on the page need the key that seals their secrets (`[secrets] key`); the
// server started by `world()` inherits this environment.
process.env.ORDERLINE__SECRETS__KEY = '5e'.repeat(32);

let w;
let admin;
before(async () => {
  w = await world();
  admin = await w.operator(USERS.admin);
});
after(async () => {
  await w?.close();
});

/** Posts one generic event to `/webhooks/<source>` with a bearer token; returns the status. */
async function post(source, token, event) {
  const r = await fetch(`${w.baseURL}/webhooks/${source}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(event),
  });
  return r.status;
}

test('an administrator adds an operator, who can then log in to the desk', async () => {
  const { page } = admin;
  await page.goto('/admin/users');
  const form = page.locator('form[action="/admin/users"]');
  await form.locator('input[name=login]').fill('e2e-oper');
  await form.locator('input[name=display_name]').fill('E2E Operator');
  await form.locator('select[name=role]').selectOption('operator');
  await form.locator('input[name=extension]').fill('177');
  await form.locator('input[name=password]').fill('e2e-password-1');
  await form.locator('button[type=submit]').click();
  const row = page.locator('tr', { hasText: 'e2e-oper' });
  await row.waitFor();
  assert.equal(await row.locator('input[name=extension]').inputValue(), '177');

  const operator = await w.operator({ login: 'e2e-oper', password: 'e2e-password-1' });
  assert.ok(!new URL(operator.page.url()).pathname.startsWith('/login'), 'logged in');
  assert.deepEqual(operator.errors, []);
});

test('a number blocked on the page is refused on its next call', async () => {
  const { page } = admin;
  await page.goto('/admin/blocked');
  const form = page.locator('form[action="/admin/blocked"]');
  await form.locator('input[name=number]').fill('+7 999 000-11-22');
  await form.locator('input[name=reason]').fill('spam calls');
  await form.locator('button[type=submit]').click();
  await page.locator('tr', { hasText: '+79990001122' }).waitFor();

  const answer = await w.webhook(ringing('e2e-admin-blocked', '+7 999 000 11 22', ['101']));
  assert.equal(answer.json.events[0].state, 'blocked', JSON.stringify(answer.json));
});

test('a PBX source added on the page takes webhooks with its token until the secret is rotated', async () => {
  const { page } = admin;
  await page.goto('/admin/sources');
  const form = page.locator('form[action="/admin/sources"]');
  await form.locator('input[name=id]').fill('e2e-pbx');
  await form.locator('select[name=format]').selectOption('generic');
  await form.locator('button[type=submit]').click();
  const secrets = page.locator('.admin-secrets');
  await secrets.waitFor();
  assert.match(await secrets.locator('code').first().textContent(), /\/webhooks\/e2e-pbx$/);
  const token = (await secrets.locator('code').nth(1).textContent()).trim();
  assert.ok(token.length >= 32, `a long random token: ${token}`);

  assert.equal(await post('e2e-pbx', token, ringing('e2e-src-1', '+74951112233')), 200);
  assert.equal(await post('e2e-pbx', 'not-the-token', ringing('e2e-src-2', '+74951112233')), 401);

  // Rotating shows a new token once; the old one stops working at once on this instance.
  await page.goto('/admin/sources');
  await page.locator('form[action="/admin/sources/e2e-pbx/rotate"] button').click();
  await page.locator('.admin-secrets').waitFor();
  const rotated = (await page.locator('.admin-secrets code').nth(1).textContent()).trim();
  assert.notEqual(rotated, token);
  assert.equal(await post('e2e-pbx', token, ringing('e2e-src-3', '+74951112233')), 401);
  assert.equal(await post('e2e-pbx', rotated, ringing('e2e-src-4', '+74951112233')), 200);
  assert.deepEqual(admin.errors, []);
});
