// The kubeconfig user's identity, learned once from a SelfSubjectReview and then kept: the
// gateway's credentials cannot change user without a restart. Concurrent first uses share one
// review; a failed review is not kept, so the next use asks again.
import type { KubeSelfApi, SelfUser } from '@tailgate/kube';
import type { Subject } from '@tailgate/plugin-sdk';

export class SelfIdentity {
  private known: Subject | undefined;
  private pending: Promise<Subject> | undefined;

  constructor(private readonly kube: Pick<KubeSelfApi, 'selfSubjectReview'>) {}

  /** The shared review carries no caller's signal (one caller's abort must not fail the others); requestTimeoutMs bounds it. */
  async subject(): Promise<Subject> {
    if (this.known) return this.known;
    this.pending ??= this.kube
      .selfSubjectReview()
      .then((user) => (this.known = toSubject(user)))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }
}

function toSubject({ username, groups, uid, extra }: SelfUser): Subject {
  return { user: username, groups: [...groups], ...(uid ? { uid } : {}), ...(extra ? { extra } : {}) };
}
