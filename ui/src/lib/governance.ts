// Words and tones for governance: risk classes, checklist statuses, flags and evidence. The core
// decides every class, status and flag (`governance_*` commands); this file only writes them.

import type { ChecklistRow } from './bindings/ChecklistRow';
import type { ControlStatus } from './bindings/ControlStatus';
import type { Evidence } from './bindings/Evidence';
import type { GateCheck } from './bindings/GateCheck';
import type { GovernanceFlag } from './bindings/GovernanceFlag';
import type { RiskClass } from './bindings/RiskClass';
import { formatCount } from './format';

const CLASS_TONES: Record<RiskClass, string> = {
  prohibited: 'badge tone-bad',
  high: 'badge tone-warn',
  limited: 'badge tone-accent',
  minimal: 'badge',
  unclassified: 'badge tone-warn',
};

/** The badge of an EU AI Act risk class. */
export function classBadge(riskClass: RiskClass): string {
  return CLASS_TONES[riskClass];
}

/** `High risk`, `Unclassified`. */
export function classWords(riskClass: RiskClass): string {
  return riskClass === 'unclassified' ? 'Unclassified' : `${riskClass.charAt(0).toUpperCase()}${riskClass.slice(1)} risk`;
}

const STATUS_WORDS: Record<ControlStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
  not_applicable: 'Not applicable',
};

export function statusWords(status: ControlStatus): string {
  return STATUS_WORDS[status];
}

/** Done and not applicable are closed (good); overdue is bad; in progress is under way. */
export function statusBadge(row: Pick<ChecklistRow, 'status' | 'overdue'>): string {
  if (row.overdue) return 'badge tone-bad';
  if (row.status === 'done' || row.status === 'not_applicable') return 'badge tone-good';
  return row.status === 'in_progress' ? 'badge tone-accent' : 'badge';
}

export function flagWords(flag: GovernanceFlag | null): string {
  if (flag === 'promoted_outside_gate') return 'Promoted outside the gate';
  if (flag === 'needs_review') return 'Needs review';
  return '';
}

/** `3 of 5`, or `—` when nothing applies. */
export function progressWords(closed: number, applicable: number): string {
  return applicable === 0 ? '—' : `${closed} of ${applicable}`;
}

/** The bar's share, 0 to 100. */
export function progressPercent(closed: number, applicable: number): number {
  return applicable === 0 ? 100 : Math.round((closed / applicable) * 100);
}

const FRAMEWORK_NAMES: Record<string, string> = {
  'eu-ai-act': 'EU AI Act',
  gdpr: 'GDPR',
  ccpa: 'CCPA/CPRA',
  internal: 'Internal policy',
};

/** A framework's short name; an organisation's own framework keeps its id. */
export function frameworkName(id: string): string {
  return FRAMEWORK_NAMES[id] ?? id;
}

/** `file risk.pdf (12 KB)`, `link wiki.example.com/…`, `note`. */
export function evidenceWords(evidence: Evidence | null): string {
  if (!evidence) return 'No evidence yet';
  if (evidence.kind === 'file') {
    // An uploaded file is kept under its content's hash prefix: show the name it was sent with.
    const name = (evidence.value.split(/[\\/]/).pop() ?? evidence.value).replace(/^[0-9a-f]{12}-/, '');
    return `${name}${evidence.size !== null ? ` (${sizeWords(Number(evidence.size))})` : ''}`;
  }
  if (evidence.kind === 'link') return evidence.value.replace(/^https?:\/\//, '');
  return evidence.value;
}

function sizeWords(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatCount(Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Where a control comes from: `EU AI Act Art. 9`; an organisation's policy by its own reference. */
export function controlSource(framework: string, reference: string): string {
  return framework === 'internal' ? reference : `${frameworkName(framework)} ${reference}`;
}

/** What the gate says in one line: ready, or what is left; for a model in production, whether its
 *  checklist is still closed (its sign-offs were given for the promotion it had). */
export function gateWords(gate: GateCheck, inProduction = false): string {
  if (inProduction) {
    const open = gate.open_controls.length;
    if (gate.blocked) return `In production, but ${gate.blocked}.`;
    return open === 0
      ? 'In production with every control closed.'
      : `In production with ${open} ${open === 1 ? 'control' : 'controls'} open: review ${open === 1 ? 'it' : 'them'}.`;
  }
  if (gate.passes) return 'Ready for production: every control is closed and signed off.';
  if (gate.blocked) return `Cannot go to production: ${gate.blocked}.`;
  const parts: string[] = [];
  if (gate.open_controls.length) parts.push(`${gate.open_controls.length} ${gate.open_controls.length === 1 ? 'control' : 'controls'} open`);
  if (gate.approvers.length < gate.approvers_needed) {
    parts.push(`sign-off ${gate.approvers.length} of ${gate.approvers_needed}`);
  }
  return `Before production: ${parts.join(', ')}.`;
}

/** A file's bytes as base64, for the upload browser mode sends as evidence. */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
