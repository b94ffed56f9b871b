import sanitize from 'sanitize-html';

/**
 * A customer's HTML as an agent may see it: formatting, tables and links, nothing that runs
 * (scripts, event handlers, forms, frames) and nothing that loads from the network (remote images
 * are tracking pixels; CSS is limited to a few properties without url()). Images stay only when
 * they are inside the message: `cid:` (an attachment) or a `data:` raster image.
 */

/** Characters of sanitised HTML kept in `meta.html`: the text is always there in full. */
export const MAX_HTML_CHARS = 100_000;

const INLINE_IMAGE = /^(?:cid:|data:image\/(?:png|gif|jpeg|jpg|webp|bmp);base64,)/i;
const LENGTH = /^\d{1,4}(?:\.\d+)?(?:px|em|rem|%|pt)?$/;
const COLOUR = /^(?:#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\([\d\s.,%]{5,40}\))$/i;

const OPTIONS: sanitize.IOptions = {
  allowedTags: [...sanitize.defaults.allowedTags, 'img', 'font', 'center'],
  allowedAttributes: {
    a: ['href', 'name', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    font: ['color', 'size', 'face'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    table: ['border', 'cellpadding', 'cellspacing', 'width', 'align'],
    ol: ['start', 'type'],
    '*': ['style', 'dir', 'lang'],
  },
  allowedStyles: {
    '*': {
      color: [COLOUR],
      'background-color': [COLOUR],
      'text-align': [/^(?:left|right|center|justify)$/],
      'font-weight': [/^(?:normal|bold|bolder|lighter|\d{3})$/],
      'font-style': [/^(?:normal|italic|oblique)$/],
      'text-decoration': [/^(?:none|underline|line-through|overline)$/],
      'font-size': [LENGTH],
      width: [LENGTH],
      height: [LENGTH],
    },
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } }),
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: src && INLINE_IMAGE.test(src.trim()) ? { ...rest, src: src.trim() } : rest };
    },
  },
  // An image whose source was remote (or missing) shows nothing: drop the element.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

export interface SanitizedHtml {
  /** The whole sanitised HTML: what the text is made from when the message has no text part. */
  full: string;
  /** The same, at most MAX_HTML_CHARS: what is kept in meta.html. */
  html: string;
  /** `html` was cut at a tag boundary (or lost its data: images) to fit. */
  truncated: boolean;
}

export function sanitizeEmailHtml(html: string, maxChars = MAX_HTML_CHARS): SanitizedHtml {
  const full = sanitize(html, OPTIONS).trim();
  return { full, ...fit(full, maxChars) };
}

function fit(clean: string, maxChars: number): { html: string; truncated: boolean } {
  if (clean.length <= maxChars) return { html: clean, truncated: false };
  // Inline data: images are what usually makes it long; the attachments keep the files.
  const withoutData = sanitize(clean, {
    ...OPTIONS,
    exclusiveFilter: (frame) => frame.tag === 'img' && !/^cid:/i.test(frame.attribs.src ?? ''),
  });
  if (withoutData.length <= maxChars) return { html: withoutData, truncated: true };
  // Sanitised output escapes '<' and '>' in text and attributes, so a '<' after the last '>' opens
  // a tag the cut went through; a second pass closes whatever the cut left open.
  for (let margin = 200; margin < maxChars; margin *= 4) {
    let prefix = withoutData.slice(0, maxChars - margin);
    const lt = prefix.lastIndexOf('<');
    if (lt > prefix.lastIndexOf('>')) prefix = prefix.slice(0, lt);
    const amp = prefix.lastIndexOf('&');
    if (amp > prefix.lastIndexOf(';')) prefix = prefix.slice(0, amp);
    const closed = sanitize(prefix, OPTIONS);
    if (closed.length <= maxChars) return { html: closed, truncated: true };
  }
  return { html: '', truncated: true };
}

/**
 * Plain text of sanitised HTML, for a message without a text part: blocks become lines, list
 * items dashes, and a link keeps its address after its words so the agent can see where it went.
 */
export function htmlToPlainText(cleanHtml: string): string {
  const marked = cleanHtml
    .replace(/<a\b[^>]*?\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, inner: string) => {
      const url = decodeEntities(href);
      const words = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim();
      if (!words) return href;
      return words === url || `mailto:${words}` === url ? inner : `${inner} (${href})`;
    })
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<(?:br|hr)\b[^>]*>/gi, '\n')
    .replace(/<\/(?:p|div|h\d|table|blockquote|ul|ol|pre|center|section|article)>/gi, '$&\n\n')
    .replace(/<\/tr>/gi, '$&\n')
    .replace(/<\/(?:td|th)>/gi, '$& ');
  const text = sanitize(marked, { allowedTags: [], allowedAttributes: {} });
  return decodeEntities(text)
    .replace(/[ \t\f\v\r\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
