import { BatchedLineStream } from '../src/batched-stdout';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchedLineStream', () => {
  it('writes the lines of one event-loop turn in one write, in order', async () => {
    const writes: string[] = [];
    const stream = new BatchedLineStream({ write: (text: string) => writes.push(text) });
    stream.write('a\n');
    stream.write('b\n');
    stream.write(Buffer.from('c\n'));
    expect(writes).toEqual([]);
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n']);
    stream.write('d\n');
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
    stream.end();
  });

  it('writes what is pending when the stream ends', async () => {
    const writes: string[] = [];
    const stream = new BatchedLineStream({ write: (text: string) => writes.push(text) });
    stream.write('last\n');
    await new Promise((resolve) => stream.end(resolve));
    expect(writes).toEqual(['last\n']);
  });
});
