// @ts-check
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)]

// Layer boundaries: what each process may import. The renderer runs sandboxed in a browser, the shared
// contract is imported by all three processes, and only the thin Electron shell may touch `electron`.
const electronImport = {
  name: 'electron',
  message: 'Only src/main/electron and src/preload may import electron.',
}
const nodeBuiltinImports = nodeBuiltins.map((name) => ({
  name,
  message: 'The renderer is a sandboxed web page: Node built-ins are not available there.',
}))
const sharedNodeImports = nodeBuiltins.map((name) => ({
  name,
  message: 'src/shared is imported by every process: keep it free of Node built-ins.',
}))
const domGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'HTMLElement',
  'Element',
  'customElements',
  'requestAnimationFrame',
]

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'tests/fixtures/lint/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport, ...nodeBuiltinImports],
          patterns: [
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer talks to main only through src/shared and the bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/shared must run in every process: no electron.' },
            ...sharedNodeImports,
          ],
          patterns: [
            {
              group: ['**/main/**', '**/preload/**', '**/renderer/**'],
              message: 'src/shared depends on nothing else in src.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...domGlobals.map((name) => ({ name, message: 'src/shared must not use the DOM.' })),
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            {
              group: ['**/renderer/**', '**/preload/**'],
              message: 'Main-process services must not import other layers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The sandbox is its own program: no electron.' }],
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/shared/**'],
              message: 'The sandbox is its own program and imports nothing else from src.',
            },
          ],
        },
      ],
    },
  },
  prettier,
)
