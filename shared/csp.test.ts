import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp';

/** Splits a policy into directive name → sources, so a test can read one directive. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
}

describe('contentSecurityPolicy', () => {
  it('allows neither inline script nor eval anywhere', () => {
    const policy = contentSecurityPolicy('https://sb.example.com');
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).not.toContain('unsafe-hashes');
    expect(policy).not.toContain('*');
  });

  it('loads scripts and styles only from the app itself', () => {
    const csp = directives(contentSecurityPolicy('https://sb.example.com'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
  });

  it('connects only to the app, an https server and its wss socket', () => {
    const csp = directives(contentSecurityPolicy('https://sb.example.com/api'));
    expect(csp.get('connect-src')).toEqual(["'self'", 'https://sb.example.com', 'wss://sb.example.com']);
  });

  it('pairs an http server with a ws socket on the same host and port', () => {
    const csp = directives(contentSecurityPolicy('http://127.0.0.1:4400'));
    expect(csp.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:4400', 'ws://127.0.0.1:4400']);
  });

  it('forbids frames, objects, forms, base changes and being framed', () => {
    const csp = directives(contentSecurityPolicy('https://sb.example.com'));
    for (const name of ['frame-src', 'object-src', 'form-action', 'base-uri', 'frame-ancestors']) {
      expect(csp.get(name), name).toEqual(["'none'"]);
    }
  });
});
