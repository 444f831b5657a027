// The CLI's version, as `tailgate --version` prints it. A constant rather than a read of
// package.json, so the bundled single-file build prints it too; version.spec.ts keeps the two equal.
export const CLI_VERSION = '0.1.0';
