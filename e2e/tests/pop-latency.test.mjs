// Issue 4, §4: the time from the webhook's 200 to the pop on the operator's desk, in a real
// browser. N ringing calls, one at a time; for each, the time the 200 arrived (Date.now() in
// Node) and the pop's data-shown-at (Date.now() in the page when the desk inserted it), on
// the same machine's clock. A pop inserted before the 200 arrived counts as 0.
//
// No timing assertion (the machine is shared): the test fails only if a pop does not arrive.
// The figures are printed and written to target/e2e-logs/pop-latency.json; docs/BENCHMARKS.md
// records a run.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  world, USERS, openDesk, ensureReady, setPreferences, ringing, hangup, percentile, logDir,
} from '../lib/harness.mjs';

const N = Number(process.env.E2E_POPS || 30);
const NUMBER = '+74951234567';

let w;
before(async () => {
  w = await world();
});
after(async () => {
  await w?.close();
});

test(`pop latency: ${N} ringing calls, every pop arrives`, async () => {
  const op = await w.operator(USERS.op101);
  await setPreferences(op.context, { pop_on: 'answer' }); // the desk stays put
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);

  // One call first to warm up (connections, the page's first event); not counted.
  const samples = [];
  for (let i = 0; i <= N; i++) {
    const id = `e2e-lat-${i}`;
    const { at, json } = await w.webhook(ringing(id, NUMBER, ['101']));
    const callId = json.events[0].call_id;
    const pop = op.page.locator(`#pops .pop[data-call-id="${callId}"]`);
    await pop.waitFor({ timeout: 10_000 });
    const shownAt = Number(await pop.getAttribute('data-shown-at'));
    assert.ok(Number.isFinite(shownAt) && shownAt > 0, `pop ${callId} has data-shown-at (${shownAt})`);
    if (i > 0) samples.push(Math.max(0, shownAt - at));
    // End the call and let its pop go, so that the desk has one pop at a time.
    await w.webhook(hangup(id, 'cancel'));
    await pop.waitFor({ state: 'detached', timeout: 10_000 });
  }
  assert.equal(samples.length, N);

  const sorted = [...samples].sort((a, b) => a - b);
  const result = {
    n: N,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    max_ms: sorted[sorted.length - 1],
    mean_ms: Math.round((samples.reduce((a, b) => a + b, 0) / N) * 10) / 10,
    database: process.env.E2E_DATABASE_URL ? 'postgresql' : 'sqlite',
    samples_ms: samples,
    at: new Date().toISOString(),
  };
  console.log(
    `pop latency (webhook 200 → pop inserted), n=${N}, ${result.database}: ` +
      `p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms, max ${result.max_ms} ms, mean ${result.mean_ms} ms`,
  );
  writeFileSync(join(logDir(), 'pop-latency.json'), JSON.stringify(result, null, 2));
  assert.deepEqual(op.dialogs, []);
});
