// Tails the demo as each of its users at once and shows who sees what.
//   npx tsx examples/tail-as-users.ts [url] [seconds]
// Reads the users' tokens from .tailgate-demo/users.json (written by the demo).
import { readFileSync } from 'node:fs';

import type { ClientToServerEvents, ServerToClientEvents } from '@tailgate/contracts';
import { io, type Socket } from 'socket.io-client';

const url = process.argv[2] ?? 'http://127.0.0.1:8080';
const seconds = Number(process.argv[3] ?? 6);
const tokens = JSON.parse(readFileSync(process.env.TAILGATE_DEMO_USERS ?? '.tailgate-demo/users.json', 'utf8')) as Record<string, string>;

interface Seen {
  pods: Map<string, number>;
  denied: Map<string, string>;
  /** Pods the user may neither read nor learn the names of. */
  hidden: number;
}

function tail(user: string, token: string): Promise<Seen> {
  const seen: Seen = { pods: new Map(), denied: new Map(), hidden: 0 };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}/logs`, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
  });
  socket.on('connect_error', (error) => console.error(`${user}: cannot connect (${error.message})`));
  socket.on('records', ({ batch }) => {
    for (const r of batch) {
      const pod = `${r.ns}/${r.pod}`;
      seen.pods.set(pod, (seen.pods.get(pod) ?? 0) + 1);
      console.log(`[${user.padEnd(5)}] ${pod.padEnd(26)} ${r.stream === 'stderr' ? '!' : ' '} ${r.line}`);
    }
  });
  socket.on('denied', ({ target, reason }) => {
    seen.denied.set(`${target.ns}/${target.pod}`, reason);
    console.log(`[${user.padEnd(5)}] denied ${target.ns}/${target.pod}: ${reason}`);
  });
  socket.on('hidden', ({ count }) => {
    seen.hidden = count;
    console.log(`[${user.padEnd(5)}] ${count} pod(s) hidden`);
  });
  socket.on('connect', () => {
    void socket.emitWithAck('subscribe', { source: 'node-file.pods', selector: {}, tail: 2 }).then((ack) => {
      if (!ack.ok) console.error(`${user}: subscribe refused: ${ack.error.code} ${ack.error.message}`);
    });
  });
  return new Promise((resolve) =>
    setTimeout(() => {
      socket.close();
      resolve(seen);
    }, seconds * 1000),
  );
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
