// The version of this SDK, stamped by definePlugin() on every plugin it makes: a plugin package
// carries its own copy of the SDK, so the stamp says which SDK it was built against, and the host
// refuses one built against an SDK whose contracts it does not speak. A constant rather than a read
// of package.json, so bundled builds carry it too; sdk-version.spec.ts keeps the two equal.
export const SDK_VERSION = '0.1.0';
