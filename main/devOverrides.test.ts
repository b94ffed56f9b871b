import { describe, expect, it } from 'vitest';
import { readDevOverrides } from './devOverrides';

const electron = ['/opt/switchboard/switchboard', '.'];

describe('readDevOverrides', () => {
  it('has no overrides and no problems when nothing is set', () => {
    expect(readDevOverrides(electron, {})).toEqual({ overrides: {}, problems: [] });
  });

  it('reads --server-url=<url>, dropping a trailing slash', () => {
    expect(readDevOverrides([...electron, '--server-url=http://localhost:4400/'], {})).toEqual({
      overrides: { serverUrl: 'http://localhost:4400' },
      problems: [],
    });
  });

  it('reads --server-url <url> as two arguments', () => {
    expect(readDevOverrides([...electron, '--server-url', 'https://staging.example.com'], {})).toEqual({
      overrides: { serverUrl: 'https://staging.example.com' },
      problems: [],
    });
  });

  it('reads SWITCHBOARD_SERVER_URL from the environment', () => {
    expect(readDevOverrides(electron, { SWITCHBOARD_SERVER_URL: 'https://env.example.com' })).toEqual({
      overrides: { serverUrl: 'https://env.example.com' },
      problems: [],
    });
  });

  it('lets the command line beat the environment', () => {
    const result = readDevOverrides([...electron, '--server-url=https://argv.example.com'], {
      SWITCHBOARD_SERVER_URL: 'https://env.example.com',
    });
    expect(result.overrides).toEqual({ serverUrl: 'https://argv.example.com' });
  });

  it('ignores a trailing --server-url with no value', () => {
    expect(readDevOverrides([...electron, '--server-url'], {})).toEqual({ overrides: {}, problems: [] });
  });

  it.each(['not-a-url', 'ftp://files.example.com', 'javascript:alert(1)', ''])(
    'reports the invalid URL %j without applying it',
    (url) => {
      const result = readDevOverrides([...electron, `--server-url=${url}`], {});
      expect(result.overrides).toEqual({});
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(/^--server-url: serverUrl: must be an http:\/\/ or https:\/\/ URL/);
    },
  );

  it('reports an invalid environment URL without applying it', () => {
    const result = readDevOverrides(electron, { SWITCHBOARD_SERVER_URL: 'localhost:4400' });
    expect(result.overrides).toEqual({});
    expect(result.problems).toHaveLength(1);
  });
});
