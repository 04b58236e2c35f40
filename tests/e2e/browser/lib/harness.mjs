// What every browser test file needs: a fresh portfolio file made with the CLI, its own
// `mlops-portfolio serve --port 0` (stopped in `after`, also when a test fails), a headless
// Debian chromium, and a screenshot per test in `artifacts/`.
//
// `MLOPS_PORTFOLIO_BIN` (default `target/debug/mlops-portfolio`) and `MLOPS_PORTFOLIO_UI` (default
// `ui/dist`) may be absolute or relative to the repository root; `CHROMIUM` overrides
// `/usr/bin/chromium`.

import { after, before, test } from 'node:test';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const suiteDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(suiteDir, '../../..');
export const artifactsDir = join(suiteDir, 'artifacts');

const fromRoot = (path) => (isAbsolute(path) ? path : resolve(repoRoot, path));
export const binary = fromRoot(process.env.MLOPS_PORTFOLIO_BIN ?? 'target/debug/mlops-portfolio');
export const uiDir = fromRoot(process.env.MLOPS_PORTFOLIO_UI ?? 'ui/dist');

/** How long one Playwright action or expectation may wait. */
export const ACTION_TIMEOUT = 15_000;

/** A new, empty temporary directory, removed when the process exits. */
export function tempDir(prefix = 'mlops-e2e-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the CLI on `db`; returns stdout, or parsed JSON when `--json` is among the arguments. */
export async function cli(db, ...args) {
  if (!existsSync(binary)) throw new Error(`the binary is missing at ${binary}: build it with \`cargo build\` or set MLOPS_PORTFOLIO_BIN`);
  try {
    const { stdout } = await run(binary, ['--db', db, ...args], { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
    return args.includes('--json') ? JSON.parse(stdout) : stdout;
  } catch (error) {
    throw new Error(`\`mlops-portfolio --db ${db} ${args.join(' ')}\` failed: ${error.stderr || error.message}`);
  }
}

/**
 * Starts `serve --port 0` on `db` and resolves with the URL it prints (`http://127.0.0.1:PORT/?token=...`).
 * The returned `stop()` ends the process and waits for it.
 */
export async function startServer(db) {
  for (const [what, path] of [
    ['binary (build it with `cargo build`)', binary],
    ['built UI (build it with `npm --prefix ui run build`)', join(uiDir, 'index.html')],
  ]) {
    if (!existsSync(path)) throw new Error(`the ${what} is missing at ${path}`);
  }
  const child = spawn(binary, ['--db', db, 'serve', '--port', '0', '--ui', uiDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((done) => child.once('exit', done));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));

  let output = '';
  const url = await new Promise((found, failed) => {
    const timer = setTimeout(() => failed(new Error(`the server printed no URL within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        found(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', read);
    child.stderr.setEncoding('utf8').on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      failed(new Error(`the server exited (${code ?? signal}) before printing its URL:\n${output}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return { url, origin: new URL(url).origin, token: new URL(url).searchParams.get('token'), stop };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * One test file's world: in `before`, a portfolio made by `prepare(db)` (CLI calls), its server
 * and a browser page on it; in `after`, all of it stopped and removed, whatever happened.
 * Read `session.page`, `session.server`, `session.db` inside tests.
 */
export function useSession({ prepare = async () => {}, viewport = { width: 1440, height: 900 }, setupTimeout = 60_000 } = {}) {
  const session = { db: '', dir: '', server: null, browser: null, context: null, page: null, requests: [], pageErrors: [] };
  before(
    async () => {
      session.dir = tempDir();
      session.db = join(session.dir, 'portfolio.db');
      await prepare(session.db, session);
      session.server = await startServer(session.db);
      session.browser = await launchBrowser();
      session.context = await session.browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
      session.context.setDefaultTimeout(ACTION_TIMEOUT);
      session.page = await session.context.newPage();
      session.page.on('request', (request) => session.requests.push(request.url()));
      session.page.on('pageerror', (error) => session.pageErrors.push(error.message));
      await session.page.goto(session.server.url);
    },
    { timeout: setupTimeout },
  );
  after(async () => {
    await session.browser?.close().catch(() => {});
    await session.server?.stop();
    if (session.dir) rmSync(session.dir, { recursive: true, force: true });
  });
  return session;
}

/** Saves what the page shows as `artifacts/<name>.png`. */
export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

/** A test that saves `artifacts/<slug>.png` when it ends, passed or failed. */
export function browserTest(session, slug, name, body, { timeout = 60_000 } = {}) {
  test(name, { timeout }, async (t) => {
    try {
      await body(t);
    } finally {
      if (session.page) await screenshot(session.page, slug).catch(() => {});
    }
  });
}

/** Goes to a page of the app by its hash route (`#/initiatives`) and waits for its heading. */
export async function openPage(page, hash, heading) {
  await page.evaluate((h) => (location.hash = h), hash);
  if (heading) await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

/**
 * Retries `check` (which asserts) until it passes or `timeout` ms have gone, then throws its last
 * error: playwright-core has no `expect`, and the UI updates after its requests answer.
 */
export async function eventually(check, timeout = ACTION_TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
}

/** The text of each cell of a row (gridcells only; the row header is left out), trimmed. */
export async function cellTexts(row) {
  return (await row.getByRole('gridcell').allInnerTexts()).map((text) => text.trim());
}

// Children and temporary directories still around if the process ends without `after` running.
const cleanups = [];
process.once('exit', () => {
  for (const clean of cleanups) {
    try {
      clean();
    } catch {
      // Best effort at exit.
    }
  }
});
