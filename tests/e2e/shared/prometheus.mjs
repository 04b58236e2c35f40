// A real Prometheus for the end-to-end suites (browser and desktop), the way the Rust connector
// tests run one (tests/portfolio/prometheus_server.rs): Debian's `prometheus`, loaded with a
// history the test writes — so every value the app shows is known — through
// `promtool tsdb create-blocks-from openmetrics`, serving on a free port with no scraping, and
// stopped by pid (in `after`, and at process exit if `after` never ran).
//
// No npm dependencies: both suites import it (the desktop suite has none at all).

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.mjs';

export const MINUTE = 60;

/** How far back Prometheus looks for a sample at each step of a range query (its default 5 min). */
export const LOOKBACK_SECONDS = 5 * MINUTE;

/**
 * A gauge sampled every minute for `minutes` minutes, the last sample `endsMinutesAgo` whole
 * minutes before the current minute: `[[ts, value], ...]`, `value(i)` for the i-th sample.
 * Ending at least 5 minutes back puts all of Prometheus' lookback repeats (see
 * [`expectedPoints`]) in the past, so a later sync finds nothing new.
 */
export function minuteHistory({ minutes, endsMinutesAgo, value, nowMs = Date.now() }) {
  const thisMinute = Math.floor(nowMs / 1000 / MINUTE) * MINUTE;
  const last = thisMinute - endsMinutesAgo * MINUTE;
  return Array.from({ length: minutes }, (_, i) => [last - (minutes - 1 - i) * MINUTE, value(i)]);
}

/**
 * What a range query at a 1-minute step returns for a history of finite, minute-aligned samples
 * once its range reaches 5 minutes past the last sample: every sample, then the last value
 * repeated at each of the 5 following minutes (Prometheus' lookback; the same rule as
 * `expected_points` in tests/portfolio/prometheus.rs).
 */
export function expectedPoints(history) {
  const [lastTs, lastValue] = history.at(-1);
  const repeats = Array.from({ length: LOOKBACK_SECONDS / MINUTE }, (_, k) => [lastTs + (k + 1) * MINUTE, lastValue]);
  return [...history, ...repeats];
}

/** An OpenMetrics file (ending with `# EOF`) holding one gauge series: `name{labels}` at each point. */
export function gaugeOpenMetrics(name, labels, points) {
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  const lines = [`# TYPE ${name} gauge`, ...points.map(([ts, v]) => `${name}{${labelText}} ${v} ${ts}`), '# EOF', ''];
  return lines.join('\n');
}

function require(program) {
  const found = spawnSync(program, ['--version'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    throw new Error(
      `\`${program}\` is needed by the sync end-to-end tests and was not found: install it with ` +
        '`apt-get install prometheus` (scripts/test does this when run as root)',
    );
  }
}

// Prometheus processes still running when the test process ends without `stop()` (a crash, an
// interrupted run): killed on the way out. A signal exits through `process.exit`, so that these
// and the other `exit` handlers (the suites' servers, apps and displays) run too.
const running = new Map(); // child process → its data folder
process.once('exit', () => {
  for (const [child, dir] of running) {
    try {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort at exit.
    }
  }
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) process.once(signal, () => process.exit(code));

/**
 * Loads `openmetrics` into a new TSDB and starts Prometheus on it, on a free port of 127.0.0.1.
 * Resolves once `/-/ready` answers 200 with `{ url, port, pid, stop, log }`: `stop()` ends the
 * process (SIGTERM, SIGKILL after 5 s), waits for it and removes its data; calling it again does
 * nothing. `log()` is the server's output so far, for failure messages.
 */
export async function startPrometheus(openmetrics, { readyTimeoutMs = 60_000 } = {}) {
  require('promtool');
  require('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'mlops-e2e-prometheus-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const data = join(dir, 'data');
  const input = join(dir, 'history.om');
  writeFileSync(input, openmetrics);
  const blocks = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, data], {
    encoding: 'utf8',
  });
  if (blocks.status !== 0) {
    cleanup();
    throw new Error(`promtool refused the history (${blocks.status}): ${blocks.stderr || blocks.error?.message}`);
  }
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
  const port = await freePort();
  const logFile = join(dir, 'prometheus.log');
  const logFd = openSync(logFile, 'w');
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=3650d',
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  running.set(child, dir);
  const exited = new Promise((done) => child.once('exit', done));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '(the log is gone)';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    cleanup();
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const status = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => null,
    );
    if (status === 200) break;
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const why = child.exitCode !== null || child.signalCode !== null ? `exited (${child.exitCode ?? child.signalCode})` : `was not ready in ${readyTimeoutMs} ms`;
      const output = log();
      await stop();
      throw new Error(`prometheus ${why}; its log:\n${output}`);
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
  return { url, port, pid: child.pid, stop, log };
}

/** The value of an instant query at `time` (seconds), as Prometheus answers it: `[ts, "value"]` or null. */
export async function instantValue(url, query, time) {
  const params = new URLSearchParams({ query, time: String(time) });
  const answer = await (await fetch(`${url}/api/v1/query?${params}`)).json();
  if (answer.status !== 'success') throw new Error(`Prometheus refused ${query}: ${JSON.stringify(answer)}`);
  return answer.data.result[0]?.value ?? null;
}
