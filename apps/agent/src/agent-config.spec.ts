import { describe, expect, it } from 'vitest';

import { describeAgentSettings, envOf, flagOf, parseAgentConfig } from './agent-config';
import { AgentError } from './agent-error';

function problemsOf(run: () => unknown): { code: string; problems: readonly string[] } {
  try {
    run();
  } catch (error) {
    if (error instanceof AgentError) return { code: error.code, problems: error.problems };
    throw error;
  }
  throw new Error('expected an AgentError');
}

describe('parseAgentConfig', () => {
  it('applies the documented defaults around the required node name', () => {
    expect(parseAgentConfig(['--node-name', 'node-1'], {})).toEqual({
      nodeName: 'node-1',
      root: '/var/log/pods',
      containersDir: '/var/log/containers',
      stateDir: '/var/lib/tailgate-agent',
      httpHost: '0.0.0.0',
      httpPort: 9102,
      maxLineBytes: 1024 * 1024,
      readBufferBytes: 256 * 1024,
      maxBatchRecords: 500,
      pollIntervalMs: 1000,
      scanIntervalMs: 5000,
      checkpointIntervalMs: 1000,
      watchFiles: true,
      redisUrl: '',
      redisKeyPrefix: 'tailgate:',
      gatewayUrl: '',
      tokenFile: '/var/run/secrets/tailgate/agent-token',
      unsigned: false,
      maxContainersPerDemand: 100,
      maxDemands: 1000,
      maxBatchBytes: 1024 * 1024,
      logLevel: 'info',
    });
  });

  it('refuses a Redis URL of another scheme without echoing it', () => {
    const refused = () => parseAgentConfig(['--node-name=node-1', '--redis-url=http://user:s3cret@redis:6379'], {});
    expect(refused).toThrow(/--redis-url \(TAILGATE_AGENT_REDIS_URL\): must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(refused).not.toThrow(/s3cret/);
  });

  it('reads the environment, and a flag wins over it', () => {
    const env = {
      TAILGATE_AGENT_NODE_NAME: 'node-1',
      TAILGATE_AGENT_ROOT: '/env/pods',
      TAILGATE_AGENT_HTTP_PORT: '8000',
      TAILGATE_AGENT_WATCH_FILES: 'false',
    };
    const config = parseAgentConfig(['--root=/flag/pods', '--max-line-bytes', '4096'], env);
    expect(config).toMatchObject({ nodeName: 'node-1', root: '/flag/pods', httpPort: 8000, maxLineBytes: 4096, watchFiles: false });
  });

  it('lets an empty links directory switch the links off, and treats other empty values as unset', () => {
    const config = parseAgentConfig([], { TAILGATE_AGENT_NODE_NAME: 'n', TAILGATE_AGENT_CONTAINERS_DIR: '', TAILGATE_AGENT_ROOT: '' });
    expect(config).toMatchObject({ containersDir: '', root: '/var/log/pods' });
  });

  it('lists every problem at once under config_invalid, naming flag and variable', () => {
    const { code, problems } = problemsOf(() =>
      parseAgentConfig(['--http-port', '70000', '--max-line-bytes', 'lots'], {
        TAILGATE_AGENT_READ_BUFFER_BYTES: '10',
        TAILGATE_AGENT_WATCH_FILES: 'yes',
      }),
    );
    expect(code).toBe('config_invalid');
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      '--node-name (TAILGATE_AGENT_NODE_NAME)',
      '--http-port (TAILGATE_AGENT_HTTP_PORT)',
      '--max-line-bytes (TAILGATE_AGENT_MAX_LINE_BYTES)',
      '--read-buffer-bytes (TAILGATE_AGENT_READ_BUFFER_BYTES)',
      '--watch-files (TAILGATE_AGENT_WATCH_FILES)',
    ]);
    expect(problems[0]).toMatch(/: required$/);
  });

  it('refuses a node name Kubernetes would refuse, and unknown flags', () => {
    expect(problemsOf(() => parseAgentConfig(['--node-name', 'Node_1'], {})).problems).toEqual([
      '--node-name (TAILGATE_AGENT_NODE_NAME): must be a Kubernetes node name',
    ]);
    const unknown = problemsOf(() => parseAgentConfig(['--node-name', 'n', '--secret-token=abc'], {}));
    expect(unknown.code).toBe('config_invalid');
    expect(unknown.problems[0]).toMatch(/^unknown flag --secret-token /);
    expect(unknown.problems[0]).not.toContain('abc');
  });

  it('names flags and variables after the settings, and describes each', () => {
    expect([flagOf('maxLineBytes'), envOf('maxLineBytes')]).toEqual(['max-line-bytes', 'TAILGATE_AGENT_MAX_LINE_BYTES']);
    expect(describeAgentSettings()).toContain('--max-line-bytes, TAILGATE_AGENT_MAX_LINE_BYTES\n      Longest line kept');
  });
});
