// jest `setupFiles`: verify's known-bug run gives each project its own KATA_TARGET and
// KATA_OVERRIDE through the project's `globals.KATA_ENV`; copy them into this test file's
// process.env, which worker threads and child processes started by the tests inherit.
const kataEnv = /** @type {{ KATA_ENV?: Record<string, string> }} */ (globalThis).KATA_ENV;
if (kataEnv) Object.assign(process.env, kataEnv);
