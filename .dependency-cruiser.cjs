/**
 * Module boundaries (docs/architecture.md). `npm run lint` runs this through
 * scripts/lint-modules.ts, which also checks the module graph for cycles.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'module-through-index',
      comment:
        'A module uses another only through its index.ts (services, types, hook names), never its tables, repository or internals.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: '^src/modules/[^/]+/tables\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'tables-reference-tables',
      comment: "A module's tables.ts may name another module's tables (foreign keys) and nothing else of it.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/tables\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/tables\\.ts$'] },
    },
    {
      name: 'outside-through-index',
      comment: 'The app, plugins, runtime, CLI, db and queues use modules only through their index.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'lib-imports-no-module',
      comment: 'src/lib is shared machinery: it imports no module (and no plugin).',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/(modules|plugins)/' },
    },
    {
      name: 'no-file-cycles',
      comment: 'No import cycles between files (cycles between modules are checked on the module graph).',
      severity: 'error',
      from: { path: '^src/' },
      // Type-only imports vanish when compiled: a type cycle (Ctx names Queues, a job names Ctx) is no load-order cycle.
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
}
