// Which badge colour a word gets. Calm by default; colour only where it means something.

export type Tone = 'good' | 'bad' | 'warn' | 'accent' | 'neutral';

const tones: Record<string, Tone> = {
  // model stages
  production: 'good',
  staging: 'accent',
  development: 'neutral',
  archived: 'neutral',
  // risk tiers
  critical: 'bad',
  high: 'warn',
  medium: 'neutral',
  low: 'neutral',
  // initiative statuses
  active: 'good',
  proposed: 'accent',
  paused: 'warn',
  done: 'neutral',
  cancelled: 'neutral',
  // requisitions
  open: 'accent',
  interviewing: 'accent',
  offer: 'good',
  filled: 'neutral',
  // KPI statuses
  red: 'bad',
  amber: 'warn',
  green: 'good',
  stale: 'neutral',
  no_data: 'neutral',
};

export function toneOf(word: string | null | undefined): Tone {
  return (word && tones[word]) || 'neutral';
}

export function badgeClass(word: string | null | undefined): string {
  const tone = toneOf(word);
  return tone === 'neutral' ? 'badge' : `badge tone-${tone}`;
}
