import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  PayloadTooLargeError,
  analyzeChangeset,
  computeSemanticDiff,
  type Analysis,
  type AnalysisContext,
  type SemanticDiffInput,
  type SemanticDiffResponse,
} from '@conman/core';

/**
 * Semantic diff and built-in analysis of member content, off the server's event loop: each task runs
 * in a worker thread with a heap limit and a time budget (`CONMAN_ANALYSIS_BUDGET_MS`). A task past
 * either ends its thread (never the server: an out-of-memory abort kills only that thread) and the
 * request gets 413; health checks and every other request keep being served meanwhile
 * (docs/security.md, "Limits on untrusted content").
 */
export interface AnalysisRunner {
  semanticDiff(input: SemanticDiffInput): Promise<SemanticDiffResponse>;
  analyze(context: AnalysisContext): Promise<Analysis>;
  close(): Promise<void>;
}

type Task = { kind: 'diff'; input: SemanticDiffInput } | { kind: 'analyze'; context: AnalysisContext };

export interface AnalysisPoolOptions {
  budgetMs: number;
  /** Threads running at once (default 2); further tasks wait in line. */
  size?: number;
  /** Old-generation heap of one thread (default 512 MiB). */
  heapMb?: number;
}

/** The thread body: the pure functions of `@conman/core`, loaded from its build. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const core = require(workerData.coreEntry);
parentPort.on('message', (task) => {
  const result =
    task.kind === 'diff' ? core.computeSemanticDiff(task.input) : core.analyzeChangeset(task.context);
  parentPort.postMessage(result);
});
`;

/** `@conman/core`'s built entry, as this process resolves it. */
function coreEntry(): string {
  return createRequire(__filename).resolve('@conman/core');
}

function tooLarge(reason: 'time_budget' | 'memory' | 'crash', budgetMs: number): PayloadTooLargeError {
  const why =
    reason === 'time_budget'
      ? `did not finish within the analysis budget (${budgetMs} ms)`
      : reason === 'memory'
        ? 'needed more memory than an analysis may use'
        : 'could not be processed';
  return new PayloadTooLargeError(
    `The changeset's content is too large or complex to analyze: it ${why}. The raw file diff is still available.`,
    { reason },
  );
}

interface Pending {
  task: Task;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class AnalysisPool implements AnalysisRunner {
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private running = 0;
  private closed = false;
  private readonly size: number;
  private readonly heapMb: number;
  private readonly entry = coreEntry();

  constructor(private readonly options: AnalysisPoolOptions) {
    this.size = options.size ?? 2;
    this.heapMb = options.heapMb ?? 512;
  }

  semanticDiff(input: SemanticDiffInput): Promise<SemanticDiffResponse> {
    return this.submit({ kind: 'diff', input }) as Promise<SemanticDiffResponse>;
  }

  analyze(context: AnalysisContext): Promise<Analysis> {
    return this.submit({ kind: 'analyze', context }) as Promise<Analysis>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }

  private submit(task: Task): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.size && this.queue.length > 0) {
      const next = this.queue.shift() as Pending;
      this.running += 1;
      this.execute(next);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { coreEntry: this.entry },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    });
    worker.unref(); // an idle analysis thread never keeps the process alive
    return worker;
  }

  private execute(pending: Pending): void {
    const worker = this.idle.pop() ?? this.spawn();
    let settled = false;
    const finish = (outcome: { value: unknown } | { error: Error }, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
      if (reusable && !this.closed) this.idle.push(worker);
      else void worker.terminate();
      this.running -= 1;
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.value);
      this.drain();
    };
    const timer = setTimeout(
      () => finish({ error: tooLarge('time_budget', this.options.budgetMs) }, false),
      this.options.budgetMs,
    );
    worker.once('message', (value: unknown) => finish({ value }, true));
    worker.once('error', (error: Error & { code?: string }) => {
      const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash';
      finish({ error: tooLarge(reason, this.options.budgetMs) }, false);
    });
    worker.once('exit', () => finish({ error: tooLarge('crash', this.options.budgetMs) }, false));
    worker.postMessage(pending.task);
  }
}

/** The same functions on the calling thread (unit tests of modules that do not exercise the limits). */
export const inlineAnalysis: AnalysisRunner = {
  semanticDiff: (input) => Promise.resolve(computeSemanticDiff(input)),
  analyze: (context) => Promise.resolve(analyzeChangeset(context)),
  close: () => Promise.resolve(),
};
