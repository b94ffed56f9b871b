import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the given existing file, returning the boundary rule's messages. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('per-folder import boundaries (npm run lint)', { timeout: 60_000 }, () => {
  it('the renderer cannot import electron, Node, main/ or server/', async () => {
    expect(
      await boundaryErrors('renderer/App.tsx', "import { ipcRenderer } from 'electron';\nvoid ipcRenderer;\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('renderer/App.tsx', "import { readFile } from 'node:fs/promises';\nvoid readFile;\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('renderer/App.tsx', "import { isAppUrl } from '../main/appUrl';\nvoid isAppUrl;\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        'renderer/App.tsx',
        "import { startWebAgentHost } from '../server/webAgentHost';\nvoid startWebAgentHost;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        'renderer/App.tsx',
        "import { contentSecurityPolicy } from '../shared/csp';\nvoid contentSecurityPolicy;\n",
      ),
    ).toEqual([]);
  });

  it('shared/ imports no runtime', async () => {
    expect(
      await boundaryErrors('shared/csp.ts', "import path from 'node:path';\nexport const p = path;\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('shared/csp.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('shared/csp.ts', "import { useState } from 'react';\nexport const u = useState;\n"),
    ).toHaveLength(1);
    expect(await boundaryErrors('shared/csp.ts', "import { z } from 'zod';\nexport const s = z.string();\n")).toEqual(
      [],
    );
  });

  it('the preload imports only electron and types from shared/', async () => {
    expect(await boundaryErrors('preload/index.ts', "import { z } from 'zod';\nexport const s = z;\n")).toHaveLength(1);
    expect(
      await boundaryErrors(
        'preload/index.ts',
        "import { ipcContract } from '../shared/ipc';\nexport const c = ipcContract;\n",
      ),
    ).toHaveLength(1);
    expect(
      await boundaryErrors(
        'preload/index.ts',
        "import { contextBridge } from 'electron';\nimport type { AppInfo } from '../shared/ipc';\nexport const x: AppInfo | null = null;\nvoid contextBridge;\n",
      ),
    ).toEqual([]);
  });

  it('main/ cannot reach into the renderer and server/ cannot import electron', async () => {
    expect(
      await boundaryErrors('main/appUrl.ts', "import { App } from '../renderer/App';\nexport const a = App;\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('server/webAgentHost.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(1);
  });
});
