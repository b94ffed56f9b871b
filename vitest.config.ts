import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Two runtimes, two projects: Node for main/shared/server/preload, happy-dom with fake-indexeddb
// for the renderer. Playwright suites live in tests/e2e and tests/electron, not here.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'main/**/*.test.ts',
            'preload/**/*.test.ts',
            'shared/**/*.test.ts',
            'server/**/*.test.ts',
            'scripts/**/*.test.ts',
            'tests/unit/**/*.test.ts',
            'tests/reliability/**/*.test.ts',
          ],
        },
      },
      {
        plugins: [react()],
        define: { __APP_VERSION__: JSON.stringify('test') },
        test: {
          name: 'dom',
          environment: 'happy-dom',
          setupFiles: ['renderer/test/setup.ts'],
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
        },
      },
    ],
  },
});
