// Kills the servers a test process started when that process exits without stopping them, so an
// interrupted run leaves no redis-server behind. (Spawning under `setpriv --pdeathsig` covers a
// parent killed outright, where no exit handler runs.)
const livePids = new Set<number>();
let installed = false;

export interface OrphanGuard {
  /** The child was stopped on purpose; stop guarding it. */
  release(): void;
}

function killAll(): void {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing to clean up.
    }
  }
  livePids.clear();
}

/** SIGKILLs `pid` if this process exits while the guard is still held. */
export function guardAgainstOrphaning(pid: number): OrphanGuard {
  if (!installed) {
    process.once('exit', killAll);
    installed = true;
  }
  livePids.add(pid);
  return { release: () => livePids.delete(pid) };
}
