// Preloaded into `conman up` and its children (NODE_OPTIONS=--require) when BENCH_CPU_PROFILE_DIR is
// set: the `conman serve` process records a V8 CPU profile and writes it there when it exits
// (`--cpu-prof` itself is not allowed in NODE_OPTIONS). Open the .cpuprofile in Chrome DevTools.
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const directory = process.env.BENCH_CPU_PROFILE_DIR;
if (directory && process.argv.includes('serve')) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this works in an exit handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error)
        writeFileSync(
          path.join(directory, `serve-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    });
  });
}
