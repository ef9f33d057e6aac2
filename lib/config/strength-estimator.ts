import { ZxcvbnFactory, type ZxcvbnResult } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

/**
 * zxcvbn (a maintained port) with its common-password and English dictionaries: estimates how
 * many guesses a cracker needs, finding words, names, keyboard walks, sequences, repeats and
 * dates, rather than counting character classes. Used for passwords (lib/auth) and for
 * configured secrets (here); built on first use because the dictionaries are a few MB.
 */
let factory: ZxcvbnFactory | undefined;

function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    // zxcvbn's matching grows quickly with length and with l33t substitutions (seconds for a
    // 50-character random string at its defaults); these bounds keep one estimate near 100 ms.
    // Past 100 characters nothing more is estimated, and the first 100 decide.
    maxLength: 100,
    l33tMaxSubstitutions: 4,
  });
  return factory;
}

export interface StrengthEstimate {
  /** log2 of the estimated guesses needed. */
  bits: number;
  /** zxcvbn's 0–4 score. */
  score: number;
  /** What is wrong with it, in words, when zxcvbn has something to say. */
  warning: string | null;
  suggestions: string[];
}

/** Estimates the strength of `value`; `userInputs` (email, name) count as known words. */
export function estimateStrength(value: string, userInputs: string[] = []): StrengthEstimate {
  const result: ZxcvbnResult = estimator().check(value, userInputs);
  return {
    bits: result.guessesLog10 * Math.log2(10),
    score: result.score,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
  };
}
