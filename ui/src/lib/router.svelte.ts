// Hash routing: `#/models?stage=production`, `#/initiatives/12`. No server routes are needed, so
// the same build works from Tauri's asset protocol and from `mlops-portfolio serve`.

export interface Route {
  /** Path segments after `#/`: `['initiatives', '12']`. Empty for the overview. */
  segments: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  return {
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
}

/** Builds a hash link: `href('models', { stage: 'production' })` → `#/models?stage=production`. */
export function href(path: string, query: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') params.set(k, v);
  const search = params.toString();
  return `#/${path.replace(/^\//, '')}${search ? `?${search}` : ''}`;
}

class Router {
  route = $state<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash));

  start(): () => void {
    const update = () => (this.route = parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }

  go(path: string, query: Record<string, string | null | undefined> = {}): void {
    location.hash = href(path, query);
  }

  /** Changes the query (a filter) without a new history entry, so Back leaves the page. */
  replaceQuery(query: Record<string, string | null | undefined>): void {
    const next = href(this.route.segments.join('/'), query);
    if (next !== location.hash) {
      history.replaceState(history.state, '', next);
      this.route = parseHash(next);
    }
  }
}

export const router = new Router();
