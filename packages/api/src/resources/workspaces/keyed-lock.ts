/**
 * Runs tasks with the same key one after another inside this process. Writers to one workspace queue
 * here instead of racing each other's ref CAS; the CAS stays the guarantee across processes.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      // The last task of a key removes the entry so idle workspaces hold no memory.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
