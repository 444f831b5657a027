// The Redis Cluster slot of a key or shard channel (CRC16/XMODEM of its hash tag, or of the whole
// name, modulo 16384), so the bus knows which shard's subscriber connection takes a channel.

export const CLUSTER_SLOTS = 16_384;

/** The slot Redis Cluster assigns `name` to: only the first non-empty `{…}` counts when there is one. */
export function clusterKeySlot(name: string): number {
  const bytes = Buffer.from(name, 'utf8');
  const open = bytes.indexOf(0x7b); // {
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % CLUSTER_SLOTS;
  }
  return crc16(bytes) % CLUSTER_SLOTS;
}

// CRC-16/XMODEM (polynomial 0x1021, initial value 0), bit by bit: channels are short and each
// channel's slot is computed once per subscription.
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
