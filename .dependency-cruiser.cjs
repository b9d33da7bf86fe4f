// The import rules of connect-conformance (checked by `npm run deps`, part of `npm test`): layers import downwards
// only, and no top-level folders import each other in a cycle.
//
//   core  <-  spec  <-  generators  <-  targets  <-  checks  <-  engine  <-  reports  <-  front ends (bin, api, vitest)
//
// operations/ holds one binding per operation (operations/<name>/binding.ts): it imports only core (the binding type,
// core/binding.ts) and packages, and only the front ends (and tests) import it; every layer below takes the binding
// it is handed and knows only its type.
//
// variants (the suite's power tests), bench and test sit above everything; nothing below them imports them.
const FOLDERS = [
  'core',
  'operations',
  'spec',
  'generators',
  'targets',
  'checks',
  'engine',
  'reports',
  'api',
  'bin',
  'suites',
  'variants',
  'bench',
  'test',
  'examples',
];

const layer = (name, mayImport) => ({
  name: `${name}-imports-downwards`,
  comment: `${name}/ may import only ${mayImport.join(', ')} (and packages)`,
  severity: 'error',
  from: { path: `^${name}/` },
  to: { path: `^(${FOLDERS.join('|')})/`, pathNot: [`^${name}/`, ...mayImport.map((m) => `^${m}/`)] },
});

module.exports = {
  forbidden: [
    layer('core', []),
    layer('operations', ['core']),
    layer('spec', ['core']),
    layer('generators', ['core', 'spec']),
    layer('targets', ['core', 'spec']),
    layer('checks', ['core', 'spec', 'generators', 'targets']),
    layer('engine', ['core', 'spec', 'generators', 'targets', 'checks']),
    layer('reports', ['core', 'spec', 'engine']),
    layer('api', ['core', 'operations', 'spec', 'generators', 'targets', 'checks', 'engine', 'reports']),
    layer('suites', ['api']),
    layer('variants', ['core', 'spec', 'targets', 'engine', 'api']),
    {
      name: 'nothing-imports-bin',
      comment: 'bin/ is the command line: argument parsing, printing and exit codes; no other folder imports it',
      severity: 'error',
      from: { pathNot: '^(bin|test|bench)/' },
      to: { path: '^bin/' },
    },
    {
      name: 'no-cycles',
      comment: 'no import cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules/' },
  },
};
