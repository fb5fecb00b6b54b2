import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTypescript from 'eslint-config-next/typescript'

// Code that can reach the browser must never import server code (secrets, the database).
const serverOnly = {
  group: ['@/lib/server', '@/lib/server/*', '**/lib/server/**'],
  message: 'Server code (database, secrets) must not reach the browser. Fetch it through a GET route or call a server action.',
}

// app/ holds routes only; what routes, components and lib share lives in lib (server actions in lib/actions).
const notApp = {
  group: ['@/app', '@/app/*', '**/app/**'],
  message: 'lib and components must not import app/: move what both need into lib (server actions live in lib/actions).',
}

export default [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: ['.next/**', 'node_modules/**', 'lib/server/db/generated/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**', 'data/**'],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import/no-anonymous-default-export': 'off',
      // A cycle makes module order decide whether a constant is defined yet; shared constants go to leaf modules (lib/constants.ts).
      'import/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['lib/**', 'components/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [notApp] }] },
  },
  {
    files: [
      'components/**',
      'proxy.ts',
      'lib/auth/**',
      'lib/batch/**',
      'lib/format/**',
      'lib/jsonl/**',
      'lib/providers/**',
      'lib/queries/**',
      'lib/validations/**',
      'lib/constants.ts',
      'lib/errors.ts',
      'lib/types/**',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [serverOnly, notApp] }] },
  },
  {
    // Domain folders in components/ stay independent: shared pieces go to components/ui.
    files: ['components/*/**'],
    ignores: ['components/ui/**', 'components/layout/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverOnly,
            notApp,
            {
              group: ['@/components/*/*', '!@/components/ui/*', '!@/components/layout/*'],
              message: 'Import from components/ui, not from another domain folder.',
            },
          ],
        },
      ],
    },
  },
  {
    // Shared pieces take their data as props: a data hook inside one would tie it to one screen's queries.
    files: ['components/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverOnly,
            {
              group: ['@/lib/queries', '@/lib/queries/*', '**/lib/queries/**'],
              message: 'components/ui must not import data hooks: pass the data in as props.',
            },
          ],
        },
      ],
    },
  },
]
