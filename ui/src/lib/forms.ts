// Record forms: field descriptions, turning typed text into the JSON the record commands take,
// checks made before sending, and placing the backend's `{code, message}` next to its field.

import type { EntityKind, JsonValue } from './backend';
import { currencyDigits, minorToDecimal, parseAmount } from './money';

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'select'
  | 'integer'
  | 'number'
  | 'month'
  | 'date'
  | 'money'
  | 'list'
  | 'ref'
  | 'bool'
  /** A question answered yes or no, or not yet: `true`, `false` or null. */
  | 'yes-no'
  /** Free text, offered the names of the people on the team (an owner, a reviewer). */
  | 'person-name';

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  /** For `select`: value and label. */
  options?: readonly { value: string; label: string }[];
  /** For `ref`: the kind of record it points at; the form offers those records by name. */
  target?: EntityKind;
  placeholder?: string;
  /** Help under the field. */
  hint?: string;
  /** Takes the form's full width (a long name); text areas always do. */
  wide?: boolean;
}

/** What the inputs hold: text for everything but checkboxes. */
export type FormValues = Record<string, string | boolean>;

/**
 * A stored value as input text. Money in the form's currency shows as `1250.00`; in another
 * currency it keeps its code, `1250.00 EUR`, as the backend reads it.
 */
export function toInput(spec: FieldSpec, value: JsonValue | undefined, currency = 'USD'): string | boolean {
  if (spec.kind === 'bool') return value === true;
  if (value === null || value === undefined) return '';
  if (spec.kind === 'yes-no') return value === true ? 'yes' : 'no';
  if (spec.kind === 'money' && typeof value === 'object' && !Array.isArray(value)) {
    const code = String(value.currency ?? currency);
    const amount = minorToDecimal(value.minor as number, currencyDigits(code));
    return code === currency ? amount : `${amount} ${code}`;
  }
  if (spec.kind === 'list' && Array.isArray(value)) return value.join(', ');
  return String(value);
}

export type Converted = { ok: true; value: JsonValue } | { ok: false; message: string };

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** `1,250.00 EUR` → [`1,250.00`, `EUR`]; `1250` → [`1250`, null]. The backend splits the same way. */
export function splitCurrency(text: string): [string, string | null] {
  const match = /^(.*\S)\s+([A-Za-z]+)$/.exec(text.trim());
  return match ? [match[1] ?? '', (match[2] ?? '').toUpperCase()] : [text.trim(), null];
}

/** Input text as JSON for the backend; `currency` is what money is in when the text names none. */
export function fromInput(spec: FieldSpec, input: string | boolean, currency: string): Converted {
  if (spec.kind === 'bool') return { ok: true, value: input === true };
  const text = String(input).trim();
  if (text === '') {
    if (spec.required) return { ok: false, message: `${spec.label} is required` };
    return { ok: true, value: spec.kind === 'list' ? [] : null };
  }
  switch (spec.kind) {
    case 'yes-no':
      return { ok: true, value: text === 'yes' };
    case 'integer':
      return /^-?\d+$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, message: `\`${text}\` is not a whole number` };
    case 'ref':
      return /^\d+$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, message: `choose a ${spec.label.toLowerCase()}` };
    case 'month':
      return MONTH.test(text) ? { ok: true, value: text } : { ok: false, message: `\`${text}\` is not a month; write it as 2026-03` };
    case 'date':
      return DATE.test(text) ? { ok: true, value: text } : { ok: false, message: `\`${text}\` is not a date; write it as 2026-03-31` };
    case 'number': {
      const number = Number(text);
      return /^-?(\d+\.?\d*|\.\d+)$/.test(text) && Number.isFinite(number)
        ? { ok: true, value: number }
        : { ok: false, message: `\`${text}\` is not a number; write it like 0.92` };
    }
    case 'money': {
      const [amount, code] = splitCurrency(text);
      if (code !== null && !/^[A-Z]{3}$/.test(code)) {
        return { ok: false, message: `\`${code}\` is not a currency; write three letters such as EUR, or leave it off for ${currency}` };
      }
      const parsed = parseAmount(amount, code ?? currency);
      return parsed.ok ? { ok: true, value: { minor: parsed.minor, currency: code ?? currency } } : { ok: false, message: parsed.message };
    }
    case 'list':
      return { ok: true, value: text.split(',').map((s) => s.trim()).filter(Boolean) };
    default:
      return { ok: true, value: text };
  }
}

/** Checks and converts a whole form: the JSON fields, or an error per field. */
export function collect(
  specs: readonly FieldSpec[],
  values: FormValues,
  currency: string,
): { ok: true; fields: Record<string, JsonValue> } | { ok: false; errors: Record<string, string> } {
  const fields: Record<string, JsonValue> = {};
  const errors: Record<string, string> = {};
  for (const spec of specs) {
    const converted = fromInput(spec, values[spec.name] ?? '', currency);
    if (converted.ok) fields[spec.name] = converted.value;
    else errors[spec.name] = converted.message;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, fields };
}

/** Only the fields whose value differs from the stored record: an update's `changes`. */
export function changedFields(
  fields: Record<string, JsonValue>,
  stored: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const changes: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (JSON.stringify(v) !== JSON.stringify(stored[k] ?? (Array.isArray(v) ? [] : null))) changes[k] = v;
  }
  return changes;
}

/**
 * Which field a backend message is about, so it can be shown beside it: `model stage: ...`,
 * `initiative_id: ...`, `... missing: status, priority`, `... named `X` already exists`.
 */
export function fieldOfError(message: string, fields: readonly string[]): string | null {
  // `role_id: ...`, `person start: ...`, `contract value.currency: ...`, `model data_categories[2]: ...`
  const prefixed = /^(?:[a-z-]+ )?([a-z_]+)(?:\[\d+\]|\.[a-z_]+)*:/.exec(message);
  if (prefixed?.[1] && fields.includes(prefixed[1])) return prefixed[1];
  const missing = /missing: ([a-z_, ]+)/.exec(message);
  if (missing?.[1]) {
    const first = missing[1].split(',').map((s) => s.trim()).find((f) => fields.includes(f));
    if (first) return first;
  }
  if (/named `.*` already exists/.test(message)) return fields.find((f) => f === 'name' || f === 'title') ?? null;
  const quoted = /field `([a-z_]+)`/.exec(message);
  if (quoted?.[1] && fields.includes(quoted[1])) return quoted[1];
  return null;
}
