import { delimiter, join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { defaultKubeconfigPath } from './default-kubeconfig';

describe('defaultKubeconfigPath', () => {
  it('is ~/.kube/config without KUBECONFIG', () => {
    expect(defaultKubeconfigPath({}, '/home/me')).toBe(join('/home/me', '.kube', 'config'));
    expect(defaultKubeconfigPath({ KUBECONFIG: '' }, '/home/me')).toBe(join('/home/me', '.kube', 'config'));
  });

  it('is the first file KUBECONFIG lists', () => {
    expect(defaultKubeconfigPath({ KUBECONFIG: '/a/config' }, '/home/me')).toBe('/a/config');
    expect(defaultKubeconfigPath({ KUBECONFIG: ['', '/b/config', '/c/config'].join(delimiter) }, '/home/me')).toBe('/b/config');
  });
});
