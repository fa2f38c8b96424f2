// The login page: the harness's first check (server, browser, login), and where operators land.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, USERS, TIMEOUT } from '../lib/harness.mjs';

let w;
before(async () => {
  w = await world();
});
after(async () => {
  await w?.close();
});

test('a wrong password keeps the operator on the login page with a message', async () => {
  const context = await w.browser.newContext({ baseURL: w.baseURL });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    for (const sel of ['input[name=login]', 'input[name=password]', 'button[type=submit]']) {
      await page.locator(sel).waitFor({ timeout: TIMEOUT });
    }
    await page.fill('input[name=login]', 'op101');
    await page.fill('input[name=password]', 'not-the-password');
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
      page.click('button[type=submit]'),
    ]);
    assert.equal(resp.status(), 401);
    assert.equal(new URL(page.url()).pathname, '/login');
    // What was typed is kept (the login), the password is not.
    assert.equal(await page.inputValue('input[name=login]'), 'op101');
    assert.equal(await page.inputValue('input[name=password]'), '');
    assert.equal((await context.cookies()).filter((c) => c.name === 'orderline_session').length, 0);
  } finally {
    await context.close();
  }
});

test('an operator who signs in lands on the desk', async () => {
  const { page } = await w.operator(USERS.op101);
  await page.waitForURL((u) => u.pathname === '/desk', { timeout: TIMEOUT });
  await page.locator('#status').waitFor({ state: 'attached' });
});
