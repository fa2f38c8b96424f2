#!/usr/bin/env node
// Runs the browser tests: builds the debug binary, then runs tests/*.test.mjs with Node's
// built-in test runner, one file at a time (each file starts its own orderline server with a
// fresh database and its own headless Chromium).
//
//   node e2e/run.mjs                          # every test, SQLite
//   node e2e/run.mjs e2e/tests/known-client.test.mjs   # some files
//   E2E_DATABASE_URL=postgres://orderline_ci:orderline_ci@127.0.0.1:5432/postgres node e2e/run.mjs
//   E2E_SKIP_BUILD=1 …                        # use the binary as it is
//
// See lib/harness.mjs for the other environment variables.

import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { E2E_DIR, REPO, binaryPath, logDir } from './lib/harness.mjs';

const started = Date.now();

if (!process.env.E2E_SKIP_BUILD) {
  console.log('==> cargo build --bin orderline');
  const b = spawnSync('cargo', ['build', '--locked', '--bin', 'orderline'], { cwd: REPO, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const bin = binaryPath();
if (!existsSync(bin)) {
  console.error(`no orderline binary at ${bin} (set ORDERLINE_BIN or CARGO_TARGET_DIR)`);
  process.exit(1);
}
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`no browser at ${chromium}: apt-get install chromium (never a downloaded browser)`);
  process.exit(1);
}

let files = process.argv.slice(2);
if (!files.length) {
  files = readdirSync(join(E2E_DIR, 'tests'))
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => join('tests', f));
}
// A path as given (from the current directory), or relative to e2e/.
files = files.map((f) => (existsSync(resolve(f)) ? resolve(f) : resolve(E2E_DIR, f)));

const db = process.env.E2E_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
console.log(`==> ${files.length} browser test file(s) on ${db}, ${chromium}, ${bin}`);
const r = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${process.env.E2E_CONCURRENCY || 1}`, '--test-reporter=spec', ...files],
  { cwd: E2E_DIR, stdio: 'inherit', env: { ...process.env, ORDERLINE_BIN: bin } },
);
console.log(`==> browser tests finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (r.status !== 0) console.log(`the servers' logs, one per test file: ${logDir()}`);
process.exit(r.status ?? 1);
