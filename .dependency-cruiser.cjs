/**
 * The dependency check of `npm test` (`npm run deps`): no import cycle in `src/`, and each folder
 * imports only the folders before it in LAYERS, which is the order data flows through the runtime
 * (bytes -> parser -> connection -> supervisor -> channel actor -> call logic). A folder may import
 * its own files. The embedded PBX is a side branch: it shares only the wire protocol (and the
 * generated catalog) with the client, and only the CLI may start it.
 */

/** Lowest first. */
const LAYERS = [
  'src/catalog', // generated Asterisk types (events, actions, AGI commands)
  'src/protocol', // AMI and AGI wire formats, shared by the client and the embedded PBX
  'src/connection', // the AMI client: transports, login, actions, keepalive, reconnect
  'src/machines/channel', // the channel statechart and its context reducer
  'src/actors', // the supervisor and routing
  'src/calls', // Call, AGI transports, handlers, originate, DTMF
  'src/machines/flows', // call-logic building blocks: collectDigits, passcode, menu, ivr, hello
  'src/runtime', // createRuntime: the wiring
  'src/diagram', // statechart drawings
  'src/inspector', // the live inspector
  'src/cluster', // several runtimes together
  'src/index.ts', // the public entry point `octostate`
  'src/cli', // the `octostate` command
];
const PBX = 'src/pbx';
const PBX_MAY_IMPORT = ['src/protocol', 'src/catalog'];
const PBX_IMPORTED_BY = ['src/cli'];

const pattern = (path) => `^${path.replace(/[.]/g, '\\.')}${path.endsWith('.ts') ? '$' : '/'}`;
const anyOf = (paths) => paths.map((path) => `(${pattern(path)})`).join('|');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment:
        'An import cycle makes module load order matter; break it with a parameter. A cycle closed ' +
        'only by `import type` (an interface naming the class that uses it) is erased when compiled ' +
        'and cannot change load order: allowed.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...LAYERS.slice(0, -1).map((layer, index) => ({
      name: `layer-order:${layer}`,
      comment: `${layer} may import only the layers before it (see LAYERS in .dependency-cruiser.cjs).`,
      severity: 'error',
      from: { path: pattern(layer) },
      to: { path: anyOf([...LAYERS.slice(index + 1), PBX]) },
    })),
    {
      name: 'pbx-shares-only-the-protocol',
      comment: 'The embedded PBX must not depend on the client: it shares only the wire protocol.',
      severity: 'error',
      from: { path: pattern(PBX) },
      to: { path: '^src/', pathNot: anyOf([PBX, ...PBX_MAY_IMPORT]) },
    },
    {
      name: 'pbx-started-only-by-the-cli',
      comment: 'The runtime never depends on the embedded PBX; only the command starts it.',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf([PBX, ...PBX_IMPORTED_BY]) },
      to: { path: pattern(PBX) },
    },
    {
      name: 'folder-in-the-layer-order',
      comment: 'Every file of src/ belongs to a layer of LAYERS (or to the PBX).',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf([...LAYERS, PBX]) },
      to: {},
    },
    {
      name: 'no-self-reference',
      comment:
        'Inside src/ import relative paths; `octostate` is how examples and users import it.',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        path: '^(src/index\\.ts|src/connection/index\\.ts|src/pbx/index\\.ts)$',
        dependencyTypes: ['aliased'],
      },
    },
    {
      name: 'src-stands-alone',
      comment: 'The library never imports examples, tests or benchmarks.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(examples|test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
