// ESLint flat config: type-aware TS rules, React hooks, and the one-way layer rule of DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const layerMessage = (layer, allowed) =>
  `${layer} may import only from ${allowed}: the layers go core ← workers ← state ← ui (see DESIGN.md).`;

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-*',
      '.vitest',
      'node_modules',
      'public',
      'test-results',
      'playwright-report',
      'bench/.data',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workers/**', '**/state/**', '**/ui/**', 'react', 'react-dom', 'zustand', 'comlink'],
              message: layerMessage(
                'src/core',
                'other core modules: it is pure TypeScript that runs in Node',
              ),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/state/**', '**/ui/**', 'react', 'react-dom', 'zustand'],
              message: layerMessage('src/workers', 'core and other worker modules'),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/state/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/ui/**'], message: layerMessage('src/state', 'core and workers') }] },
      ],
    },
  },
  {
    // Node scripts; the browser globals are for the callbacks they run in the page (page.evaluate).
    files: ['bench/**/*.mjs', '*.config.{js,ts}', 'scripts/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
