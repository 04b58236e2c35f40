// The fields of each kind of record the forms create, in the order a person fills them in: label,
// input kind, choices, and the record kind a reference points at. Field names, required flags and
// kinds follow the core's table descriptors (`mlops-portfolio fields KIND`); `fieldsOf<T>()` checks
// the names against the Rust type generated into `bindings/`, so `npm run check` fails when a field
// is added to, renamed in or removed from a record type and not here.

import type { EntityKind } from './backend';
import type { FieldSpec } from './forms';
import type { Contract } from './bindings/Contract';
import type { Initiative } from './bindings/Initiative';
import type { Kpi } from './bindings/Kpi';
import type { Model } from './bindings/Model';
import type { ModelVersion } from './bindings/ModelVersion';
import type { Person } from './bindings/Person';
import type { Requisition } from './bindings/Requisition';
import type { Role } from './bindings/Role';
import type { Vendor } from './bindings/Vendor';
import type { VendorReview } from './bindings/VendorReview';
import { humanize } from './format';
import {
  AI_ACT_ROLES,
  INITIATIVE_STATUSES,
  KPI_CADENCES,
  KPI_DIRECTIONS,
  KPI_FORMULAS,
  MODEL_STAGES,
  PURPOSE_LABELS,
  REQUISITION_STATUSES,
  RISK_TIERS,
  VENDOR_CATEGORIES,
} from './vocabulary';

const words = (list: readonly string[]) => list.map((w) => ({ value: w, label: humanize(w) }));

type SpecOf<T> = FieldSpec & { readonly name: keyof T & string };
type Missing<T, L extends readonly SpecOf<T>[]> = Exclude<keyof T, L[number]['name']>;

/** A kind's fields, checked at compile time to name every field of `T` and nothing else. */
const fieldsOf =
  <T>() =>
  <const L extends readonly SpecOf<T>[]>(list: L & ([Missing<T, L>] extends [never] ? unknown : { missing: Missing<T, L> })) =>
    list as readonly FieldSpec[];

/** The kinds of record the UI has a form for. */
export type FormKind = Extract<
  EntityKind,
  'initiative' | 'person' | 'role' | 'requisition' | 'model' | 'model-version' | 'vendor' | 'contract' | 'review' | 'kpi'
>;

export const FORM_FIELDS: Record<FormKind, readonly FieldSpec[]> = {
  initiative: fieldsOf<Initiative>()([
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'owner', label: 'Owner', kind: 'person-name' },
    { name: 'status', label: 'Status', kind: 'select', required: true, options: words(INITIATIVE_STATUSES) },
    { name: 'priority', label: 'Priority', kind: 'integer', required: true, placeholder: '1', hint: '1 is the most important, 5 the least' },
    { name: 'start', label: 'Start month', kind: 'month', required: true },
    { name: 'end', label: 'End month', kind: 'month' },
    { name: 'objective', label: 'Objective', kind: 'textarea' },
    { name: 'annual_benefit', label: 'Expected benefit per year', kind: 'money', hint: 'What it should be worth a year: ROI and payback' },
  ]),
  person: fieldsOf<Person>()([
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'email', label: 'Email', kind: 'text', placeholder: 'name@example.com' },
    { name: 'role_id', label: 'Role', kind: 'ref', target: 'role', required: true },
    { name: 'location', label: 'Location', kind: 'text', placeholder: 'Berlin' },
    { name: 'start', label: 'Start month', kind: 'month', required: true },
    { name: 'end', label: 'End month', kind: 'month', hint: 'Leave empty while they stay' },
  ]),
  role: fieldsOf<Role>()([
    { name: 'name', label: 'Name', kind: 'text', required: true, placeholder: 'Senior ML engineer', wide: true },
    { name: 'base_salary', label: 'Base salary per year', kind: 'money', required: true },
    {
      name: 'loaded_annual_cost',
      label: 'Loaded cost per year',
      kind: 'money',
      required: true,
      hint: 'Salary plus benefits, taxes and equipment',
    },
  ]),
  requisition: fieldsOf<Requisition>()([
    { name: 'title', label: 'Title', kind: 'text', required: true },
    { name: 'role_id', label: 'Role', kind: 'ref', target: 'role', required: true },
    { name: 'initiative_id', label: 'Initiative', kind: 'ref', target: 'initiative' },
    { name: 'start', label: 'Start month', kind: 'month', required: true },
    { name: 'status', label: 'Status', kind: 'select', required: true, options: words(REQUISITION_STATUSES) },
  ]),
  model: fieldsOf<Model>()([
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'owner', label: 'Owner', kind: 'person-name' },
    { name: 'stage', label: 'Stage', kind: 'select', required: true, options: words(MODEL_STAGES) },
    { name: 'risk_tier', label: 'Risk tier', kind: 'select', required: true, options: words(RISK_TIERS) },
    { name: 'initiative_id', label: 'Initiative', kind: 'ref', target: 'initiative' },
    { name: 'data_categories', label: 'Data categories', kind: 'list', placeholder: 'pii, financial' },
    { name: 'deployment', label: 'Deployment', kind: 'text', placeholder: 'k8s/prod-us-east/service' },
    { name: 'description', label: 'Description', kind: 'textarea' },
    { name: 'notes', label: 'Notes', kind: 'textarea' },
    {
      name: 'purpose',
      label: 'What is it used for?',
      kind: 'select',
      options: Object.entries(PURPOSE_LABELS).map(([value, label]) => ({ value, label })),
      hint: 'Sets its EU AI Act risk class; unanswered questions keep it unclassified',
      wide: true,
    },
    { name: 'decides_about_people', label: 'Decides about people?', kind: 'yes-no', hint: 'Decisions with legal or similarly significant effects' },
    { name: 'interacts_with_people', label: 'Interacts with people?', kind: 'yes-no' },
    { name: 'generates_content', label: 'Generates content?', kind: 'yes-no', hint: 'Text, images, audio or video' },
    { name: 'ai_act_role', label: 'Our AI Act role', kind: 'select', options: words(AI_ACT_ROLES), hint: 'Provider: we build it. Deployer: we use it' },
  ]),
  'model-version': fieldsOf<ModelVersion>()([
    { name: 'model_id', label: 'Model', kind: 'ref', target: 'model', required: true },
    { name: 'version', label: 'Version', kind: 'text', required: true, placeholder: '3' },
    { name: 'stage', label: 'Stage', kind: 'select', required: true, options: words(MODEL_STAGES) },
    { name: 'aliases', label: 'Aliases', kind: 'list', placeholder: 'champion, challenger' },
    { name: 'run_id', label: 'Run id', kind: 'text' },
    { name: 'notes', label: 'Notes', kind: 'textarea' },
  ]),
  vendor: fieldsOf<Vendor>()([
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'category', label: 'Category', kind: 'select', required: true, options: words(VENDOR_CATEGORIES) },
    { name: 'contact', label: 'Contact', kind: 'text', placeholder: 'account manager, email' },
    { name: 'website', label: 'Website', kind: 'text', placeholder: 'https://example.com' },
  ]),
  contract: fieldsOf<Contract>()([
    { name: 'title', label: 'Title', kind: 'text', required: true },
    { name: 'vendor_id', label: 'Vendor', kind: 'ref', target: 'vendor', required: true },
    { name: 'initiative_id', label: 'Initiative', kind: 'ref', target: 'initiative', hint: 'Empty for a portfolio-wide contract' },
    { name: 'value', label: 'Total value', kind: 'money', required: true },
    { name: 'start', label: 'Start date', kind: 'date', required: true },
    { name: 'end', label: 'End date', kind: 'date', required: true },
    { name: 'notice_days', label: 'Notice (days)', kind: 'integer', required: true, placeholder: '90' },
    { name: 'auto_renew', label: 'Renews automatically', kind: 'bool' },
  ]),
  review: fieldsOf<VendorReview>()([
    { name: 'vendor_id', label: 'Vendor', kind: 'ref', target: 'vendor', required: true },
    { name: 'date', label: 'Date', kind: 'date', required: true },
    { name: 'reviewer', label: 'Reviewer', kind: 'person-name', required: true },
    { name: 'score', label: 'Score', kind: 'integer', required: true, placeholder: '4', hint: '1 (poor) to 5 (excellent)' },
    { name: 'notes', label: 'Notes', kind: 'textarea' },
  ]),
  kpi: fieldsOf<Kpi>()([
    { name: 'name', label: 'Name', kind: 'text', required: true, placeholder: 'Fraud caught' },
    { name: 'initiative_id', label: 'Initiative', kind: 'ref', target: 'initiative' },
    { name: 'model_id', label: 'Model', kind: 'ref', target: 'model' },
    { name: 'metric_key', label: 'Metric key', kind: 'text', placeholder: 'latency_p95_ms', hint: 'The metric series it reads, if any' },
    { name: 'unit', label: 'Unit', kind: 'text', required: true, placeholder: '%' },
    { name: 'direction', label: 'Good direction', kind: 'select', required: true, options: words(KPI_DIRECTIONS) },
    { name: 'target_low', label: 'Target, low', kind: 'number', placeholder: '0.90' },
    { name: 'target_high', label: 'Target, high', kind: 'number', placeholder: '0.99' },
    { name: 'cadence', label: 'Measured', kind: 'select', options: words(KPI_CADENCES), hint: 'Older values than this allows are stale' },
    { name: 'amber_margin', label: 'Amber margin', kind: 'number', placeholder: '0.02', hint: 'How far off target is still amber, in its unit; default 5% of the target' },
    { name: 'formula', label: 'Computed as', kind: 'select', options: words(KPI_FORMULAS), hint: 'Leave empty for a KPI you measure' },
    { name: 'starred', label: 'In the report', kind: 'bool' },
  ]),
};

/** A record's name as a person reads it: its `name` or `title`, else `#id`. */
export function recordLabel(fields: Record<string, unknown>, id: number): string {
  const label = fields.name ?? fields.title;
  return typeof label === 'string' && label ? label : `#${id}`;
}
