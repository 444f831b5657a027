// Judges each pod by its labels as the apiserver (or the configured pod metadata) has them —
// never by labels carried in a record or a request.
import { abstain, type AccessRequest, allow, type Authorizer, type Decision, deny, type PodMetadataService } from '@tailgate/plugin-sdk';

import { evaluateLabels } from './label-policy';

export class PodLabelAuthorizer implements Authorizer {
  readonly name = 'labels';

  constructor(private readonly pods: PodMetadataService) {}

  async authorize(request: AccessRequest): Promise<Decision> {
    // Labels decide who reads a pod's lines, not who may know the pod exists.
    if (request.action !== 'logs.read') return abstain();
    const where = request.kind === 'target' ? request.target : request.scope;
    // A scope without one pod covers pods this policy cannot judge yet: each is judged as it appears.
    if (where.namespace === undefined || where.pod === undefined) return abstain();
    const pod = await this.pods.get(where.namespace, where.pod);
    if (!pod) return deny(`pod ${where.namespace}/${where.pod} is not known`);
    const verdict = evaluateLabels(pod.labels, request.subject.user);
    return verdict.allowed ? allow() : deny(verdict.reason);
  }
}
