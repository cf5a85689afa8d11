// jest `setupFilesAfterEnv` of verify's known-bug projects only: runs just the tests whose title
// contains one of the project's `@catches` substrings (globals.KATA_CATCHES); the rest are
// skipped, so each fixture costs only the tests that must reject it.
const catches = globalThis.KATA_CATCHES;
if (Array.isArray(catches)) {
  const wanted = (title) => catches.some((c) => String(title).includes(c));
  for (const name of ['it', 'test']) {
    const original = globalThis[name];
    const wrapped = (title, ...rest) =>
      wanted(title) ? original(title, ...rest) : original.skip(title, ...rest);
    Object.assign(wrapped, original);
    globalThis[name] = wrapped;
  }
}
