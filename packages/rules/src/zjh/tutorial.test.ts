// The tutorial's script: the rankings it names come from the evaluator, the player's pair beats
// bot A, and the practice points add up at every step.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TUTORIAL_ANTE, TUTORIAL_CALL, TUTORIAL_START_POINTS, tutorialView } from './tutorial.ts';

it('names each hand as it shows and keeps the practice points right at every step', () => {
  const deal = tutorialView('deal');
  assert.deepEqual(deal.categories, { you: 'pair', botA: 'high_card', botB: 'flush' });
  assert.deepEqual(deal.seen, []);
  assert.equal(deal.points, TUTORIAL_START_POINTS - TUTORIAL_ANTE);
  assert.equal(deal.youOpen, false);
  assert.deepEqual(tutorialView('looked').seen, ['pair']);
  assert.equal(tutorialView('looked').botsOpen, false);
  const shown = tutorialView('shown');
  assert.equal(shown.won, true);
  assert.equal(shown.pot, TUTORIAL_ANTE * 3 + TUTORIAL_CALL * 2);
  assert.equal(shown.points, TUTORIAL_START_POINTS - TUTORIAL_ANTE - TUTORIAL_CALL + shown.pot);
  assert.deepEqual([...shown.seen].sort(), ['flush', 'high_card', 'pair']);
  const folded = tutorialView('folded');
  assert.equal(folded.over, true);
  assert.equal(folded.pot, TUTORIAL_ANTE * 3 + TUTORIAL_CALL);
  assert.equal(folded.points, TUTORIAL_START_POINTS - TUTORIAL_ANTE);
});
