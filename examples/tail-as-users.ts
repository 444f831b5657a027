// Tails the demo as each of its users at once, with @tailgate/client, and shows who sees what.
//   npx tsx examples/tail-as-users.ts [url] [seconds]
// Reads the users' tokens from .tailgate-demo/users.json (written by the demo).
import { readFileSync } from 'node:fs';

import { connect, type TailgateClient, TailgateError } from '@tailgate/client';

const url = process.argv[2] ?? 'http://127.0.0.1:8080';
const seconds = Number(process.argv[3] ?? 6);
const tokens = JSON.parse(readFileSync(process.env.TAILGATE_DEMO_USERS ?? '.tailgate-demo/users.json', 'utf8')) as Record<string, string>;

interface Seen {
  pods: Map<string, number>;
  denied: Map<string, string>;
  /** Pods the user may neither read nor learn the names of. */
  hidden: number;
}

async function tail(user: string, token: string): Promise<Seen> {
  const seen: Seen = { pods: new Map(), denied: new Map(), hidden: 0 };
  const say = (text: string) => console.log(`[${user.padEnd(5)}] ${text}`);
  let client: TailgateClient;
  try {
    client = await connect({ url, token });
  } catch (error) {
    console.error(`${user}: cannot connect (${error instanceof TailgateError ? error.code : 'error'})`);
    return seen;
  }
  try {
    const subscription = await client.subscribe({ source: 'node-file.pods', selector: {}, tail: 2 });
    const stop = setTimeout(() => void subscription.unsubscribe(), seconds * 1000);
    for await (const event of subscription) {
      if (event.type === 'records') {
        for (const r of event.records) {
          const pod = `${r.ns}/${r.pod}`;
          seen.pods.set(pod, (seen.pods.get(pod) ?? 0) + 1);
          say(`${pod.padEnd(26)} ${r.stream === 'stderr' ? '!' : ' '} ${r.line}`);
        }
      } else if (event.type === 'denied') {
        seen.denied.set(`${event.target.ns}/${event.target.pod}`, event.reason);
        say(`denied ${event.target.ns}/${event.target.pod}: ${event.reason}`);
      } else if (event.type === 'hidden') {
        seen.hidden = event.count;
        say(`${event.count} pod(s) hidden`);
      } else if (event.type === 'reconnecting' || event.type === 'resumed') {
        say(event.type);
      } else if (event.type === 'ended' && event.error) {
        say(`ended: ${event.error.code} ${event.error.message}`);
      }
    }
    clearTimeout(stop);
  } catch (error) {
    console.error(`${user}: subscribe refused: ${error instanceof TailgateError ? `${error.code} ${error.message}` : 'error'}`);
  } finally {
    client.close();
  }
  return seen;
}

async function main(): Promise<void> {
  const results = await Promise.all(Object.entries(tokens).map(async ([user, token]) => [user, await tail(user, token)] as const));
  console.log('\nWho saw what:');
  for (const [user, seen] of results) {
    const pods = [...seen.pods].map(([pod, n]) => `${pod} (${n})`).join(', ') || 'nothing';
    console.log(`  ${user.padEnd(6)} saw: ${pods}`);
    console.log(`  ${''.padEnd(6)} denied: ${[...seen.denied.keys()].join(', ') || 'nothing'}; hidden: ${seen.hidden}`);
  }
}

void main();
