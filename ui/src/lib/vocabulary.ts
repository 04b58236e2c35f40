// The display order of the core's word lists (stages run left to right, risk tiers low to high).
// The words are the generated Rust enums; `satisfies` makes `npm run check` fail when a word is
// added there and not here.

import type { Category, InitiativeStatus, ModelStage, RequisitionStatus, RiskTier } from './backend/commands';
import type { KpiCadence } from './bindings/KpiCadence';
import type { KpiDirection } from './bindings/KpiDirection';
import type { KpiFormula } from './bindings/KpiFormula';
import type { KpiStatus } from './bindings/KpiStatus';
import type { VendorCategory } from './bindings/VendorCategory';
import type { Purpose } from './bindings/Purpose';
import type { AiActRole } from './bindings/AiActRole';
import type { ControlStatus } from './bindings/ControlStatus';
import type { RiskClass } from './bindings/RiskClass';

type All<T extends string> = readonly T[];

export const MODEL_STAGES = ['development', 'staging', 'production', 'archived'] as const satisfies All<ModelStage>;
export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const satisfies All<RiskTier>;
export const INITIATIVE_STATUSES = ['proposed', 'active', 'paused', 'done', 'cancelled'] as const satisfies All<InitiativeStatus>;
export const BUDGET_CATEGORIES = ['compute', 'storage', 'people', 'vendor', 'other'] as const satisfies All<Category>;
export const REQUISITION_STATUSES = ['open', 'interviewing', 'offer', 'filled', 'cancelled'] as const satisfies All<RequisitionStatus>;
export const VENDOR_CATEGORIES = ['cloud', 'saas', 'labeling', 'consulting', 'data', 'hardware', 'other'] as const satisfies All<VendorCategory>;
export const KPI_DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const satisfies All<KpiDirection>;
export const KPI_CADENCES = ['daily', 'weekly', 'monthly', 'quarterly'] as const satisfies All<KpiCadence>;
export const KPI_FORMULAS = ['cost_per_1000_predictions', 'roi'] as const satisfies All<KpiFormula>;
/** A model's purpose, as the questionnaire asks it (the AI Act's prohibited and high-risk uses). */
export const PURPOSE_LABELS = {
  none: 'None of these',
  biometrics: 'Biometric identification or categorisation',
  critical_infrastructure: 'Critical infrastructure',
  education: 'Education and vocational training',
  employment: 'Employment and managing workers',
  essential_services: 'Essential services (credit scoring, insurance pricing, public benefits)',
  law_enforcement: 'Law enforcement',
  migration: 'Migration, asylum and border control',
  justice: 'Justice and democratic processes',
  social_scoring: 'Social scoring (prohibited)',
  emotion_recognition_workplace: 'Emotion recognition at work or school (prohibited)',
} as const satisfies Record<Purpose, string>;
export const AI_ACT_ROLES = ['provider', 'deployer'] as const satisfies All<AiActRole>;
export const CONTROL_STATUSES = ['not_started', 'in_progress', 'done', 'not_applicable'] as const satisfies All<ControlStatus>;
/** Worst first. */
export const RISK_CLASSES = ['prohibited', 'high', 'limited', 'minimal', 'unclassified'] as const satisfies All<RiskClass>;
/** Worst first, as the scorecard sorts. */
export const KPI_STATUSES = ['red', 'amber', 'stale', 'no_data', 'green'] as const satisfies All<KpiStatus>;

/** A word's place in its list, for sorting by meaning rather than alphabet; unknown words last. */
export function rankOf(list: readonly string[], word: string | null | undefined): number | null {
  if (!word) return null;
  const i = list.indexOf(word);
  return i === -1 ? list.length : i;
}

/** Requisitions still to fill. */
export function isOpenRequisition(status: string | null | undefined): boolean {
  return status === 'open' || status === 'interviewing' || status === 'offer';
}
