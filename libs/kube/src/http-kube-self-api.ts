// KubeApi plus KubeSelfApi over one HTTPS connection: the desktop gateway registers the same
// object as both `core.kube` and `core.kube-self`.
import { HttpKubeApi } from './http-kube-api';
import type { KubeCallOptions } from './kube-api';
import type { KubeConfig } from './kube-config';
import { openKubeEndpoint } from './kube-connection';
import { KubeHttp } from './kube-http';
import type { KubeSelfApi, SelfUser } from './kube-self-api';
import { NamespaceListSchema, SelfSubjectReviewResponseSchema } from './self-schemas';

const AUTHN = 'authentication.k8s.io/v1';
const PAGE_SIZE = 500;

export class HttpKubeSelfApi extends HttpKubeApi implements KubeSelfApi {
  constructor(private readonly transport: KubeHttp) {
    super(transport);
  }

  async selfSubjectReview(opts: KubeCallOptions = {}): Promise<SelfUser> {
    const body = { apiVersion: AUTHN, kind: 'SelfSubjectReview' };
    const path = `/apis/${AUTHN}/selfsubjectreviews`;
    const { username, uid, groups, extra } = (await this.transport.json('POST', path, SelfSubjectReviewResponseSchema, body, opts.signal))
      .status.userInfo;
    return { username, groups, ...(uid ? { uid } : {}), ...(extra ? { extra } : {}) };
  }

  async listNamespaces(opts: KubeCallOptions = {}): Promise<string[]> {
    const names: string[] = [];
    let next: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(next ? { continue: next } : {}) });
      const page = await this.transport.json('GET', `/api/v1/namespaces?${query.toString()}`, NamespaceListSchema, undefined, opts.signal);
      names.push(...page.items.map((item) => item.metadata.name));
      next = page.metadata.continue || undefined;
    } while (next !== undefined);
    return names;
  }
}

/** Loads credentials (no request is sent yet); a second connection beside `createKubeServices`'s. */
export async function createKubeSelfApi(config: Pick<KubeConfig, 'connection' | 'requestTimeoutMs'>): Promise<HttpKubeSelfApi> {
  return new HttpKubeSelfApi(new KubeHttp(await openKubeEndpoint(config.connection), { requestTimeoutMs: config.requestTimeoutMs }));
}
