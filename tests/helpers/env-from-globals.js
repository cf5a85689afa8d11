// jest `setupFiles`: verify's known-bug run gives each project its own KATA_TARGET and
// KATA_OVERRIDE through the project's `globals.KATA_ENV`; copy them into this test file's
// process.env, which worker threads and child processes started by the tests inherit.
if (globalThis.KATA_ENV) Object.assign(process.env, globalThis.KATA_ENV);
