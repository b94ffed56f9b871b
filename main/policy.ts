import path from 'node:path';
import { parsePolicyText, type PolicyState } from '../shared/settings';

/** Where IT puts the machine policy on each OS (README, "For IT"). */
export function machinePolicyPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32') return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Switchboard', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Switchboard/policy.json';
  return '/etc/switchboard/policy.json';
}

export type ReadText = (file: string) => Promise<string>;

/** Never throws: a missing file is `absent`, an unreadable or malformed one is `invalid`. */
export async function loadPolicy(file: string, readText: ReadText): Promise<PolicyState> {
  let text: string;
  try {
    text = await readText(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'absent', path: file };
    return { status: 'invalid', path: file, message: `${file} cannot be read (${code ?? (err as Error).message})` };
  }
  return parsePolicyText(file, text);
}
