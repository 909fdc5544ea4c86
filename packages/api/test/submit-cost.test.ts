import { LocalGitAdapter, type GitAdapter } from '@conman/git';
import { changesetWorldOn, type ChangesetBody, type ChangesetWorld } from './support/changeset-world';
import { startIdentityApi, type IdentityFixture } from './support/identity-fixture';

/**
 * What one changeset submit costs in MongoDB round trips and GitAdapter calls (docs/workspaces.md,
 * "Cost of a submit"). The bounds are the measured numbers: a change that adds round trips to the
 * submit path fails here and has to say why in that table.
 *
 * Before the workspace service split: 15 MongoDB commands, 15 GitAdapter calls. After it: 13 and 12
 * (no app re-read, no user read for the signature, no ref read outside the commit, the squashed
 * source's tree not read twice).
 */
const MAX_MONGO_COMMANDS = 13;
const MAX_GIT_CALLS = 12;

interface Tally {
  counting: boolean;
  mongo: string[];
  git: string[];
}

const tally: Tally = { counting: false, mongo: [], git: [] };

/** The adapter with every method call recorded while counting (methods run on the real adapter). */
function countingGit(adapter: GitAdapter): GitAdapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (tally.counting) tally.git.push(String(property));
        return (value as (...params: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function histogram(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

let fixture: IdentityFixture;
let world: ChangesetWorld;

beforeAll(async () => {
  fixture = await startIdentityApi(undefined, {
    monitorCommands: true,
    createGit: (storageRoot) => countingGit(new LocalGitAdapter({ storageRoot })),
  });
  fixture.database.client.on('commandStarted', (event) => {
    // `find users`, `insert audit_events`: the collection is the command's value where it has one.
    const target: unknown = event.command[event.commandName];
    if (tally.counting)
      tally.mongo.push(typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName);
  });
  world = await changesetWorldOn(fixture, 'submit-cost', true);
});

afterAll(() => world.close());

it('submits a changeset with one pending edit within the measured MongoDB and Git budget', async () => {
  const draft = await world.draft(world.author, 'Cost of a submit');
  tally.counting = true;
  const result = await world.call<{ changeset: ChangesetBody }>(
    'POST',
    world.app(`/changesets/${draft.id}/submit`),
    world.author.token,
  );
  tally.counting = false;
  expect(result.status).toBe(202);
  expect(result.data.changeset).toMatchObject({ state: 'submitted', revision: 1 });

  console.log(
    [
      `submit cost: ${tally.mongo.length} MongoDB commands, ${tally.git.length} GitAdapter calls`,
      `MongoDB: ${JSON.stringify(histogram(tally.mongo))}`,
      `Git: ${JSON.stringify(histogram(tally.git))}`,
    ].join('\n'),
  );
  expect(tally.mongo.length).toBeLessThanOrEqual(MAX_MONGO_COMMANDS);
  expect(tally.git.length).toBeLessThanOrEqual(MAX_GIT_CALLS);
});
