// Issue 4, §1: while the desk's tab is in the background, a pop also raises a desktop
// notification and a short ring, each only when the operator switched it on. The browser's
// Notification and AudioContext are replaced by recorders (a headless browser shows no
// notifications and plays no sound), and the tab is made to look hidden; the desk's own script
// is unchanged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  world, USERS, eventually, openDesk, ensureReady, setPreferences, ringing, hangup, digits,
} from '../lib/harness.mjs';

const NUMBER = '+74951234567'; // a demo client's number

/** Runs in the page before its scripts: records notifications and oscillator starts. */
function recorders() {
  window.__alerts = { notes: [], beeps: 0 };
  window.__hidden = true;
  Object.defineProperty(Document.prototype, 'hidden', { get: () => window.__hidden });
  class FakeNotification {
    static permission = 'granted';
    static requestPermission() {
      return Promise.resolve('granted');
    }
    constructor(title, options) {
      window.__alerts.notes.push({ title, body: options?.body ?? '' });
    }
  }
  window.Notification = FakeNotification;
  class FakeAudioContext {
    get currentTime() {
      return 0;
    }
    get destination() {
      return {};
    }
    createGain() {
      return { gain: {}, connect: (x) => x };
    }
    createOscillator() {
      return {
        frequency: {},
        connect: (x) => x,
        start: () => (window.__alerts.beeps += 1),
        stop: () => {},
      };
    }
  }
  window.AudioContext = FakeAudioContext;
}

let w;
before(async () => {
  w = await world();
});
after(async () => {
  await w?.close();
});

async function deskWith(prefs) {
  const op = await w.operator(USERS.op101);
  await setPreferences(op.context, prefs);
  await op.context.addInitScript(recorders);
  await op.page.goto('/desk');
  await openDesk(op.page);
  await ensureReady(op.page);
  return op;
}

test('a pop in a background tab raises a notification and a ring when both are on', async () => {
  const op = await deskWith({ notify: true, sound: true, pop_on: 'answer' });

  await w.webhook(ringing('alert-1', NUMBER, ['101']));

  const alerts = await eventually(async () => {
    const a = await op.page.evaluate(() => window.__alerts);
    return a.notes.length > 0 && a.beeps > 0 ? a : null;
  }, { what: 'a notification and a ring' });
  assert.equal(alerts.notes.length, 1, 'one notification per call');
  assert.equal(alerts.beeps, 1, 'one ring per call');
  assert.ok(digits(alerts.notes[0].body).endsWith('4951234567'), `the number: ${alerts.notes[0].body}`);
  assert.ok(alerts.notes[0].title.trim().length > 0, 'the caller in the title');
  await w.webhook(hangup('alert-1', 'cancel'));
  await op.context.close();
});

test('no notification or ring when they are off, nor when the tab is in front', async () => {
  const off = await deskWith({ notify: false, sound: false, pop_on: 'answer' });
  await w.webhook(ringing('alert-2', NUMBER, ['101']));
  await off.page.locator('#pops .pop').first().waitFor();
  assert.deepEqual(await off.page.evaluate(() => window.__alerts), { notes: [], beeps: 0 });
  await w.webhook(hangup('alert-2', 'cancel'));
  await off.context.close();

  const front = await deskWith({ notify: true, sound: true, pop_on: 'answer' });
  await front.page.evaluate(() => (window.__hidden = false));
  await w.webhook(ringing('alert-3', NUMBER, ['101']));
  await front.page.locator('#pops .pop').first().waitFor();
  assert.deepEqual(await front.page.evaluate(() => window.__alerts), { notes: [], beeps: 0 });
  await w.webhook(hangup('alert-3', 'cancel'));
});
