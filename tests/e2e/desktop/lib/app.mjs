// One desktop test file's world: a portfolio in a temp dir made with the CLI, then the real app on it
// (Xvfb when no DISPLAY, tauri-driver, WebKitWebDriver) for the tests of a `describe`, and all of it
// stopped by pid in `after` — also when a test fails, and on SIGINT/SIGTERM/exit.

import { after, before } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, waitForDriver } from './webdriver.mjs';
import { isolatedDisplayEnv, repoBinary, runCli, startTauriDriver, stopProcess, stopProcessNow } from './processes.mjs';

export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');
export const log = (message) => process.stderr.write(`# ${message}\n`);

/**
 * Registers the `before`/`after` pair. `prepare({ cli, db, tmp })` runs first (CLI calls on the new
 * portfolio file `db`); `cleanup()` runs last in `after`, for whatever `prepare` started. Read
 * `app.session`, `app.db`, `app.cli` (runs the CLI on `db`) inside tests.
 */
export function useDesktopApp({ prepare = () => {}, cleanup = async () => {} } = {}) {
  const cliBinary = repoBinary('MLOPS_PORTFOLIO_BIN', 'target/debug/mlops-portfolio');
  const desktop = repoBinary('MLOPS_PORTFOLIO_DESKTOP_BIN', 'target/debug/mlops-portfolio-desktop');
  const app = {
    tmp: '',
    db: '',
    session: null,
    cli: (...args) => runCli(cliBinary, ['--db', app.db, ...args]),
    screenshot: (name) => screenshot(app.session, name),
    step: (name, body) => step(app.session, name, body),
  };
  let xvfb;
  let driver;

  // If the runner is interrupted, `after` may not run: stop what we started on the way out.
  const onSignal = (signal) => {
    for (const child of [driver?.child, xvfb?.child]) stopProcessNow(child);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => [driver?.child, xvfb?.child].forEach(stopProcessNow));

  before(async () => {
    app.tmp = mkdtempSync(path.join(tmpdir(), 'mlops-desktop-e2e-'));
    app.db = path.join(app.tmp, 'portfolio.db');
    await prepare(app);

    const isolated = await isolatedDisplayEnv(app.tmp, log);
    xvfb = isolated.xvfb;
    driver = await startTauriDriver({ env: isolated.env, log });
    try {
      await waitForDriver(driver.base);
      app.session = await Session.open(driver.base, desktop, ['--db', app.db]);
    } catch (e) {
      log(`tauri-driver output:\n${driver.output.join('')}`);
      throw e;
    }
    log(`session ${app.session.id} on ${desktop} --db ${app.db}`);
  });

  after(async () => {
    // Each step on its own: a failure in one must not leave the others running.
    if (app.session) await app.session.close().catch((e) => log(`closing the session: ${e.message}`));
    if (driver) await stopProcess(driver.child); // tauri-driver, WebKitWebDriver, the app, WebKit helpers
    if (xvfb) await stopProcess(xvfb.child);
    await cleanup().catch((e) => log(`cleaning up: ${e.message}`));
    if (app.tmp && !process.env.E2E_KEEP_TMP) rmSync(app.tmp, { recursive: true, force: true });
    else if (app.tmp) log(`kept ${app.tmp}`);
  });

  return app;
}

/** Saves a screenshot of the window to artifacts/NAME.png; never fails the test by itself. */
export async function screenshot(session, name) {
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    writeFileSync(file, await session.screenshot());
    log(`screenshot ${path.relative(process.cwd(), file)}`);
  } catch (e) {
    log(`screenshot ${name} failed: ${e.message}`);
  }
}

/** Runs `body`; on failure saves `failure-NAME.png` and logs the page's text before rethrowing. */
export async function step(session, name, body) {
  try {
    await body();
  } catch (e) {
    if (session) {
      await screenshot(session, `failure-${name}`);
      const text = await session.execute('return document.body.innerText').catch(() => '(no page text)');
      log(`page text at failure:\n${String(text).slice(0, 2000)}`);
    }
    throw e;
  }
}
