// The learned fraud score: a random forest (mljs `ml-random-forest`, pure JavaScript) trained on
// reviewed cases — the operators' decisions are the labels — over the case features (features.ts).
// Training is deterministic for a seed (the library's own seeded sampling; the held-back split is
// a hash of the seed and the case id). The model's input includes the rules' score and signals, so
// its score is "rules + model"; it is compared with the rules alone (the rules' verdict: the score
// at or above the block threshold, or a severe signal) on cases held back from training, at the
// same false-positive rate: its threshold is the lowest at which it flags no larger a share of the
// held-back honest cases than the rules did, and the recall of both is compared there. Because
// that point is chosen on the held-back cases, the population test also measures the stored
// threshold on generator settings the model never saw (test/risk/fraud-model.test.ts).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { RandomForestClassifier } from 'ml-random-forest';
import { FEATURE_NAMES } from './features.ts';

// The random forest (and the matrix library under it) is loaded when a model is first trained or
// loaded, not at start: most processes never score with a model (about 1 MB of V8 heap;
// bench/README.md, "The idle process and memory per player").
const require = createRequire(import.meta.url);
const forestPackage = () => require('ml-random-forest') as typeof import('ml-random-forest');

/** One reviewed case as training data. */
export interface LabelledCase {
  readonly caseId: string;
  readonly features: readonly number[];
  /** The operator's decision: 1 fraud (rejected, restricted, banned), 0 honest (approved, closed without action). */
  readonly label: 0 | 1;
  /** The rules' verdict when the case opened (score at or above the block threshold). */
  readonly rulesFlag: boolean;
}

export interface Measured {
  /** Cases measured, fraud among them, honest among them. */
  readonly n: number;
  readonly positives: number;
  readonly negatives: number;
  readonly flagged: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  /** Per mille, so the stored numbers compare exactly. */
  readonly precisionPermille: number;
  readonly recallPermille: number;
  readonly fprPermille: number;
}

export interface Evaluation {
  readonly trainCases: number;
  readonly heldBackCases: number;
  /** The combined score at or above which rules + model call a case fraud (per mille). */
  readonly thresholdPermille: number;
  readonly rules: Measured;
  readonly combined: Measured;
  /** Rules + model found more fraud than the rules alone without flagging more honest cases, on enough held-back cases. */
  readonly beatsRules: boolean;
  /** Why not, when it does not. */
  readonly reason: string | null;
}

/** A trained model as stored (JSON in the database). */
export interface ModelDoc {
  readonly seed: number;
  readonly featureNames: readonly string[];
  /** Per-feature medians of the training cases: a case's top features are those whose own value moves its score most from these. */
  readonly medians: readonly number[];
  readonly thresholdPermille: number;
  readonly forest: unknown;
}

export const TRAINING = {
  trees: 30,
  /** Share of the features each tree sees. */
  maxFeatures: 0.6,
  maxDepth: 7,
  minNumSamples: 3,
  /** Cases held back from training, per mille (chosen by a hash of the seed and the case id). */
  heldBackPermille: 300,
  /** Held-back fraud and honest cases needed before a comparison can say the model beats the rules. */
  heldBackEachMin: 10,
  /** Reviewed cases of each label needed before a model is trained at all. */
  trainEachMin: 10,
} as const;

export class NotEnoughCases extends Error {
  readonly fraud: number;
  readonly honest: number;
  constructor(fraud: number, honest: number) {
    super(`not enough reviewed cases to train: ${fraud} fraud and ${honest} honest (at least ${TRAINING.trainEachMin} of each)`);
    this.name = 'NotEnoughCases';
    this.fraud = fraud;
    this.honest = honest;
  }
}

const heldBack = (seed: number, caseId: string) =>
  createHash('sha256').update(`${seed}\u0000${caseId}`).digest().readUInt32BE(0) % 1000 < TRAINING.heldBackPermille;

function measure(labels: readonly (0 | 1)[], flags: readonly boolean[]): Measured {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives += 1;
    if (flags[i]) {
      if (labels[i] === 1) tp += 1;
      else fp += 1;
    }
  }
  const negatives = labels.length - positives;
  const flagged = tp + fp;
  const per = (a: number, b: number) => (b === 0 ? 0 : Math.round((a * 1000) / b));
  return {
    n: labels.length,
    positives,
    negatives,
    flagged,
    truePositives: tp,
    falsePositives: fp,
    precisionPermille: per(tp, flagged),
    recallPermille: per(tp, positives),
    fprPermille: per(fp, negatives),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
};

function votes(forest: RandomForestClassifier, rows: readonly (readonly number[])[]): number[] {
  if (rows.length === 0) return [];
  const m = forest.predictionValues(rows.map((r) => [...r]));
  const out: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    const row = m.getRow(i);
    out.push(Math.round((row.filter((v) => v === 1).length * 1000) / row.length));
  }
  return out;
}

/** Trains on the cases not held back, sets the threshold, and compares with the rules on the held-back ones. */
export function trainModel(cases: readonly LabelledCase[], seed: number): { doc: ModelDoc; evaluation: Evaluation } {
  const sorted = [...cases].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  const train = sorted.filter((c) => !heldBack(seed, c.caseId));
  const test = sorted.filter((c) => heldBack(seed, c.caseId));
  const fraud = train.filter((c) => c.label === 1).length;
  if (fraud < TRAINING.trainEachMin || train.length - fraud < TRAINING.trainEachMin) throw new NotEnoughCases(fraud, train.length - fraud);
  const forest = new (forestPackage().RandomForestClassifier)({
    seed,
    nEstimators: TRAINING.trees,
    maxFeatures: TRAINING.maxFeatures,
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    treeOptions: { maxDepth: TRAINING.maxDepth, minNumSamples: TRAINING.minNumSamples },
  });
  forest.train(
    train.map((c) => [...c.features]),
    train.map((c) => c.label),
  );
  const testVotes = votes(
    forest,
    test.map((c) => c.features),
  );
  const labels = test.map((c) => c.label);
  const rules = measure(
    labels,
    test.map((c) => c.rulesFlag),
  );
  // The operating point: the lowest threshold at which rules + model flag no larger a share of the
  // held-back honest cases than the rules alone; then both are compared there (recall at the same
  // false-positive rate, as two ROC curves are compared at one point).
  let threshold = 1001;
  for (let t = 1000; t >= 1; t -= 1) {
    const m = measure(
      labels,
      testVotes.map((p) => p >= t),
    );
    if (m.falsePositives <= rules.falsePositives) threshold = t;
    else break;
  }
  const combined = measure(
    labels,
    testVotes.map((p) => p >= threshold),
  );
  let reason: string | null = null;
  if (rules.positives < TRAINING.heldBackEachMin || rules.negatives < TRAINING.heldBackEachMin)
    reason = `too few held-back cases: ${rules.positives} fraud and ${rules.negatives} honest (at least ${TRAINING.heldBackEachMin} of each)`;
  else if (combined.falsePositives > rules.falsePositives)
    reason = `flags more honest cases than the rules (${combined.fprPermille}‰ against ${rules.fprPermille}‰)`;
  else if (combined.recallPermille <= rules.recallPermille)
    reason = `finds no more fraud than the rules (recall ${combined.recallPermille}‰ against ${rules.recallPermille}‰)`;
  const medians = FEATURE_NAMES.map((_, i) => median(train.map((c) => c.features[i] ?? 0)));
  return {
    doc: { seed, featureNames: [...FEATURE_NAMES], medians, thresholdPermille: threshold, forest: forest.toJSON() },
    evaluation: {
      trainCases: train.length,
      heldBackCases: test.length,
      thresholdPermille: threshold,
      rules,
      combined,
      beatsRules: reason === null,
      reason,
    },
  };
}

/** Rules alone against rules + model (at the model's threshold) on cases it never saw. */
export function compareOn(model: LoadedModel, cases: readonly LabelledCase[]): { rules: Measured; combined: Measured } {
  const labels = cases.map((c) => c.label);
  const t = model.doc.thresholdPermille;
  return {
    rules: measure(
      labels,
      cases.map((c) => c.rulesFlag),
    ),
    combined: measure(
      labels,
      model.scoreMany(cases.map((c) => c.features)).map((p) => p >= t),
    ),
  };
}

/** A stored model, loaded for scoring. */
export class LoadedModel {
  readonly doc: ModelDoc;
  readonly #forest: RandomForestClassifier;

  constructor(doc: ModelDoc) {
    this.doc = doc;
    this.#forest = forestPackage().RandomForestClassifier.load(doc.forest as Parameters<typeof RandomForestClassifier.load>[0]);
  }

  /** The share of trees voting fraud, per mille. */
  scoreMany(rows: readonly (readonly number[])[]): number[] {
    return votes(this.#forest, rows);
  }

  /**
   * A case's score and the features that drove it: each feature set back to the training median
   * in turn, the score's change is that feature's push (positive: towards fraud). The five largest.
   */
  explain(features: readonly number[]): { scorePermille: number; top: { feature: string; value: number; push: number }[] } {
    const base = [...features];
    const variants = this.doc.featureNames.map((_, i) => base.map((v, j) => (j === i ? (this.doc.medians[i] ?? 0) : v)));
    const [score, ...others] = votes(this.#forest, [base, ...variants]);
    const top = this.doc.featureNames
      .map((feature, i) => ({ feature, value: base[i] ?? 0, push: (score ?? 0) - (others[i] ?? 0) }))
      .filter((f) => f.push !== 0)
      .sort((a, b) => Math.abs(b.push) - Math.abs(a.push) || (a.feature < b.feature ? -1 : 1))
      .slice(0, 5);
    return { scorePermille: score ?? 0, top };
  }
}
