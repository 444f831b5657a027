import { describe, expect, it } from 'vitest';

import { currentLogFile, parseLogFileName, sortLogFiles } from './container-log-files';
import { parsePodDirName } from './pod-directory-scanner';

describe('container log file names', () => {
  it('reads current and rotated files and ignores compressed or foreign ones', () => {
    expect(parseLogFileName('/d', '0.log')).toEqual({ path: '/d/0.log', restart: 0 });
    expect(parseLogFileName('/d', '12.log.20240501-100000')).toEqual({
      path: '/d/12.log.20240501-100000',
      restart: 12,
      rotatedAt: '20240501-100000',
    });
    for (const name of ['0.log.20240501-100000.gz', 'x.log', '.log', '0.log.tmp', '0.logs', '0.log.2024050-1100000']) {
      expect(parseLogFileName('/d', name), name).toBeUndefined();
    }
  });

  it('orders files oldest first and finds the one being written', () => {
    const names = ['1.log', '0.log.20240501-110000', '1.log.20240501-120000', '0.log', '0.log.20240501-100000'];
    const files = sortLogFiles(names.map((n) => parseLogFileName('/d', n)!));
    expect(files.map((f) => f.path)).toEqual([
      '/d/0.log.20240501-100000',
      '/d/0.log.20240501-110000',
      '/d/0.log',
      '/d/1.log.20240501-120000',
      '/d/1.log',
    ]);
    expect(currentLogFile(files)?.path).toBe('/d/1.log');
  });

  it('reads pod directory names', () => {
    expect(parsePodDirName('kube-system_coredns-abc_0f1e-22')).toEqual({ namespace: 'kube-system', pod: 'coredns-abc', uid: '0f1e-22' });
    for (const name of ['nouid', 'a_b', '_b_c', 'a__c', 'a_b_']) expect(parsePodDirName(name), name).toBeUndefined();
  });
});
