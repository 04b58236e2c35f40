// @vitest-environment happy-dom
// The error banner as a person sees it: the backend's message as text, a hint for the codes a person
// can act on, and a dismiss button that does what it says.

import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendError } from '../backend';
import ErrorBanner from './ErrorBanner.svelte';

let mounted: Record<string, unknown> | null = null;

function show(props: { title: string; error: BackendError; ondismiss?: () => void }) {
  document.body.innerHTML = '';
  mounted = mount(ErrorBanner, { target: document.body, props });
  flushSync();
  return document.body.querySelector('[role="alert"]') as HTMLElement;
}

afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
});

describe('ErrorBanner', () => {
  it('shows the message as text, never as markup', () => {
    const banner = show({
      title: 'Cannot save',
      error: new BackendError('validation', 'name: `<img src=x onerror=alert(1)>` is too long'),
    });
    expect(banner.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(banner.querySelector('img')).toBeNull();
    expect(banner.textContent).toContain('validation');
  });

  it('adds advice for the codes a person can act on, and only for those', () => {
    expect(show({ title: 'Offline', error: new BackendError('network', 'no answer') }).textContent).toContain(
      'Check that the portfolio server is still running',
    );
    expect(show({ title: 'Bad', error: new BackendError('validation', 'x') }).textContent).not.toContain('Check that');
  });

  it('offers a dismiss button only when it can be dismissed, and calls back on click', () => {
    expect(show({ title: 'T', error: new BackendError('conflict', 'x') }).querySelector('button')).toBeNull();
    const ondismiss = vi.fn();
    const button = show({ title: 'T', error: new BackendError('conflict', 'x'), ondismiss }).querySelector(
      'button[aria-label="Dismiss error"]',
    ) as HTMLButtonElement;
    button.click();
    expect(ondismiss).toHaveBeenCalledTimes(1);
  });
});
