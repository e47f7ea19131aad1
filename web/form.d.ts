// Types of the <ripen-form> element and mountRipenForm (form.mjs).
import type { Answers, Context, Decision } from './index';

export interface FormOptions {
  /** The model: a URL, JSON text or an object. */
  model: string | object;
  /** POST each submission here (JSON, with an Idempotency-Key header); retried until accepted. */
  endpoint?: string;
  /** Remember answers in localStorage for the next visit (default true). */
  remember?: boolean;
  /** Language of the texts (default: the page's lang, then the model's first language). */
  language?: string;
  /** Answers and context already known; they are never asked. */
  answers?: Answers;
  context?: Context;
  /** Hidden values the page sets: question ids become answers, other names context. */
  hidden?: Record<string, string>;
  /** Folder of the WebAssembly modules (default: beside form.mjs). */
  wasmDir?: string;
  /** Link ripen-form.css automatically (default true). */
  styles?: boolean;
}

/** What the ripen:step, ripen:change and ripen:decision events carry. */
export interface StepDetail { step: number; questions: string[]; decision: Decision; answers: Answers }
export interface ChangeDetail { decision: Decision; answers: Answers }
export interface Submission {
  key: string;
  model: { id: string; version: string };
  answers: Answers;
  context: Context;
  decision: Decision;
  submitted_at: string;
  /** For the endpoint's bot checks: the hidden field's value (empty from a person) and the milliseconds from the first question to this submission. */
  client: { website: string; fill_ms: number };
}
export interface DecisionDetail { decision: Decision; answers: Answers; context: Context; submission: Submission }

export interface FormController {
  readonly ready: Promise<void>;
  readonly decision: Decision | null;
  answers: Answers;
  context: Context;
  /** Clears remembered answers and starts again. */
  forget(): void;
}

export function mountRipenForm(host: HTMLElement, options: FormOptions): FormController;

/** <ripen-form model="..." endpoint="..." remember="off" lang="de" context='{"account_tier":"strategic"}'> */
export class RipenFormElement extends HTMLElement {
  readonly decision: Decision | null;
  forget(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'ripen-form': RipenFormElement;
  }
  interface HTMLElementEventMap {
    'ripen:step': CustomEvent<StepDetail>;
    'ripen:change': CustomEvent<ChangeDetail>;
    'ripen:decision': CustomEvent<DecisionDetail>;
    'ripen:delivered': CustomEvent<{ key: string }>;
    'ripen:rejected': CustomEvent<{ key: string; status: number }>;
  }
}
