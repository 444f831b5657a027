// Runs one command through redis-cli against a loopback redis-server and returns its raw reply,
// so the harness can set up a cluster without a client library.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// redis-cli exits 0 on an error reply and prints it as `ERR …`, `CLUSTERDOWN …`, etc.
const ERROR_REPLY = /^[A-Z][A-Z_]+ /;

/** The reply of `args` on 127.0.0.1:`port`; throws on an error reply, with the command in the message. */
export async function redisCli(cli: string, port: number, args: readonly string[]): Promise<string> {
  const { stdout } = await run(cli, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
  const reply = stdout.trim();
  if (ERROR_REPLY.test(reply)) throw new Error(`redis-cli -p ${port} ${args.join(' ')}: ${reply}`);
  return reply;
}
