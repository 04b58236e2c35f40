import { describe, expect, it } from 'vitest';
import { currencyDigits, formatMoney, minorToDecimal, parseAmount, sumMinor } from './money';

describe('formatMoney', () => {
  it('uses each currency’s minor digits', () => {
    expect(formatMoney(2420800000, 'USD', { locale: 'en-US' })).toBe('$24,208,000.00');
    expect(formatMoney(125000, 'JPY', { locale: 'en-US' })).toBe('¥125,000');
    expect(formatMoney(1234567, 'BHD', { locale: 'en-US' })).toBe('BHD 1,234.567'.replace('BHD ', 'BHD\u00a0'));
  });

  it('formats negative amounts and signed variances', () => {
    expect(formatMoney(-5, 'USD', { locale: 'en-US' })).toBe('-$0.05');
    expect(formatMoney(12345, 'USD', { locale: 'en-US', signed: true })).toBe('+$123.45');
    expect(formatMoney(0, 'USD', { locale: 'en-US', signed: true })).toBe('$0.00');
  });

  it('is exact past the point where a float would round', () => {
    // 2^53 + 1 minor units: a Number cannot hold it, the decimal string can.
    expect(minorToDecimal(9007199254740993n, 2)).toBe('90071992547409.93');
  });

  it('has compact and whole forms for tiles and grids', () => {
    expect(formatMoney(2420800000, 'USD', { locale: 'en-US', compact: true })).toBe('$24.2M');
    expect(formatMoney(125099, 'USD', { locale: 'en-US', whole: true })).toBe('$1,251');
  });

  it('reads generated bigint amounts as well as JSON numbers', () => {
    expect(formatMoney(150n, 'EUR', { locale: 'en-US' })).toBe('€1.50');
  });
});

describe('currencyDigits', () => {
  it('knows the ISO 4217 exponent', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
  });
});

describe('sumMinor', () => {
  it('adds integers exactly and refuses totals it cannot hold', () => {
    expect(sumMinor([10, 20, 30n])).toBe(60);
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(/too large/);
  });
});

describe('parseAmount', () => {
  it('reads what people type into an amount cell', () => {
    expect(parseAmount('1,250.50', 'USD')).toEqual({ ok: true, minor: 125050 });
    expect(parseAmount(' 1250 ', 'USD')).toEqual({ ok: true, minor: 125000 });
    expect(parseAmount('.5', 'USD')).toEqual({ ok: true, minor: 50 });
    expect(parseAmount('-300', 'JPY')).toEqual({ ok: true, minor: -300 });
    expect(parseAmount('$99.99', 'USD')).toEqual({ ok: true, minor: 9999 });
  });

  it('refuses rather than rounds', () => {
    expect(parseAmount('12.345', 'USD')).toMatchObject({ ok: false, message: expect.stringContaining('2 decimal places') });
    expect(parseAmount('1.5', 'JPY')).toMatchObject({ ok: false, message: expect.stringContaining('no minor units') });
    expect(parseAmount('12,5O', 'USD')).toMatchObject({ ok: false, message: expect.stringContaining('not an amount') });
    expect(parseAmount('', 'USD').ok).toBe(false);
    expect(parseAmount('.', 'USD').ok).toBe(false);
  });
});

