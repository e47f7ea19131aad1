// Types of the Ripen JavaScript API (ripen.mjs). The model file format is documented in the
// project's docs/model.md; the decision object mirrors the core's decision JSON.

/** Where a problem is, and what it is. */
export interface Issue {
  /** Stable code, e.g. "ref.unknown_criterion" or "answer.unknown_option". */
  code: string;
  message: string;
  /** JSON path, e.g. "$.questions[2].options[0]" or "$.answers.goal"; "" when not JSON. */
  path: string;
  /** 1-based position in the JSON text, 0 when unknown. */
  line: number;
  column: number;
  severity: 'error' | 'warning';
}

/** Thrown for invalid models, answers and context. `code` and `path` are the first issue's. */
export class RipenError extends Error {
  readonly name: 'RipenError';
  readonly code: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** Every problem found, not just the first. */
  readonly issues: Issue[];
}

export interface LoadOptions {
  /** URL of the .wasm file (default: beside ripen.mjs, or in wasmDir). */
  wasmUrl?: string | URL;
  /** Folder holding ripen-<variant>.mjs and .wasm. In Node, RIPEN_WASM_DIR works too. */
  wasmDir?: string;
  /** The .wasm bytes, when the caller has them already. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** "form" (small: models, decisions) or "tools" (adds batch scoring for bin/ripen.mjs). */
  variant?: 'form' | 'tools';
}

/** A single answer: an option value, option values, a number, or text; null declines. */
export type AnswerValue = string | number | string[] | null;
/** Answers keyed by question id. A missing id is a question not asked yet. */
export type Answers = Record<string, AnswerValue>;
/**
 * What is known besides the answers: utm_* parameters, referrer, hidden fields the page sets,
 * "source" (a segment id), "now" (RFC 3339 or Unix seconds, for the SLA deadline), and
 * "complete": true once the form is finished (open questions then count as declined).
 */
export type Context = Record<string, string | number | boolean | null>;

export type Route = 'handoff' | 'nurture' | 'disqualify' | 'undecided';

export interface CriterionResult {
  points: number;
  /** The range the criterion's points can still reach. */
  lo: number;
  hi: number;
  max: number;
  weight: number;
  from: Array<{ question: string; answer: string; points: number } | { signal: string; points: number }>;
}

export interface Touch {
  day: number;
  channel: string;
  role: string;
  purpose: string;
}

export interface Decision {
  route: Route;
  /** Weighted points from the answers so far. */
  total: number;
  max: number;
  /** total normalised to 0..100. */
  score: number;
  /** The final total will be within [lo, hi]. */
  lo: number;
  hi: number;
  /** The hand-off threshold of the lead's segment. */
  threshold: number;
  criteria: Record<string, CriterionResult>;
  /** true, false, or null while it may still go either way. */
  signals: Record<string, boolean | null>;
  rules: Array<{ id: string; kind: 'knockout' | 'gate'; state: 'fired' | 'clear' | 'passed' | 'failed' | 'open' }>;
  /** Knock-outs that fired. */
  knockouts: string[];
  segment: { id: string; settled: boolean; sla_hours: number };
  handoff: null | { sla_hours: number; deadline: string | null; booking_url: string | null; cadence: Touch[] };
  nurture: null | { track: string; stage: string; every_days: number; content: Array<{ title: string; url: string; format: string }> };
  /** The smallest change of answers that gives another settled route. */
  flip: null | { to: Route; total: number; changes: Array<{ question: string; from: string | null; to: string }> };
  /** For an undecided route: the questions to ask next, best first. */
  next_questions: string[];
  answered: number;
  open: number;
  warnings: Array<{ code: string; message: string; path: string }>;
}

/** A validated model inside the core. Released automatically when garbage-collected. */
export class RipenModel {
  /** Warnings found while loading. */
  readonly warnings: Issue[];
  /** The model document as parsed from its JSON. */
  readonly document: any;
  validate(): { valid: true; warnings: Issue[] };
  decide(answers?: Answers, context?: Context, options?: { language?: string }): Decision;
  explain(answers?: Answers, context?: Context, options?: { language?: string }): string;
  /** Definitions (from the model) of the questions most likely to settle the route. */
  nextQuestions(answers?: Answers, context?: Context, options?: { max?: number }): any[];
  /** Frees the model now; later calls throw RipenError "api.released". */
  release(): void;
}

export class Ripen {
  static load(options?: LoadOptions): Promise<Ripen>;
  readonly version: string;
  readonly variant: 'form' | 'tools';
  /** Loads a model from JSON text or an object; throws RipenError with every problem. */
  model(source: string | object): RipenModel;
}

export default Ripen;
