// Type-aware lint floor for the whole repository.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

import { tailgatePlugin } from './scripts/eslint/layers-rule.mjs';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'test/cluster/.build/**', '**/*.d.ts', '**/*.d.mts', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // One way: apps → plugins and libs → the SDK. A plugin never imports another plugin (what two
    // share lives in a lib); tests may compose them.
    files: ['libs/**/*.ts', 'plugins/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/*', '**/apps/**', '@tailgate/gateway', '@tailgate/agent'],
              message: 'libraries and plugins never import an app',
            },
            {
              group: ['@tailgate/plugin-*', '!@tailgate/plugin-sdk', '!@tailgate/plugin-sdk/*', '!@tailgate/plugin-host', '**/plugins/**'],
              message: 'a library or plugin never imports a plugin: share code through a library',
            },
          ],
        },
      ],
    },
  },
  {
    // Inside the gateway, imports point down: the stream model at the bottom, the transport and the
    // composition root ('.') on top (docs/architecture.md, "Layers").
    files: ['apps/gateway/src/**/*.ts'],
    plugins: { tailgate: tailgatePlugin },
    rules: {
      'tailgate/layers': [
        'error',
        {
          root: 'apps/gateway/src',
          layers: [
            ['model', 'logging'],
            ['metrics', 'wire', 'redis', 'audit'],
            ['access', 'auth', 'quotas', 'cluster', 'pod-metadata', 'kube', 'k8s'],
            ['connections', 'streams'],
            ['socket', 'http'],
            ['.'],
            ['demo'],
          ],
        },
      ],
    },
  },
  {
    // Tests, tools and examples are type-checked by tsconfig.test.json, not by the packages' build configs.
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts', 'vitest.config.mts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
