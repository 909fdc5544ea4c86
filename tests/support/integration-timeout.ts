// Integration tests start real server, worker and dependency processes; hooks and tests may take minutes
// on a loaded machine.
jest.setTimeout(120_000);
