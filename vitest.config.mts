import { defineConfig } from 'vitest/config';
import type { Reporter } from 'vitest/node';

// After vitest's own report, one plain line that any CI reads the same: "N passed, N failed".
const plainSummary: Reporter = {
  onTestRunEnd(testModules) {
    const count = (state: 'passed' | 'failed' | 'skipped') => testModules.reduce((n, m) => n + [...m.children.allTests(state)].length, 0);
    const skipped = count('skipped');
    console.log(`\n${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`);
  },
};

export default defineConfig({
  test: {
    reporters: ['default', plainSummary],
    // The tests import the AWS SDK directly; its notice about future Node versions is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    environmentOptions: {
      happyDOM: {
        settings: { disableJavaScriptFileLoading: true, handleDisabledFileLoadingAsSuccess: true },
      },
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/browser/**'], environment: 'node', testTimeout: 20_000 },
      },
      {
        // Real Chromium: one browser for all files, files one after the other (2 cores).
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
