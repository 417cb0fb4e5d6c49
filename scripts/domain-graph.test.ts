// The HTTP kernel is a leaf: no domain behind it, so no import cycle between domains runs through it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cycles, domainEdges, LEAVES } from './domain-graph.ts';

describe('domain import graph', () => {
  const edges = domainEdges();

  it('the HTTP kernel imports no domain, and every domain that declares endpoints imports it', () => {
    for (const leaf of LEAVES) assert.deepEqual([...(edges.get(leaf)?.keys() ?? [])], [], `${leaf} imports a domain`);
    assert.ok(edges.get('rooms')?.has('http'), 'the graph sees the rooms routes importing the kernel');
  });

  it('no import cycle between domains passes through the HTTP kernel', () => {
    for (const component of cycles(edges)) assert.ok(!component.includes('http'), `cycle through http: ${component.join(', ')}`);
  });

  it('finds a planted cycle', () => {
    const planted = new Map([
      ['a', new Map([['b', ['a/x.ts → ../b/index.ts']]])],
      ['b', new Map([['a', ['b/y.ts → ../a/index.ts']]])],
      ['c', new Map([['a', ['c/z.ts → ../a/index.ts']]])],
    ]);
    assert.deepEqual(cycles(planted), [['a', 'b']]);
  });
});
