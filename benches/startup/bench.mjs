#!/usr/bin/env node
// Startup benchmark of the desktop app beside an empty Tauri window, measured the same way in the
// same run. See README.md for what "first paint" and "memory" mean here.
//
//   node benches/startup/bench.mjs            (BENCH_RUNS=5 for more runs; default 3 per app)

import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, sleep, waitForDriver } from '../../tests/e2e/desktop/lib/webdriver.mjs';
import {
  REPO_ROOT,
  alive,
  descendants,
  repoBinary,
  runCli,
  startTauriDriver,
  isolatedDisplayEnv,
  stopProcess,
  stopProcessNow,
} from '../../tests/e2e/desktop/lib/processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS || 3);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS || 3000);
const log = (m) => process.stderr.write(`${m}\n`);

const cli = repoBinary('MLOPS_PORTFOLIO_BIN', 'target/debug/mlops-portfolio');
const apps = [
  {
    name: 'mlops-portfolio-desktop',
    binary: repoBinary('MLOPS_PORTFOLIO_DESKTOP_BIN', 'target/debug/mlops-portfolio-desktop'),
    // Rendered = the Overview's "Needs attention" list has its items, i.e. the demo data is on screen.
    ready: "section[aria-labelledby='attention-title'] li",
    args: (db) => ['--db', db],
  },
  {
    name: 'empty-window',
    binary: repoBinary('EMPTY_WINDOW_BIN', 'target/debug/empty-window'),
    ready: '#ready',
    args: () => [],
  },
];

// --- /proc helpers -----------------------------------------------------------------------------

const CLK_TCK = 100; // USER_HZ; /proc/<pid>/stat starttime is in these ticks since boot.

/** Wall-clock epoch ms at which `pid` was exec'd/forked (10 ms resolution). */
function processStartEpochMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const now = Date.now();
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return now - (uptimeS - startTicks / CLK_TCK) * 1000;
}

function statusKb(pid, field) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : 0;
}

function pssKb(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const comm = (pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

/** The app's process: the descendant of tauri-driver running `binary`. */
function findAppPid(driverPid, binary) {
  const want = realpathSync(binary);
  for (const pid of descendants(driverPid)) {
    try {
      if (realpathSync(`/proc/${pid}/exe`) === want) return pid;
    } catch {
      /* gone or not ours */
    }
  }
  return null;
}

/** RSS and PSS of the app and every process below it (WebKitWebProcess, WebKitNetworkProcess, …). */
function memoryOf(appPid) {
  const processes = [appPid, ...descendants(appPid)].filter(alive).map((pid) => ({
    pid,
    name: comm(pid),
    rss_kb: statusKb(pid, 'VmRSS'),
    pss_kb: pssKb(pid),
  }));
  return {
    processes,
    rss_mb: processes.reduce((s, p) => s + p.rss_kb, 0) / 1024,
    pss_mb: processes.reduce((s, p) => s + p.pss_kb, 0) / 1024,
  };
}

// --- one launch --------------------------------------------------------------------------------

async function launch(driver, app, db) {
  const requested = Date.now();
  const session = await Session.open(driver.base, app.binary, app.args(db));
  const opened = Date.now();
  try {
    const pid = findAppPid(driver.child.pid, app.binary);
    if (!pid) throw new Error(`cannot find the process of ${app.binary}`);
    const exec = processStartEpochMs(pid);
    // Poll as fast as WebDriver answers: readyState complete and the app's rendered element present.
    const probe = `return document.readyState === 'complete' && !!document.querySelector(${JSON.stringify(app.ready)})`;
    await session.until(() => session.execute(probe), `${app.name} to render ${app.ready}`, 60_000);
    const rendered = Date.now();
    const paint = await session.execute(`
      const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
      return { origin: performance.timeOrigin, fcp: fcp ? fcp.startTime : null };`);
    await sleep(SETTLE_MS);
    const memory = memoryOf(pid);
    return {
      pid,
      exec_to_session_ms: Math.round(opened - exec),
      exec_to_first_contentful_paint_ms: paint.fcp === null ? null : Math.round(paint.origin + paint.fcp - exec),
      exec_to_rendered_ms: Math.round(rendered - exec),
      request_to_rendered_ms: rendered - requested,
      rss_mb: +memory.rss_mb.toFixed(1),
      pss_mb: +memory.pss_mb.toFixed(1),
      processes: memory.processes,
    };
  } finally {
    await session.close().catch((e) => log(`closing the session: ${e.message}`));
  }
}

// --- main --------------------------------------------------------------------------------------

const median = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

const tmp = mkdtempSync(path.join(tmpdir(), 'mlops-startup-bench-'));
let xvfb;
let driver;
const cleanup = () => [driver?.child, xvfb?.child].forEach(stopProcessNow);
process.once('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => process.exit(130));

try {
  const db = path.join(tmp, 'portfolio.db');
  runCli(cli, ['--db', db, 'demo']);
  const isolated = await isolatedDisplayEnv(tmp, log);
  const env = isolated.env;
  xvfb = isolated.xvfb;
  driver = await startTauriDriver({ env, log });
  await waitForDriver(driver.base);

  const runs = Object.fromEntries(apps.map((a) => [a.name, []]));
  for (let i = 0; i < RUNS; i++) {
    // Alternate the order so neither app always goes first.
    for (const app of i % 2 ? [...apps].reverse() : apps) {
      const r = await launch(driver, app, db);
      runs[app.name].push(r);
      log(`run ${i + 1} ${app.name}: exec→FCP ${r.exec_to_first_contentful_paint_ms} ms, exec→rendered ${r.exec_to_rendered_ms} ms, RSS ${r.rss_mb} MB, PSS ${r.pss_mb} MB`);
      // Let the previous app's processes go before the next launch.
      await sleep(500);
    }
  }

  const summary = Object.fromEntries(
    apps.map((a) => {
      const rs = runs[a.name];
      return [
        a.name,
        {
          exec_to_first_contentful_paint_ms: median(rs.map((r) => r.exec_to_first_contentful_paint_ms)),
          exec_to_rendered_ms: median(rs.map((r) => r.exec_to_rendered_ms)),
          rss_mb: median(rs.map((r) => r.rss_mb)),
          pss_mb: median(rs.map((r) => r.pss_mb)),
        },
      ];
    }),
  );
  const [app, empty] = apps.map((a) => summary[a.name]);
  const ratio = (x, y) => (x && y ? +(x / y).toFixed(2) : null);
  const ratios = {
    rss: ratio(app.rss_mb, empty.rss_mb),
    pss: ratio(app.pss_mb, empty.pss_mb),
    first_contentful_paint: ratio(app.exec_to_first_contentful_paint_ms, empty.exec_to_first_contentful_paint_ms),
  };
  const goals = {
    memory_at_most_1_3x_empty: ratios.rss !== null && ratios.rss <= 1.3,
    first_paint_at_most_1000_ms: app.exec_to_first_contentful_paint_ms !== null && app.exec_to_first_contentful_paint_ms <= 1000,
  };

  const rows = [
    ['', ...apps.map((a) => a.name), 'ratio'],
    ['exec → first contentful paint (ms)', app.exec_to_first_contentful_paint_ms, empty.exec_to_first_contentful_paint_ms, ratios.first_contentful_paint],
    ['exec → rendered (ms)', app.exec_to_rendered_ms, empty.exec_to_rendered_ms, ratio(app.exec_to_rendered_ms, empty.exec_to_rendered_ms)],
    ['RSS, all processes (MB)', app.rss_mb, empty.rss_mb, ratios.rss],
    ['PSS, all processes (MB)', app.pss_mb, empty.pss_mb, ratios.pss],
  ].map((r) => r.map((c) => String(c ?? '—')));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nMedian of ${RUNS} launches each (debug builds, Xvfb, WebDriver session per launch):`);
  for (const r of rows) console.log(r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
  console.log(`goals: memory ≤ 1.3× empty: ${goals.memory_at_most_1_3x_empty ? 'met' : 'NOT met'}; first paint ≤ 1 s: ${goals.first_paint_at_most_1000_ms ? 'met' : 'NOT met'}`);

  const results = {
    date: new Date().toISOString(),
    runs_per_app: RUNS,
    settle_ms: SETTLE_MS,
    method: 'see benches/startup/README.md',
    binaries: Object.fromEntries(apps.map((a) => [a.name, path.relative(REPO_ROOT, a.binary)])),
    display: env.DISPLAY,
    summary,
    ratios,
    goals,
    runs,
  };
  mkdirSync(HERE, { recursive: true });
  writeFileSync(path.join(HERE, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), path.join(HERE, 'results.json'))}`);
} finally {
  if (driver) await stopProcess(driver.child);
  if (xvfb) await stopProcess(xvfb.child);
  rmSync(tmp, { recursive: true, force: true });
}
