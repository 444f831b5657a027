// What one records batch off the Redis bus costs the gateway from its bus frame to its Socket.IO
// frame (decode, the class's copy, the records frame), with the batch serialised again and with
// the records' JSON reused as it arrived (`arrivedRecordsJson`): ns per batch of 100 records, in
// one process, alternating. Standalone, no servers:
//   npx tsx --tsconfig tsconfig.base.json --conditions=@tailgate/source bench/redis-frame-reuse.ts
import { recordsEvent, type WireRecord } from '@tailgate/contracts';
import { PacketType } from 'socket.io-parser';

import { arrivedRecordsJson, decodeBusMessage, encodeBusMessage } from '../apps/gateway/src/model/bus-message';
import { encodeWithBatch, RecordsEncoder } from '../apps/gateway/src/wire/records-encoder';

const BATCHES = 20_000;
const ROUNDS = 5;

const records: WireRecord[] = Array.from({ length: 100 }, (_, i) => ({
  ts: '2026-12-07T10:00:00.123456789Z',
  ns: 'team-a',
  pod: 'checkout-api-7d9f',
  container: 'app',
  stream: 'stdout',
  line: `level=info msg="request handled" path=/api/v1/orders/${i} status=200 duration_ms=${i % 50} user=u${i}`,
  cursor: `0176510160012345678${i % 10}-00000000${String(i).padStart(2, '0')}`,
}));
const frame = encodeBusMessage({ t: 'records', records, fence: 12 });
const encoder = new RecordsEncoder();

function nsPerBatch(reuse: boolean): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < BATCHES; i++) {
    const message = decodeBusMessage(frame);
    if (message?.t !== 'records') throw new Error('not a records frame');
    const payload = recordsEvent('sub-1', message.records.slice());
    const arrived = reuse ? arrivedRecordsJson(message.records) : undefined;
    if (arrived !== undefined) encodeWithBatch(payload, arrived);
    encoder.encode({ type: PacketType.EVENT, nsp: '/logs', data: ['records', payload] });
  }
  return Number(process.hrtime.bigint() - started) / BATCHES;
}

const again: number[] = [];
const reused: number[] = [];
for (let round = 0; round <= ROUNDS; round++) {
  // Alternating which goes first; round 0 warms up.
  const first = round % 2 === 0;
  const a = first ? nsPerBatch(false) : Number.NaN;
  const b = nsPerBatch(true);
  const c = first ? a : nsPerBatch(false);
  if (round === 0) continue;
  again.push(c);
  reused.push(b);
}
const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
console.log(
  `frame ${frame.length} bytes, 100 records: serialised again ${median(again).toFixed(0)} ns/batch, ` +
    `JSON reused ${median(reused).toFixed(0)} ns/batch (medians of ${ROUNDS} rounds of ${BATCHES})`,
);
