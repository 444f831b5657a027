// Where the gateway is: the directory index.html was served from (the gateway serves the UI at
// `<basePath>/`), so the UI works under any path prefix. A `<meta name="tailgate-gateway">` in
// index.html may name another address (a development server, a test page on another origin);
// never a query parameter, so a link cannot send someone's token elsewhere.

/** `https://portal.example/tailgate` for a page at `https://portal.example/tailgate/index.html?x#y`. */
export function baseFromPageUrl(pageUrl: string): string {
  const directory = new URL('.', pageUrl);
  return `${directory.origin}${directory.pathname}`.replace(/\/+$/, '');
}

/** The little of `document` this needs (so the pure part type-checks without the DOM library). */
export interface PageDocument {
  readonly baseURI: string;
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}

export function gatewayBase(doc: PageDocument): string {
  const named = doc.querySelector('meta[name="tailgate-gateway"]')?.getAttribute('content')?.trim();
  if (named) return new URL(named, doc.baseURI).href.replace(/\/+$/, '');
  return baseFromPageUrl(doc.baseURI);
}
