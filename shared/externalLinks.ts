/** `x.com` matches only x.com; `*.example.com` matches its subdomains, not example.com itself. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowedHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? h.endsWith(e.slice(1)) && h.length > e.length - 1 : h === e;
  });
}

export type ExternalLinkVerdict = { open: true } | { open: false; reason: string };

/**
 * Whether a link from hostile content (a post, an email) may leave the app for the OS browser:
 * https only, no embedded credentials, and a host IT allowed.
 */
export function externalLinkVerdict(url: string, allowedHosts: readonly string[]): ExternalLinkVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { open: false, reason: 'malformed URL' };
  }
  if (parsed.protocol !== 'https:') return { open: false, reason: `${parsed.protocol} links are not opened` };
  if (parsed.username || parsed.password) return { open: false, reason: 'links with credentials are not opened' };
  if (!hostAllowed(parsed.hostname, allowedHosts)) {
    return { open: false, reason: `${parsed.hostname} is not on the allowed hosts list` };
  }
  return { open: true };
}
