// Which @tailgate/plugin-sdk versions a host loads plugins of. The SDK follows semver: within one
// major, a minor release only adds, so a plugin built against an older or the same minor works and
// one built against a newer minor may use what this host lacks. Before 1.0 every minor may break
// (semver's 0.x rule, npm's caret), so there the minor must match. Patches never matter.

export interface SdkVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

// MAJOR.MINOR.PATCH with an optional pre-release and build; no leading zeros, as semver writes them.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The numeric parts of a semver version; undefined when `text` is not one. */
export function parseSdkVersion(text: string): SdkVersion | undefined {
  const match = SEMVER.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Whether a host on SDK `host` can load a plugin built against SDK `plugin`. */
export function isSdkCompatible(plugin: SdkVersion, host: SdkVersion): boolean {
  if (plugin.major !== host.major) return false;
  return host.major === 0 ? plugin.minor === host.minor : plugin.minor <= host.minor;
}

/** The versions isSdkCompatible accepts, as a semver range (`^0.1.0`, `>=1.0.0 <1.5.0`). */
export function supportedSdkRange(host: SdkVersion): string {
  return host.major === 0 ? `^0.${host.minor}.0` : `>=${host.major}.0.0 <${host.major}.${host.minor + 1}.0`;
}
