'use strict';
// The 10,000-file repository the git and authoring benches work on, written with git fast-import
// (setup only, not measured), and the timing helpers they share.
const { spawn, execFileSync } = require('node:child_process');

const FILE_COUNT = 10_000;

function filePath(index) {
  const top = Math.floor(index / 1000);
  const sub = Math.floor((index % 1000) / 100);
  return `d${top}/s${sub}/file-${String(index % 100).padStart(4, '0')}.yaml`;
}

function generateRepository(gitDir) {
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', gitDir]);
  const chunks = [
    'commit refs/heads/main\n',
    'committer bench <bench@example.com> 1700000000 +0000\n',
    'data 4\nseed\n',
  ];
  for (let index = 0; index < FILE_COUNT; index++) {
    const content = `key: ${index}\nvalue: ${'x'.repeat(index % 200)}\n`;
    chunks.push(`M 100644 inline ${filePath(index)}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, 'fast-import', '--quiet'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exit ${code}`))));
    child.stdin.end(chunks.join(''));
  });
}

function percentile(samples, fraction) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

async function time(count, operation) {
  const samples = [];
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    await operation(index);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

module.exports = { FILE_COUNT, filePath, generateRepository, percentile, time };
