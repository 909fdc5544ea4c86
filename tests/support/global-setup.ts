// Replaced by the full harness (MongoDB + Redis + data dir) in the foundation work; kept minimal so package
// unit tests can run meanwhile.
export default async function globalSetup(): Promise<void> {}
