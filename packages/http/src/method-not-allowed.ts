interface RouteEntry {
  method: string;
  path: string;
}

function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * Hono answers an unknown method with 404; HTTP says 405 with `Allow` when the path exists. This finds
 * the methods registered for a path, from the app's own route table, compiled once.
 */
export function createAllowedMethodsLookup(routes: () => readonly RouteEntry[]) {
  let compiled: Array<{ method: string; pattern: RegExp }> | undefined;
  return (path: string): string[] => {
    compiled ??= routes()
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => ({ method: r.method, pattern: patternOf(r.path) }));
    const methods = new Set(compiled.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
