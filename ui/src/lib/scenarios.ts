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
