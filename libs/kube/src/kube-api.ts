// What Tailgate asks of kube-apiserver, as one small interface: plugins depend on this (through
// `kubeServiceRef`), tests can wrap it, and only `HttpKubeApi` knows about HTTP.
import { createServiceRef } from '@tailgate/plugin-sdk';

import type { KubeHttp } from './kube-http';

/** `authorization.k8s.io/v1` ResourceAttributes; `group: ''` is the core API group. */
export interface ResourceAttributes {
  readonly namespace?: string;
  readonly verb: string;
  readonly group: string;
  readonly version?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
}

export interface NonResourceAttributes {
  readonly path: string;
  readonly verb: string;
}

/** Whose access to review: at least one of `user` or `groups` must be non-empty. */
export interface SubjectAccessReviewSpec {
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  readonly resourceAttributes: ResourceAttributes;
}

export interface AccessReviewStatus {
  readonly allowed: boolean;
  /** True only when an authorizer explicitly denied (a webhook); RBAC never sets it. */
  readonly denied: boolean;
  /** The apiserver's text: for our logs only, never for a client. */
  readonly reason?: string;
}

export interface TokenReviewUser {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export type TokenReviewResult =
  | {
      readonly authenticated: true;
      readonly user: TokenReviewUser;
      readonly audiences: readonly string[];
      /** `status.expirationTimestamp` when the apiserver (or a webhook) states one. */
      readonly expiresAt?: Date;
    }
  /** `status.error` is dropped on purpose: it may quote the token. */
  | { readonly authenticated: false };

export interface SubjectRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface SubjectRulesReviewStatus {
  readonly resourceRules: readonly SubjectRule[];
  readonly nonResourceRules: readonly SubjectRule[];
  /** True when the list may be incomplete (an authorizer that cannot enumerate rules). */
  readonly incomplete: boolean;
}

export interface KubeCallOptions {
  readonly signal?: AbortSignal;
}

/**
 * Errors are SDK errors with codes: `upstream_unavailable` (5xx, 429, network, timeout),
 * `forbidden` (our own identity lacks a permission), `invalid_request` (400/422),
 * `not_found`. Messages name the method and path, never a token or the apiserver's body.
 */
export interface KubeApi {
  /** `audiences` empty or undefined: the apiserver's own `--api-audiences`. */
  tokenReview(token: string, audiences?: readonly string[], opts?: KubeCallOptions): Promise<TokenReviewResult>;
  subjectAccessReview(spec: SubjectAccessReviewSpec, opts?: KubeCallOptions): Promise<AccessReviewStatus>;
  /** Reviews the caller's own identity (desktop mode: the user's kubeconfig). */
  selfSubjectAccessReview(attributes: ResourceAttributes, opts?: KubeCallOptions): Promise<AccessReviewStatus>;
  selfSubjectRulesReview(namespace: string, opts?: KubeCallOptions): Promise<SubjectRulesReviewStatus>;
}

export const kubeServiceRef = createServiceRef<KubeApi>('core.kube');

/**
 * Raw access to the apiserver for sources: JSON requests, watches and long-running streams
 * (pods/log, nodes/proxy). Same error rules as `KubeApi`.
 */
export interface KubeTransport {
  json: KubeHttp['json'];
  /** JSON Patch; never a full update (PUT) of an object someone else owns. */
  patch: KubeHttp['patch'];
  watch: KubeHttp['watch'];
  stream: KubeHttp['stream'];
}

export const kubeTransportServiceRef = createServiceRef<KubeTransport>('core.kube-transport');
