import type { Page } from '@playwright/test';

/**
 * What the UI may do to hostile text and still show it "as text": NUL arrives as U+FFFD (the
 * server replaces it), bidi and zero-width controls may be isolated or dropped, whitespace may be
 * laid out differently. Anything else (a tag turned into an element, an entity decoded, markdown
 * turned into a link) changes the text and fails the comparison.
 */
export function asShown(text: string): string {
  return text
    .replaceAll('\u0000', '\uFFFD')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export interface PageEvidence {
  /** Elements or attributes that can only come from markup in customer content. */
  injected: string[];
  /** Links to http(s) URLs from customer content (allowed only behind the external-link check). */
  links: string[];
  /** window.__pwned / parent.__pwned, prototype pollution and clobbered DOM APIs. */
  globals: string[];
  location: string;
  baseURI: string;
}

/**
 * Looks through the whole DOM for the traces a rendered payload leaves. Plain function: it runs in
 * the page, so it may use nothing from this module.
 */
function collectEvidence(): PageEvidence {
  const MARK = /inj-\d\d|evil\.example|__pwned|javascript:|vbscript:|data:text\/html|expression\(/i;
  // The app renders none of these; customer markup is the only way one gets into the page.
  const FOREIGN = new Set([
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'base',
    'isindex',
    'keygen',
    'marquee',
    'noscript',
    'template',
    'math',
    'mglyph',
    'x',
    'profile',
    'trans',
  ]);
  // Attributes whose value React writes as text and the browser never loads or runs.
  const TEXT_ATTRIBUTES = new Set([
    'title',
    'alt',
    'placeholder',
    'value',
    'id',
    'for',
    'class',
    'role',
    'type',
    'name',
  ]);
  const injected: string[] = [];
  const links: string[] = [];
  const describe = (el: Element) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (FOREIGN.has(tag)) injected.push(`<${tag}>: ${describe(el)}`);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) injected.push(`meta http-equiv: ${describe(el)}`);
    // Inline code or CSS (the app's own come from files: <script src>, <link href> of its origin).
    if ((tag === 'script' || tag === 'style') && MARK.test(el.outerHTML)) injected.push(`<${tag}>: ${describe(el)}`);
    if (el.id === '__pwned' || el.getAttribute('name') === '__pwned' || el.getAttribute('name') === 'getElementById')
      injected.push(`clobbering element: ${describe(el)}`);
    for (const attribute of Array.from(el.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) injected.push(`${name} handler on <${tag}>: ${describe(el)}`);
      if (name === 'srcdoc') injected.push(`srcdoc on <${tag}>: ${describe(el)}`);
      if (TEXT_ATTRIBUTES.has(name) || name.startsWith('aria-') || name.startsWith('data-')) continue;
      if (!MARK.test(attribute.value)) continue;
      if (tag === 'a' && name === 'href' && /^\s*https?:/i.test(attribute.value)) {
        links.push(attribute.value);
        continue;
      }
      injected.push(`${name}="${attribute.value.slice(0, 80)}" on <${tag}>`);
    }
  }
  const w = window as unknown as { __pwned?: unknown; parent: { __pwned?: unknown } };
  const globals: string[] = [];
  const show = (v: unknown) => (typeof v === 'string' ? v : Object.prototype.toString.call(v));
  if (typeof w.__pwned !== 'undefined') globals.push(`window.__pwned = ${show(w.__pwned)}`);
  if (typeof w.parent.__pwned !== 'undefined') globals.push(`parent.__pwned = ${show(w.parent.__pwned)}`);
  if ((Object.prototype as { polluted?: unknown }).polluted !== undefined) globals.push('Object.prototype.polluted');
  if (typeof document.getElementById !== 'function') globals.push('document.getElementById clobbered');
  return { injected, links, globals, location: location.href, baseURI: document.baseURI };
}

export async function pageEvidence(page: Page): Promise<PageEvidence> {
  return page.evaluate(collectEvidence);
}
