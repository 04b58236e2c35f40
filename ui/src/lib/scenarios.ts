// The change kinds of a scenario, for the Planning page's form: each kind's fields in the order a
// person fills them, and what picks each value. The backend checks every change (and says which
// field is wrong); this only lays out the form. `satisfies` keeps every kind the backend knows here.

import type { ChangeKind } from './bindings/ChangeKind';
import type { EntityKind } from './backend';

export type FieldInput =
  | { type: 'record'; kind: EntityKind; labelField?: string }
  | { type: 'month' }
  | { type: 'category' }
  | { type: 'text'; placeholder: string };

export interface ChangeField {
  name: string;
  label: string;
  required: boolean;
  input: FieldInput;
}

const month: FieldInput = { type: 'month' };
const field = (name: string, label: string, required: boolean, input: FieldInput): ChangeField => ({ name, label, required, input });

export const CHANGE_KINDS = {
  hire: {
    label: 'Hire',
    fields: [
      field('role', 'Role', true, { type: 'record', kind: 'role' }),
      field('count', 'How many', false, { type: 'text', placeholder: '1' }),
      field('start', 'From', true, month),
      field('initiative', 'Initiative', false, { type: 'record', kind: 'initiative' }),
      field('percent', 'Percent of full time', false, { type: 'text', placeholder: '100' }),
    ],
  },
  leave: {
    label: 'Leave',
    fields: [field('person', 'Person', true, { type: 'record', kind: 'person' }), field('end', 'Last month', true, month)],
  },
  allocate: {
    label: 'Allocate',
    fields: [
      field('person', 'Person', true, { type: 'record', kind: 'person' }),
      field('initiative', 'Initiative', true, { type: 'record', kind: 'initiative' }),
      field('percent', 'Percent', true, { type: 'text', placeholder: '50' }),
      field('start', 'From', true, month),
      field('end', 'Through', false, month),
    ],
  },
  spend: {
    label: 'Change spend',
    fields: [
      field('initiative', 'Initiative (empty: all)', false, { type: 'record', kind: 'initiative' }),
      field('category', 'Category', true, { type: 'category' }),
      field('start', 'From', true, month),
      field('end', 'Through', false, month),
      field('change', 'Change', false, { type: 'text', placeholder: '-20%' }),
      field('amount', 'or amount a month', false, { type: 'text', placeholder: '15,000.00' }),
    ],
  },
  budget: {
    label: 'Change budget',
    fields: [
      field('initiative', 'Initiative', true, { type: 'record', kind: 'initiative' }),
      field('category', 'Category', true, { type: 'category' }),
      field('start', 'From', true, month),
      field('end', 'Through', false, month),
      field('change', 'Change', false, { type: 'text', placeholder: '+5%' }),
      field('amount', 'or amount a month', false, { type: 'text', placeholder: '15,000.00' }),
    ],
  },
  contract_add: {
    label: 'Add a contract',
    fields: [
      field('vendor', 'Vendor', true, { type: 'record', kind: 'vendor' }),
      field('title', 'Title', true, { type: 'text', placeholder: 'Labelling 2027' }),
      field('value', 'Value', true, { type: 'text', placeholder: '120,000.00' }),
      field('start', 'From', true, month),
      field('end', 'Through', true, month),
      field('initiative', 'Initiative', false, { type: 'record', kind: 'initiative' }),
    ],
  },
  contract_cancel: {
    label: 'Cancel a contract',
    fields: [
      field('contract', 'Contract', true, { type: 'record', kind: 'contract', labelField: 'title' }),
      field('from', 'First month without it', true, month),
    ],
  },
  initiative_stop: {
    label: 'Stop an initiative',
    fields: [
      field('initiative', 'Initiative', true, { type: 'record', kind: 'initiative' }),
      field('from', 'First month stopped', true, month),
    ],
  },
} as const satisfies Record<ChangeKind, { label: string; fields: readonly ChangeField[] }>;

/** The filled fields of a change form, as the backend takes them (empty ones left out). */
export function filledFields(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/** A change in words, as a person would say it: `Hire 3 ML engineer from Mar 2027 on Search`. The
 * values are the change's own text (records by name, months as written), never recomputed. */
export function describeChange(kind: ChangeKind, fields: Record<string, string | undefined>): string {
  const f = (name: string) => fields[name]?.trim() ?? '';
  const month = (name: string) => formatMonthText(f(name));
  const on = f('initiative') ? ` on ${f('initiative')}` : '';
  const until = f('end') ? ` through ${month('end')}` : '';
  const by = f('change') ? `by ${f('change')}` : `by ${f('amount')} a month`;
  switch (kind) {
    case 'hire': {
      const count = f('count') || '1';
      const share = f('percent') && f('percent').replace('%', '') !== '100' ? ` at ${f('percent').replace('%', '')}%` : '';
      return `Hire ${count} ${f('role')}${share} from ${month('start')}${on}`;
    }
    case 'leave':
      return `${f('person')} leaves after ${month('end')}`;
    case 'allocate':
      return `${f('person')} on ${f('initiative')} at ${f('percent').replace('%', '')}% from ${month('start')}${until}`;
    case 'spend':
      return `${capitalise(f('category'))} spend${on || ' of every initiative'} changes ${by} from ${month('start')}${until}`;
    case 'budget':
      return `${capitalise(f('category'))} budget of ${f('initiative')} changes ${by} from ${month('start')}${until}`;
    case 'contract_add':
      return `New contract “${f('title')}” with ${f('vendor')}, ${f('value')}, ${month('start')} to ${month('end')}${on}`;
    case 'contract_cancel':
      return `Cancel “${f('contract')}” from ${month('from')}`;
    case 'initiative_stop':
      return `${f('initiative')} stops from ${month('from')}`;
  }
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `2027-03` → `Mar 2027`; anything else as written. */
function formatMonthText(text: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m) return text;
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${names[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}
