// Flat config: typescript-eslint's strict rules on every package's sources and tests.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'coverage/**',
      'packages/*/bin/**',
      'jest.config.js',
      // AssemblyScript (compiled by asc; decorators and types TypeScript does not accept)
      'packages/rego/runtime/**',
      'packages/rego/test/runtime/as/**',
    ],
  },
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
);
