/**
 * The layout's import rules, checked by `npm test` (`npm run lint:deps`). README.md's "Layout" section says
 * why each rule exists. Paths are repository-relative; `timestream-local` resolves to packages/timestream-local.
 */
const app = '^(producers|consumers|dashboards)/';
const handlers =
  '^(producers/ingest/handler|producers/auth/authorizer-handler|consumers/writer/handler|consumers/rollup/handler)\\.ts$';
const localStack = '^(local|packages/timestream-local)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-the-domain',
      comment:
        'core/ is the domain: it imports nothing outside core/ (no adapters, app, infrastructure or tests).',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(adapters|producers|consumers|dashboards|infra|local|packages|test|bench)/' },
    },
    {
      name: 'core-has-no-aws-or-io',
      comment:
        'core/ imports no AWS SDK, no Lambda runtime library and no I/O module: it runs anywhere, tested without a server.',
      severity: 'error',
      from: { path: '^core/' },
      to: {
        path: '(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|aws-cdk-lib|hono|@hono)/|^(node:)?(fs|fs/promises|net|http|https|http2|child_process|worker_threads|dgram|tls)$',
      },
    },
    {
      name: 'adapters-serve-the-app',
      comment:
        'adapters/ (clients, endpoints, serving, retry, query paging) import only core/: the app and the composition roots import them, not the other way round.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(producers|consumers|dashboards|infra|local|packages|test|bench)/' },
    },
    {
      name: 'app-does-not-import-composition-roots',
      comment:
        'The app (producers, consumers, dashboards) never imports the CDK app, the local stack or the local Timestream: those compose the app.',
      severity: 'error',
      from: { path: app },
      to: { path: '^(infra|local|packages|test|bench)/' },
    },
    {
      name: 'app-parts-are-independent',
      comment: 'producers, consumers and dashboards share code only through core/ and adapters/.',
      severity: 'error',
      from: { path: '^(producers|consumers|dashboards)/' },
      to: { path: '^(producers|consumers|dashboards)/', pathNot: '^$1/' },
    },
    {
      name: 'lambda-code-never-reaches-the-local-stack',
      comment:
        'Nothing deployed to Lambda (the three handlers and everything they import) reaches local/ or the local Timestream.',
      severity: 'error',
      from: { path: handlers },
      to: { path: localStack, reachable: true },
    },
    {
      name: 'infra-is-the-cdk-app',
      comment:
        'infra/ is the CDK app: it reads the shared configuration from core/ and names handler files by path; it imports no app, adapter or local code.',
      severity: 'error',
      from: { path: '^infra/', pathNot: '^infra/preflight/' },
      to: { path: '^(adapters|producers|consumers|dashboards|local|packages|test|bench)/' },
    },
    {
      name: 'deploy-preflight-calls-aws-through-the-clients',
      comment:
        'infra/preflight/ (npm run deploy runs it before cdk deploy) builds its SDK client with adapters/service-clients, like every other caller; it imports no app, local or CDK stack code.',
      severity: 'error',
      from: { path: '^infra/preflight/' },
      to: { path: '^(producers|consumers|dashboards|local|packages|test|bench|infra/stack)/' },
    },
    {
      name: 'local-is-not-infra',
      comment: 'local/ composes the app on one machine; it does not import the CDK app.',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(infra|test|bench)/' },
    },
    {
      name: 'timestream-local-stands-alone',
      comment:
        'packages/timestream-local is a product of its own: it imports nothing from this repository outside itself.',
      severity: 'error',
      from: { path: '^packages/timestream-local/' },
      to: { path: '^(?!packages/timestream-local/|node_modules/)[^/]+/' },
    },
    {
      name: 'no-circular',
      comment: 'Modules do not import each other in a cycle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo or a moved file fails here, not at run time).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'Code deployed to Lambda does not import devDependencies (they are not in the bundle at deploy).',
      severity: 'error',
      from: { path: '^(core|adapters|producers|consumers|dashboards)/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    combinedDependencies: false,
  },
};
