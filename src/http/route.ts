/**
 * The URL shapes real clients send (CONTRACT §1): `/rest/{method}` and
 * `/rest/{user}/{secret}/{method}`, with `.json`/`.xml` suffixes, trailing and doubled slashes.
 * `/rest/api/...` (REST v3) and anything else is not a method: the caller answers 404.
 */
export interface RestRoute {
  method: string;
  transport: 'json' | 'xml';
  webhook?: { user: string; secret: string };
}

export function routeRestPath(path: string): RestRoute | null {
  let segments: string[];
  try {
    segments = path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments[0] !== 'rest') return null;
  segments = segments.slice(1);
  if (segments[0] === 'api') return null;
  let webhook: RestRoute['webhook'];
  if (segments.length === 3) webhook = { user: segments[0]!, secret: segments[1]! };
  else if (segments.length !== 1) return null;
  let method = segments[segments.length - 1]!;
  let transport: RestRoute['transport'] = 'json';
  const suffix = /\.(json|xml)$/i.exec(method);
  if (suffix) {
    transport = suffix[1]!.toLowerCase() as RestRoute['transport'];
    method = method.slice(0, -suffix[0].length);
  }
  if (!method || method.length > 200) return null;
  return { method, transport, ...(webhook ? { webhook } : {}) };
}
