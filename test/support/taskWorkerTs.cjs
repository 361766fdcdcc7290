// Runs the task-pool thread from TypeScript source (unit tests under tsx): register tsx's require hook, then load the
// entry. The bundles use dist/taskWorker.js instead.
require('tsx/cjs');
require('../../src/worker/taskWorker.ts');
