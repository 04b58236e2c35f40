// A very small W3C WebDriver client over plain `fetch`: just what the desktop suite and the startup
// benchmark need. tauri-driver proxies these calls to WebKitWebDriver.

export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} -> HTTP ${status}: ${value?.error ?? ''} ${value?.message ?? JSON.stringify(value)}`);
    this.status = status;
    this.error = value?.error;
  }
}

/** One WebDriver request; returns the response's `value`. */
export async function request(base, method, path, body, timeoutMs = 60_000) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { value: { error: 'invalid json', message: text.slice(0, 500) } };
  }
  if (!res.ok) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}

/** Polls `GET /status` until the driver answers ready. */
export async function waitForDriver(base, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const status = await request(base, 'GET', '/status', undefined, 2_000);
      if (status?.ready !== false) return status;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`WebDriver at ${base} did not come up in ${timeoutMs} ms: ${last?.message ?? 'not ready'}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Session {
  /** Opens a session on a Tauri app: `application` is the binary, `args` its command line. */
  static async open(base, application, args = []) {
    const value = await request(
      base,
      'POST',
      '/session',
      { capabilities: { alwaysMatch: { 'tauri:options': { application, args } } } },
      120_000,
    );
    return new Session(base, value.sessionId);
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, path, body, timeoutMs) {
    return request(this.base, method, `/session/${this.id}${path}`, body, timeoutMs);
  }

  async close() {
    await this.cmd('DELETE', '', undefined, 20_000);
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page and returns its result. */
  execute(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Finds elements by XPath (optionally under `parent`); [] when there are none. */
  async findAll(xpath, parent) {
    const path = parent ? `/element/${parent}/elements` : '/elements';
    const found = await this.cmd('POST', path, { using: 'xpath', value: xpath });
    return found.map((e) => e[ELEMENT]);
  }

  /** Waits until `xpath` matches a displayed element and returns the first such one. */
  async waitFor(xpath, { timeoutMs = 20_000, parent } = {}) {
    return this.until(async () => {
      for (const id of await this.findAll(xpath, parent)) {
        if (await this.cmd('GET', `/element/${id}/displayed`).catch(() => false)) return id;
      }
      return null;
    }, `a displayed element matching ${xpath}`, timeoutMs);
  }

  /** Polls `probe` until it returns something truthy. */
  async until(probe, what, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (e) {
        lastError = e;
      }
      await sleep(100);
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
  }

  click(id) {
    return this.cmd('POST', `/element/${id}/click`, {});
  }

  async clear(id) {
    await this.cmd('POST', `/element/${id}/clear`, {});
  }

  type(id, text) {
    return this.cmd('POST', `/element/${id}/value`, { text });
  }

  text(id) {
    return this.cmd('GET', `/element/${id}/text`);
  }

  attribute(id, name) {
    return this.cmd('GET', `/element/${id}/attribute/${encodeURIComponent(name)}`);
  }

  url() {
    return this.cmd('GET', '/url');
  }

  /** A PNG of the window, as a Buffer, taken after the page has painted two more frames. */
  async screenshot() {
    await this.cmd('POST', '/execute/async', {
      script: 'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
      args: [],
    }).catch(() => {});
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }
}

/** An XPath string literal for any text (handles both quote kinds). */
export function xpathLiteral(text) {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `concat('${text.split("'").join(`', "'", '`)}')`;
}
