// The permission classes of one stream and their Socket.IO rooms: which class each live listener
// is in, kept in step with the rooms its socket joined.
import { buildClass, classKeyOf, type PermissionClass } from './permission-classes';
import type { StreamListener } from './stream-listener';

export class ClassRooms {
  private classes = new Map<string, PermissionClass>();

  constructor(private readonly streamId: string) {}

  values(): IterableIterator<PermissionClass> {
    return this.classes.values();
  }

  join(listener: StreamListener, liveTargets: readonly string[]): void {
    const key = classKeyOf(listener, liveTargets);
    const existing = this.classes.get(key);
    if (existing) existing.members.add(listener.id);
    else this.classes.set(key, buildClass(key, this.roomOf(key), listener, liveTargets));
    void listener.socket.join(this.roomOf(key));
    listener.classKey = key;
  }

  leave(listener: StreamListener): void {
    if (listener.classKey === undefined) return;
    const cls = this.classes.get(listener.classKey);
    cls?.members.delete(listener.id);
    if (cls?.members.size === 0) this.classes.delete(listener.classKey);
    void listener.socket.leave(this.roomOf(listener.classKey));
    listener.classKey = undefined;
  }

  /** Regroups `members` (every listener in a class); the targets or someone's access changed. */
  rebuild(members: Iterable<StreamListener>, liveTargets: readonly string[]): void {
    const next = new Map<string, PermissionClass>();
    for (const listener of members) {
      const key = classKeyOf(listener, liveTargets);
      const room = this.roomOf(key);
      const cls = next.get(key);
      if (cls) cls.members.add(listener.id);
      else next.set(key, buildClass(key, room, listener, liveTargets));
      if (listener.classKey !== key) {
        if (listener.classKey !== undefined) void listener.socket.leave(this.roomOf(listener.classKey));
        void listener.socket.join(room);
        listener.classKey = key;
      }
    }
    this.classes = next;
  }

  private roomOf(key: string): string {
    return `${this.streamId}:${key}`;
  }
}
