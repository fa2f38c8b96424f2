// Issue 5, §5: an administrator adds an operator on the administration page (a bad extension
// first: the form comes back with the error and what was typed), the new operator can sign
// in; the administrator deactivates them and they no longer can. A manager sees the retention
// page but not the user list.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, USERS, login } from '../lib/harness.mjs';

let w;
before(async () => {
  w = await world();
});
after(async () => {
  await w?.close();
});

test('admin: add a user with a form error first, sign in as them, deactivate them', async () => {
  const admin = await w.operator(USERS.admin);
  const page = admin.page;
  await page.goto('/admin/users');
  await page.fill('form[action="/admin/users"] input[name=login]', 'e2e.op');
  await page.fill('form[action="/admin/users"] input[name=display_name]', 'E2E Operator');
  await page.fill('form[action="/admin/users"] input[name=extension]', '1');
  await page.fill('form[action="/admin/users"] input[name=password]', 'e2e secret 1');
  await page.click('form[action="/admin/users"] button[type=submit]');
  const error = page.locator('.admin-error');
  await error.waitFor();
  assert.match(await error.textContent(), /extension/);
  assert.equal(await page.inputValue('form[action="/admin/users"] input[name=login]'), 'e2e.op');

  await page.fill('form[action="/admin/users"] input[name=extension]', '177');
  await page.fill('form[action="/admin/users"] input[name=password]', 'e2e secret 1');
  await Promise.all([
    page.waitForURL((u) => u.search.includes('done=created')),
    page.click('form[action="/admin/users"] button[type=submit]'),
  ]);
  const row = page.locator('tr', { hasText: 'e2e.op' });
  await row.waitFor();

  const newcomer = await w.browser.newContext({ baseURL: w.baseURL });
  const p2 = await newcomer.newPage();
  await login(p2, { login: 'e2e.op', password: 'e2e secret 1' });
  assert.ok(!new URL(p2.url()).pathname.startsWith('/login'), 'the new operator signs in');
  await newcomer.close();

  await row.locator('input[name=active]').uncheck();
  await Promise.all([
    page.waitForURL((u) => u.search.includes('done=saved')),
    row.locator('button', { hasText: 'Save' }).click(),
  ]);
  const again = await w.browser.newContext({ baseURL: w.baseURL });
  const p3 = await again.newPage();
  await p3.goto('/login');
  await p3.fill('input[name=login]', 'e2e.op');
  await p3.fill('input[name=password]', 'e2e secret 1');
  await p3.click('button[type=submit]');
  await p3.waitForLoadState();
  assert.ok(new URL(p3.url()).pathname.startsWith('/login'), 'a deactivated user cannot sign in');
  await again.close();
  assert.deepEqual(admin.errors, []);
});

test('manager: retention page yes, users no', async () => {
  const m = await w.operator(USERS.manager);
  const ok = await m.page.goto('/admin/retention');
  assert.equal(ok.status(), 200);
  assert.match(await m.page.locator('h1').textContent(), /Retention/);
  const no = await m.page.goto('/admin/users');
  assert.equal(no.status(), 403);
});
