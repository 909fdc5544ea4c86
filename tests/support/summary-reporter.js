// Prints one plain closing line ("jest: N passed, N failed") that CI tooling reads, after jest's own summary.
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const suffix = skipped > 0 ? `, ${skipped} skipped` : '';
    const line = `\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${suffix}\n`;
    // Jest writes its own summary after every reporter's onRunComplete, so ours waits for process exit.
    process.prependOnceListener('exit', () => writeSync(1, line));
  }
}

module.exports = SummaryReporter;
