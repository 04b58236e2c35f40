// Starting and stopping the processes around a desktop session: Xvfb, tauri-driver (which starts
// WebKitWebDriver, which starts the app, which starts WebKit's helper processes), all by pid.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './webdriver.mjs';
import { freePort } from '../../shared/ports.mjs';

/** The repository root (tests/e2e/desktop/lib → four levels up). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A binary from `envName`, else `fallback` relative to the repo root; absolute, and must exist. */
export function repoBinary(envName, fallback) {
  const chosen = path.resolve(REPO_ROOT, process.env[envName] || fallback);
  if (!existsSync(chosen)) throw new Error(`${chosen} does not exist (set ${envName} or build it first)`);
  return chosen;
}

/** `$TAURI_DRIVER`, else `tauri-driver` on PATH, else ~/.cargo/bin/tauri-driver. */
export function tauriDriverBinary() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const onPath = spawnSync('sh', ['-c', 'command -v tauri-driver'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const cargoBin = path.join(process.env.CARGO_HOME || path.join(homedir(), '.cargo'), 'bin', 'tauri-driver');
  if (existsSync(cargoBin)) return cargoBin;
  throw new Error('tauri-driver not found: `cargo install tauri-driver --locked --version 2.1.0`, or set TAURI_DRIVER');
}

export { freePort };

/**
 * Starts `Xvfb :N -screen 0 1440x900x24` on a free display N and returns `{ display, child }`.
 * N is the first number from 99 up with neither a lock file nor a socket; Xvfb's own lock settles races.
 */
export async function startXvfb({ screen = '1440x900x24', log } = {}) {
  for (let n = 99; n < 199; n++) {
    if (existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`)) continue;
    const child = spawn('Xvfb', [`:${n}`, '-screen', '0', screen, '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let exited = false;
    child.on('exit', () => (exited = true));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !exited) {
      if (existsSync(`/tmp/.X11-unix/X${n}`)) {
        log?.(`Xvfb on :${n} (pid ${child.pid})`);
        return { display: `:${n}`, child };
      }
      await sleep(50);
    }
    if (!exited) {
      await stopProcess(child);
      throw new Error(`Xvfb :${n} did not start in 10 s: ${stderr}`);
    }
    // Lost a race for :n (or it is in use in a way we cannot see); try the next number.
  }
  throw new Error('no free X display between :99 and :198');
}

/** Starts tauri-driver on free ports; returns `{ base, child, output }`. */
/**
 * The environment a desktop app runs in under test: its config, data and caches inside `tmp`, and a
 * display — a new Xvfb when none is set (returned, for the caller to stop; otherwise null).
 */
export async function isolatedDisplayEnv(tmp, log) {
  const env = {
    ...process.env,
    // Keep the app's window state, WebKit caches and the like out of the user's home.
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
    XDG_DATA_HOME: path.join(tmp, 'data'),
    XDG_CACHE_HOME: path.join(tmp, 'cache'),
  };
  let xvfb = null;
  if (!env.DISPLAY) {
    xvfb = await startXvfb({ log });
    env.DISPLAY = xvfb.display;
  }
  return { env, xvfb };
}

export async function startTauriDriver({ env, log } = {}) {
  const binary = tauriDriverBinary();
  const port = await freePort();
  const nativePort = await freePort();
  const child = spawn(binary, ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const keep = (d) => {
    output.push(String(d));
    if (output.length > 400) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  log?.(`tauri-driver ${binary} on port ${port} (native ${nativePort}, pid ${child.pid})`);
  return { base: `http://127.0.0.1:${port}`, child, output };
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 4, after the parenthesised command name (which may contain spaces).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (children first by depth), read from /proc. */
export function descendants(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(entry);
    if (ppid === null) continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const found = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it is gone for our purposes.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Stops `child` and everything below it: SIGTERM to each pid (deepest first), then SIGKILL to any
 * still there after `graceMs`. Pids are collected before the first signal, so orphans are not lost.
 */
export async function stopProcess(child, { graceMs = 3_000 } = {}) {
  if (!child?.pid) return;
  const pids = [...descendants(child.pid).reverse(), child.pid];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await sleep(50);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  // Reap our own child so it does not linger as a zombie.
  if (child.exitCode === null && child.signalCode === null) {
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(2_000)]);
  }
}

/** Runs the CLI; throws with its stderr when it fails. */
export function runCli(bin, args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** SIGKILLs `child` and its descendants at once (for exit and signal handlers, which cannot wait). */
export function stopProcessNow(child) {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  for (const pid of [...descendants(child.pid).reverse(), child.pid]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
