// The forms' fields per kind of record: labels, input kinds and choices. Field names and required
// flags follow `mlops-portfolio fields <kind>`; a `fields` command in the API would let the UI read
// them instead (see the hand-over notes).

import type { FieldSpec } from './forms';
import { humanize } from './format';
import { INITIATIVE_STATUSES, MODEL_STAGES, REQUISITION_STATUSES, RISK_TIERS } from './vocabulary';

const words = (list: readonly string[]) => list.map((w) => ({ value: w, label: humanize(w) }));
export type Options = readonly { value: string; label: string }[];

export function modelSpecs(initiatives: Options): FieldSpec[] {
  return [
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'owner', label: 'Owner', kind: 'text' },
    { name: 'stage', label: 'Stage', kind: 'select', required: true, options: words(MODEL_STAGES) },
    { name: 'risk_tier', label: 'Risk tier', kind: 'select', required: true, options: words(RISK_TIERS) },
    { name: 'initiative_id', label: 'Initiative', kind: 'ref', options: initiatives },
    { name: 'data_categories', label: 'Data categories', kind: 'list', placeholder: 'pii, financial' },
    { name: 'deployment', label: 'Deployment', kind: 'text', placeholder: 'k8s/prod-us-east/service' },
    { name: 'description', label: 'Description', kind: 'textarea' },
    { name: 'notes', label: 'Notes', kind: 'textarea' },
  ];
}

export function initiativeSpecs(): FieldSpec[] {
  return [
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'owner', label: 'Owner', kind: 'text' },
    { name: 'status', label: 'Status', kind: 'select', required: true, options: words(INITIATIVE_STATUSES) },
    { name: 'priority', label: 'Priority', kind: 'integer', required: true, placeholder: '1', hint: '1 is the most important' },
    { name: 'start', label: 'Start month', kind: 'month', required: true },
    { name: 'end', label: 'End month', kind: 'month' },
    { name: 'objective', label: 'Objective', kind: 'textarea' },
  ];
}

export function requisitionSpecs(roles: Options, initiatives: Options): FieldSpec[] {
  return [
    { name: 'title', label: 'Title', kind: 'text', required: true },
    { name: 'role_id', label: 'Role', kind: 'ref', required: true, options: roles },
    { name: 'initiative_id', label: 'Initiative', kind: 'ref', options: initiatives },
    { name: 'start', label: 'Start month', kind: 'month', required: true },
    { name: 'status', label: 'Status', kind: 'select', required: true, options: words(REQUISITION_STATUSES) },
  ];
}
