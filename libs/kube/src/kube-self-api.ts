// What the gateway asks kube-apiserver about its *own* identity beyond KubeApi's self reviews:
// who it is (SelfSubjectReview) and which namespaces exist. Desktop mode needs both, since
// there the gateway's credentials are the user's kubeconfig.
import { createServiceRef } from '@tailgate/plugin-sdk';

import type { KubeCallOptions, TokenReviewUser } from './kube-api';

/** `status.userInfo` of a SelfSubjectReview: the caller as the apiserver authenticated it. */
export type SelfUser = TokenReviewUser;

export interface KubeSelfApi {
  /** `authentication.k8s.io/v1 selfsubjectreviews` create (GA since Kubernetes 1.28). */
  selfSubjectReview(opts?: KubeCallOptions): Promise<SelfUser>;
  /** Names of all namespaces (paged list); needs `list namespaces`, cluster-wide. */
  listNamespaces(opts?: KubeCallOptions): Promise<string[]>;
}

export const kubeSelfServiceRef = createServiceRef<KubeSelfApi>('core.kube-self');
