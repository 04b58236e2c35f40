import { describe, expect, it } from 'vitest';
import type { GateCheck } from './bindings/GateCheck';
import { classWords, evidenceWords, gateWords, progressPercent, progressWords, statusBadge } from './governance';

const gate = (over: Partial<GateCheck>): GateCheck => ({
  model: 'kyc',
  risk_class: 'high',
  passes: false,
  blocked: null,
  open_controls: [],
  approvers: [],
  approvers_needed: 2,
  ...over,
});

describe('governance words', () => {
  it('says what the gate still needs, in the core’s counts', () => {
    expect(gateWords(gate({ passes: true, approvers: ['Ana', 'Tom'] }))).toBe('Ready for production: every control is closed and signed off.');
    expect(
      gateWords(gate({ open_controls: [{ control: 'ai-act-9', title: 'Risk management', status: 'in_progress' }], approvers: ['Ana'] })),
    ).toBe('Before production: 1 control open, sign-off 1 of 2.');
    expect(gateWords(gate({ blocked: 'it is unclassified: answer purpose first' }))).toBe(
      'Cannot go to production: it is unclassified: answer purpose first.',
    );
  });

  it('names classes and evidence for people', () => {
    expect(classWords('high')).toBe('High risk');
    expect(classWords('unclassified')).toBe('Unclassified');
    expect(evidenceWords({ kind: 'file', value: '/home/ana/dpia.pdf', sha256: 'ab', size: 2048 })).toBe('dpia.pdf (2 KB)');
    expect(evidenceWords({ kind: 'link', value: 'https://wiki.example/x', sha256: null, size: null })).toBe('wiki.example/x');
    expect(evidenceWords(null)).toBe('No evidence yet');
  });

  it('shows progress and marks overdue above a status', () => {
    expect(progressWords(3, 5)).toBe('3 of 5');
    expect(progressWords(0, 0)).toBe('—');
    expect(progressPercent(1, 4)).toBe(25);
    expect(statusBadge({ status: 'in_progress', overdue: true })).toBe('badge tone-bad');
    expect(statusBadge({ status: 'not_applicable', overdue: false })).toBe('badge tone-good');
  });
});
