// The ids of one connection's subscriptions (stream ids). Nearly every connection holds one, so
// the first id sits in a field and a Set is made only for a second: a Set's hash table (about
// 130 bytes, allocated empty) on every connection is most of what this costs otherwise.
export class SubscriptionIds {
  private first: string | undefined;
  private more: Set<string> | undefined;

  has(id: string): boolean {
    return this.first === id || this.more?.has(id) === true;
  }

  add(id: string): void {
    if (this.has(id)) return;
    if (this.first === undefined) this.first = id;
    else (this.more ??= new Set()).add(id);
  }

  /** Removes an id; true when it was here. */
  delete(id: string): boolean {
    if (this.first !== id) return this.more?.delete(id) === true;
    this.first = undefined;
    return true;
  }
}
