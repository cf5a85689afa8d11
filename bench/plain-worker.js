// Floor for the `thread-start-join` benchmark: bench/run.ts starts this plain JavaScript file with
// `new Worker()` (no TypeScript loader) and it posts back the sum of `workerData.args`.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

parentPort.postMessage(workerData.args[0] + workerData.args[1]);
