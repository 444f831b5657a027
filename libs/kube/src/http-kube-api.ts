// KubeApi over HTTPS: the review APIs Tailgate uses, each one POST of a review object.
import type { KubeHttp } from './kube-http';
import type {
  AccessReviewStatus,
  KubeApi,
  KubeCallOptions,
  ResourceAttributes,
  SubjectAccessReviewSpec,
  SubjectRulesReviewStatus,
  TokenReviewResult,
} from './kube-api';
import { AccessReviewResponseSchema, RulesReviewResponseSchema, TokenReviewResponseSchema } from './review-schemas';

const AUTHN = 'authentication.k8s.io/v1';
const AUTHZ = 'authorization.k8s.io/v1';

export class HttpKubeApi implements KubeApi {
  constructor(private readonly http: KubeHttp) {}

  async tokenReview(token: string, audiences: readonly string[] = [], opts: KubeCallOptions = {}): Promise<TokenReviewResult> {
    const body = { apiVersion: AUTHN, kind: 'TokenReview', spec: { token, ...(audiences.length > 0 ? { audiences } : {}) } };
    const { status } = await this.http.json('POST', `/apis/${AUTHN}/tokenreviews`, TokenReviewResponseSchema, body, opts.signal);
    if (!status.authenticated || !status.user || status.user.username === '') return { authenticated: false };
    const { username, uid, groups, extra } = status.user;
    return {
      authenticated: true,
      user: { username, groups, ...(uid ? { uid } : {}), ...(extra ? { extra } : {}) },
      audiences: status.audiences,
      ...(status.expirationTimestamp ? { expiresAt: new Date(status.expirationTimestamp) } : {}),
    };
  }

  subjectAccessReview(spec: SubjectAccessReviewSpec, opts: KubeCallOptions = {}): Promise<AccessReviewStatus> {
    return this.accessReview('subjectaccessreviews', 'SubjectAccessReview', spec, opts);
  }

  selfSubjectAccessReview(resourceAttributes: ResourceAttributes, opts: KubeCallOptions = {}): Promise<AccessReviewStatus> {
    return this.accessReview('selfsubjectaccessreviews', 'SelfSubjectAccessReview', { resourceAttributes }, opts);
  }

  async selfSubjectRulesReview(namespace: string, opts: KubeCallOptions = {}): Promise<SubjectRulesReviewStatus> {
    const body = { apiVersion: AUTHZ, kind: 'SelfSubjectRulesReview', spec: { namespace } };
    const path = `/apis/${AUTHZ}/selfsubjectrulesreviews`;
    return (await this.http.json('POST', path, RulesReviewResponseSchema, body, opts.signal)).status;
  }

  private async accessReview(resource: string, kind: string, spec: object, opts: KubeCallOptions): Promise<AccessReviewStatus> {
    const body = { apiVersion: AUTHZ, kind, spec };
    const { status } = await this.http.json('POST', `/apis/${AUTHZ}/${resource}`, AccessReviewResponseSchema, body, opts.signal);
    return { allowed: status.allowed, denied: status.denied === true, ...(status.reason ? { reason: status.reason } : {}) };
  }
}
