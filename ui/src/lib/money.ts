// Money is an integer count of minor units with an ISO 4217 currency, as in the core. Sums stay
// integers; only formatting turns them into text, through an exact decimal string (never a float).

/** What the UI accepts for a minor-unit count: JSON gives numbers; generated i64 types say bigint. */
export type Minor = number | bigint;

const digitsCache = new Map<string, number>();
const formatterCache = new Map<string, Intl.NumberFormat>();

/** Minor-unit digits of a currency: USD 2, JPY 0, BHD 3. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** `123456, 2` → `"1234.56"`; `-5, 2` → `"-0.05"`; exact for any integer. */
export function minorToDecimal(minor: Minor, digits: number): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export interface MoneyFormat {
  /** BCP 47 locale; the OS's when absent. */
  locale?: string;
  /** `$24.2M` instead of `$24,208,000.00`, for tiles and chart axes. */
  compact?: boolean;
  /** Drop the minor digits (`$1,250`) where cents are noise, such as a budget grid. */
  whole?: boolean;
  /** `+$1.00` for gains; variances use it. */
  signed?: boolean;
}

/** The OS's locale, or US English where the OS reports none usable (a bare `C`/`POSIX` environment,
 * as on servers and CI machines, would otherwise print amounts without thousands separators). */
function systemLocale(): string {
  const language = typeof navigator === 'undefined' ? '' : navigator.language;
  return !language || /^(c|posix)([._-].*)?$/i.test(language) ? 'en-US' : language;
}

function formatter(currency: string, options: MoneyFormat): Intl.NumberFormat {
  const key = `${options.locale ?? ''}|${currency}|${options.compact ? 'c' : ''}${options.whole ? 'w' : ''}${options.signed ? 's' : ''}`;
  let cached = formatterCache.get(key);
  if (!cached) {
    const digits = currencyDigits(currency);
    cached = new Intl.NumberFormat(options.locale ?? systemLocale(), {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      signDisplay: options.signed ? 'exceptZero' : 'auto',
      ...(options.compact
        ? { notation: 'compact', maximumFractionDigits: 1, minimumFractionDigits: 0 }
        : options.whole
          ? { maximumFractionDigits: 0, minimumFractionDigits: 0 }
          : { maximumFractionDigits: digits, minimumFractionDigits: digits }),
    });
    formatterCache.set(key, cached);
  }
  return cached;
}

/** Formats `minor` units of `currency`: `formatMoney(2420800000, 'USD')` → `$24,208,000.00`. */
export function formatMoney(minor: Minor, currency: string, options: MoneyFormat = {}): string {
  const decimal = minorToDecimal(minor, currencyDigits(currency));
  // Intl formats a decimal string exactly (ES2023); older engines read it as a Number, which is
  // still exact to the cent below 2^53 minor units.
  return formatter(currency, options).format(decimal as unknown as number);
}

/** Adds minor-unit counts as integers; throws rather than lose precision past 2^53. */
export function sumMinor(values: Iterable<Minor>): number {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  const result = Number(total);
  if (!Number.isSafeInteger(result)) throw new RangeError(`a total of ${total} minor units is too large to show exactly`);
  return result;
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/**
 * Reads what a person typed into an amount cell: `1,250.50`, `1250`, `-300`, `1 250,5` is refused
 * (one decimal point, commas group). More fraction digits than the currency has is an error, never
 * a silent rounding.
 */
export function parseAmount(text: string, currency: string): ParsedAmount {
  const digits = currencyDigits(currency);
  const cleaned = text.trim().replace(/[\s_]/g, '').replace(/^\p{Sc}/u, '').replace(/,/g, '');
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(cleaned);
  if (!cleaned || !match || (match[2] === '' && (match[3] ?? '') === '')) {
    return { ok: false, message: `\`${text.trim()}\` is not an amount; write it like 1,250.00` };
  }
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > digits) {
    return {
      ok: false,
      message:
        digits === 0
          ? `${currency} has no minor units; write a whole number`
          : `${currency} has ${digits} decimal places; \`${text.trim()}\` has ${fraction.length}`,
    };
  }
  const minor = BigInt(`${whole || '0'}${fraction.padEnd(digits, '0')}`) * (sign ? -1n : 1n);
  const result = Number(minor);
  if (!Number.isSafeInteger(result)) return { ok: false, message: `\`${text.trim()}\` is too large` };
  return { ok: true, minor: result === 0 ? 0 : result };
}

/** `"1.08"` → `{ units: 108n, scale: 100n }`, or null when it is not a plain positive decimal. */
function parseRate(rate: string): { units: bigint; scale: bigint } | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  return { units: BigInt(`${match[1]}${fraction}`), scale: 10n ** BigInt(fraction.length) };
}

/** Divides with ties to even, as the core's `MidpointNearestEven`. */
function divideRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

