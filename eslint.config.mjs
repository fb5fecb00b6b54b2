import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTypescript from 'eslint-config-next/typescript'

// Code that can reach the browser must never import server code (secrets, the database).
const serverOnly = {
  group: ['@/lib/server', '@/lib/server/*', '**/lib/server/**'],
  message: 'Server code (database, secrets) must not reach the browser. Fetch it through a GET route or call a server action.',
}

export default [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'lib/server/db/generated/**',
      'lib/server/db/generated-postgresql/**',
      'next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
      'data/**',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import/no-anonymous-default-export': 'off',
    },
  },
  {
    files: [
      'components/**',
      'proxy.ts',
      'lib/auth/**',
      'lib/batch/**',
      'lib/format/**',
      'lib/jsonl/**',
      'lib/queries/**',
      'lib/validations/**',
      'lib/errors.ts',
      'lib/types.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [serverOnly] }] },
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
            {
              group: ['@/components/*/*', '!@/components/ui/*', '!@/components/layout/*'],
              message: 'Import from components/ui, not from another domain folder.',
            },
          ],
        },
      ],
    },
  },
]
