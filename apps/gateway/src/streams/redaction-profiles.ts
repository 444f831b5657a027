// Which redaction a subject gets (tailgate.yaml `redaction`): the profiles `everyone` names, then
// those of every `assign` rule naming its user, one of its groups or its tenant (as the quotas
// derive it) — in the order the profiles are declared, so one set of profiles is one mask. Built
// at boot: a transform that is not registered, params it refuses, or a pattern it cannot compile
// are boot problems, all listed together.
import type { RedactionSettings, TenantFrom } from '@tailgate/config';
import type { PluginLogger, RecordTransform, Subject } from '@tailgate/plugin-sdk';

import { tenantOf } from '../quotas/quota-subject';
import { type MaskStep, NO_MASK, type RecordMask, recordMask } from './record-mask';

export type RedactionBuild =
  { readonly ok: true; readonly profiles: RedactionProfiles } | { readonly ok: false; readonly problems: string[] };

export class RedactionProfiles {
  private readonly masks = new Map<string, RecordMask>();

  private constructor(
    private readonly settings: RedactionSettings,
    private readonly steps: ReadonlyMap<string, readonly MaskStep[]>,
    private readonly tenantFrom: TenantFrom,
    private readonly logger: PluginLogger,
  ) {}

  static build(
    settings: RedactionSettings,
    transforms: ReadonlyMap<string, RecordTransform<unknown>>,
    tenantFrom: TenantFrom,
    logger: PluginLogger,
  ): RedactionBuild {
    const problems: string[] = [];
    const steps = new Map<string, MaskStep[]>();
    for (const [profile, entries] of Object.entries(settings.profiles)) {
      steps.set(
        profile,
        entries.flatMap(({ transform, params }, i) => {
          const step = prepareStep(transforms, transform, params, `redaction.profiles.${profile}[${i}]`, problems);
          return step === undefined ? [] : [step];
        }),
      );
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, profiles: new RedactionProfiles(settings, steps, tenantFrom, logger) };
  }

  /** The subject's mask; subjects with the same profiles share one. */
  maskFor(subject: Subject): RecordMask {
    const names = this.profilesOf(subject);
    if (names.length === 0) return NO_MASK;
    const signature = names.join(',');
    let mask = this.masks.get(signature);
    if (mask === undefined) {
      mask = recordMask(
        signature,
        names.flatMap((name) => this.steps.get(name) ?? []),
        this.logger,
      );
      this.masks.set(signature, mask);
    }
    return mask;
  }

  /** The names of the subject's profiles, in declaration order. */
  profilesOf(subject: Subject): string[] {
    const { everyone, assign } = this.settings;
    if (everyone.length === 0 && assign.length === 0) return [];
    const tenant = tenantOf(subject, this.tenantFrom);
    const chosen = new Set(everyone);
    for (const rule of assign) {
      if (
        rule.users.includes(subject.user) ||
        rule.groups.some((group) => subject.groups.includes(group)) ||
        (tenant !== undefined && rule.tenants.includes(tenant))
      ) {
        chosen.add(rule.profile);
      }
    }
    return Object.keys(this.settings.profiles).filter((name) => chosen.has(name));
  }
}

function prepareStep(
  transforms: ReadonlyMap<string, RecordTransform<unknown>>,
  name: string,
  rawParams: unknown,
  path: string,
  problems: string[],
): MaskStep | undefined {
  const transform = transforms.get(name);
  if (transform === undefined) {
    problems.push(`${path}: no record transform ${name} (is its plugin enabled?)`);
    return undefined;
  }
  const params = transform.params.safeParse(rawParams);
  if (!params.success) {
    const issues = params.error.issues.map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`);
    problems.push(`${path}.params: ${issues.join('; ')}`);
    return undefined;
  }
  try {
    return { transform: name, run: transform.prepare(params.data) };
  } catch (error) {
    problems.push(`${path}: ${name} refused its params: ${error instanceof Error ? error.message : 'unknown error'}`);
    return undefined;
  }
}
