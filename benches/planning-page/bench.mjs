// The Planning page's first paint on the large demo, in browser mode: from opening the page to the
// figures table showing the baseline and four scenarios of five changes each (goal, issue 13:
// ≤ 500 ms). Builds the large demo once in a temporary folder (or uses PLANNING_DB), serves it
// with the given binary, and opens the page BENCH_RUNS times (default 5) in headless Chromium.
//
//   npm --prefix ui run build && cargo build --release --bin mlops-portfolio
//   MLOPS_PORTFOLIO_BIN=$CARGO_TARGET_DIR/release/mlops-portfolio node benches/planning-page/bench.mjs

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../tests/e2e/browser/node_modules/playwright-core/index.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const binary = process.env.MLOPS_PORTFOLIO_BIN ?? join(root, 'target/release/mlops-portfolio');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const db = process.env.PLANNING_DB ?? join(mkdtempSync(join(tmpdir(), 'planning-bench-')), 'large.db');
const cli = (...args) => execFileSync(binary, ['--db', db, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

if (!existsSync(db)) {
  console.log(`building the large demo in ${db} …`);
  cli('demo', '--scale', 'large');
}
const year = String(Number(JSON.parse(cli('summary', '--json')).period.key) + 1);
const initiatives = JSON.parse(cli('list', 'initiative', '--json')).map((r) => r.fields.name);
const roles = JSON.parse(cli('list', 'role', '--json')).map((r) => r.fields.name);
const names = ['Bench A', 'Bench B', 'Bench C', 'Bench D'];
const existing = JSON.parse(cli('scenario', 'list', '--json')).map((s) => s.name);
names.forEach((name, n) => {
  if (existing.includes(name)) return;
  cli('scenario', 'new', name);
  for (let k = 0; k < 5; k++) {
    const initiative = initiatives[(n * 5 + k) * 7 % initiatives.length];
    if (k % 2 === 0) cli('scenario', 'add', name, 'hire', `role=${roles[k % roles.length]}`, 'count=2', `start=${year}-03`, `initiative=${initiative}`);
    else cli('scenario', 'add', name, 'spend', `initiative=${initiative}`, 'category=compute', `start=${year}-01`, 'change=-20%');
  }
});

const server = spawn(binary, ['--db', db, 'serve', '--port', '0', '--ui', join(root, 'ui/dist'), '--no-sync']);
const url = await new Promise((ok, fail) => {
  server.stdout.on('data', (chunk) => {
    const found = String(chunk).match(/http:\/\/\S+/);
    if (found) ok(found[0]);
  });
  server.on('exit', (code) => fail(new Error(`serve exited with ${code}`)));
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const hash = `#/planning?period=${year}&scenario=${encodeURIComponent(names[0])}&compare=${names.map(encodeURIComponent).join('|')}`;
const times = [];
for (let run = 0; run < runs; run++) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const started = performance.now();
  await page.goto(url + hash);
  // Painted: the Landing row has the baseline and four scenario cells.
  await page.waitForFunction(() => {
    const row = [...document.querySelectorAll('tr')].find((r) => r.textContent?.startsWith('Landing'));
    return row !== undefined && row.querySelectorAll('td').length === 5;
  }, null, { timeout: 60_000, polling: 'raf' });
  times.push(performance.now() - started);
  // Let the page's later requests (record lists, the changes' own differences) finish, so the next
  // run does not wait behind them.
  await page.waitForTimeout(Number(process.env.BENCH_SETTLE_MS ?? 3000));
  await page.close();
}
await browser.close();
server.kill();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`Planning page, large demo, baseline + 4 scenarios × 5 changes: first paint median ${median.toFixed(0)} ms ` +
  `(min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}, ${runs} runs; goal ≤ 500 ms)`);
