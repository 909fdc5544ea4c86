import { GitUnavailableError } from '../errors';
import { CatFileDiedError, CatFileProcess, type CatFileAnswer } from './cat-file-process';

export interface CatFilePoolOptions {
  /** Processes per repository; requests go to the least loaded one. */
  processesPerRepository: number;
  /** A process with nothing to do for this long exits. */
  idleMs: number;
}

/**
 * Long-lived `cat-file` processes per repository, so reads cost a pipe round trip instead of a
 * process start. Dead processes are dropped and replaced on the next request; a request caught by a
 * death is retried once on a fresh process.
 */
export class CatFilePool {
  private readonly processes = new Map<string, CatFileProcess[]>();
  private closed = false;

  constructor(private readonly options: CatFilePoolOptions) {}

  async read(gitDir: string, object: string, wantsContent: boolean): Promise<CatFileAnswer> {
    try {
      return await this.pick(gitDir).request(object, wantsContent);
    } catch (error) {
      if (!(error instanceof CatFileDiedError)) throw error;
      try {
        return await this.pick(gitDir).request(object, wantsContent);
      } catch (retryError) {
        if (retryError instanceof CatFileDiedError)
          throw new GitUnavailableError('git cat-file keeps exiting');
        throw retryError;
      }
    }
  }

  /** Process ids serving a repository (for diagnostics and tests). */
  pids(gitDir: string): number[] {
    return (this.processes.get(gitDir) ?? []).flatMap((process) => (process.pid ? [process.pid] : []));
  }

  /** Stops the processes of one repository, e.g. before it is removed. */
  closeRepository(gitDir: string): void {
    for (const process of this.processes.get(gitDir) ?? []) process.close();
    this.processes.delete(gitDir);
  }

  close(): void {
    this.closed = true;
    for (const gitDir of [...this.processes.keys()]) this.closeRepository(gitDir);
  }

  private pick(gitDir: string): CatFileProcess {
    if (this.closed) throw new GitUnavailableError('git adapter is closed');
    const list = this.processes.get(gitDir) ?? [];
    this.processes.set(gitDir, list);
    const idle = list.find((process) => process.alive && process.load === 0);
    if (idle) return idle;
    if (list.length < this.options.processesPerRepository) {
      const process = new CatFileProcess(gitDir, this.options.idleMs, (dead) => this.forget(gitDir, dead));
      list.push(process);
      return process;
    }
    return list.reduce((best, process) => (process.load < best.load ? process : best));
  }

  private forget(gitDir: string, dead: CatFileProcess): void {
    const list = this.processes.get(gitDir);
    if (!list) return;
    const remaining = list.filter((process) => process !== dead);
    if (remaining.length === 0) this.processes.delete(gitDir);
    else this.processes.set(gitDir, remaining);
  }
}
