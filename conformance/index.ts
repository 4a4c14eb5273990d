// conformance/index.ts: the conformance harness as a library (`n2w/conformance`): the Adapter interface and
// its projections (adapter.ts), the harness (harness.ts), the HTTP adapter for Auth0-shaped servers
// (http-adapter.ts), the test configurations, the known divergences, the lifecycle paths, and the test-mode
// contract's schemas (test-mode.ts, TEST-MODE.md). Nothing here but re-exports.
export * from './adapter.js';
export * from './harness.js';
export * from './http-adapter.js';
export * from './configs.js';
export * from './known.js';
export * from './paths.js';
export * from './test-mode.js';
