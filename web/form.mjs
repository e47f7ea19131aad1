// <ripen-form>: the progressive qualification form a website visitor sees. It asks only what is
// still unknown, a few questions per step, chosen by the core to settle the decision soonest,
// and shows the outcome at once. Every visitor-facing text comes from the model; everything is
// rendered as text, never HTML; no inline script or style is used (strict CSP friendly).
//
//   <ripen-form model="/models/default.json" endpoint="/api/leads"></ripen-form>
//   import { mountRipenForm } from '@ripen/core/form'; mountRipenForm(element, { model: '/m.json' });
//
// Sections
//   the form                 FormController: steps, answers, outcome, fallback, submission
// (DOM and text helpers: form-util.mjs; the outbox and storage: outbox.mjs; built-in texts:
// form-texts.mjs.)
//   mountRipenForm, <ripen-form>   the two ways to put the form on a page

import { Ripen, RipenError } from './ripen.mjs';
import { builtIn } from './form-texts.mjs';
import { outbox, storageGet, storageSet } from './outbox.mjs';
import { COUNTRY_CODES, bookingLink, digest, el, fill, matters, newKey, textIn } from './form-util.mjs';

const STORAGE_PREFIX = 'ripen:answers:';

let coreLoading = null;
function loadCore(options) {
  if (!coreLoading) coreLoading = Ripen.load(options);
  return coreLoading;
}

// Why the form could not start, for the ripen:error event (never shown to the visitor).
class LoadProblem extends Error {
  constructor(code, message, cause) {
    super(message);
    this.code = code;
    this.cause = cause;
  }
}

// ---- the form --------------------------------------------------------------------------------

class FormController {
  constructor(host, options) {
    this.host = host;
    this.options = options;
    this.answers = {};
    this.known = new Set();     // answered before the form started: never asked
    this.context = {};
    this.steps = [];            // question ids per step
    this.snapshots = [];        // the answers when the step after each one was chosen
    this.position = -1;
    this.decision = null;
    this.outcomeShown = false;
    this.liveFrame = 0;
    this.firstShown = null;     // when the first question appeared (performance.now())
    this.trap = '';             // the hidden field's value: people never see it, bots fill it
  }

  async start() {
    const { host, options } = this;
    // The stylesheet beside this module, linked (not inlined) so a strict CSP allows it; not a
    // second time when the page links it already, with or without data-ripen-styles.
    const hasStyles = () => [...document.querySelectorAll('link[rel~="stylesheet"]')].some(
      (link) => link.hasAttribute('data-ripen-styles') || /(^|\/)ripen-form\.css([?#]|$)/.test(link.getAttribute('href') || ''));
    if (options.styles !== false && !hasStyles()) {
      document.head.append(el('link', { rel: 'stylesheet', href: new URL('./ripen-form.css', import.meta.url).href, 'data-ripen-styles': true }));
    }
    host.classList.add('ripen-form');
    // A first step the page was built with (site/prerender.mjs) stays, usable, until the core is
    // ready; the form then takes it over, keeping what the visitor did meanwhile.
    const prerendered = options.prerender ? null : host.querySelector(':scope > .ripen-body > form.ripen-step[data-ripen-prerendered]');
    if (prerendered) {
      this.root = prerendered.parentElement;
      this.status = host.querySelector(':scope > .ripen-status') ?? host.appendChild(el('div', { class: 'ripen-status', role: 'status', 'aria-live': 'polite' }));
      prerendered.addEventListener('submit', (event) => {
        event.preventDefault();
        this.submitBeforeReady = true;
      });
      // A returning visitor will not get the first step but their own: it is hidden (its room
      // kept) rather than shown and then swapped.
      const modelId = prerendered.getAttribute('data-ripen-model');
      if (options.remember && modelId && storageGet(`${STORAGE_PREFIX}${modelId}`)?.answers) prerendered.classList.add('ripen-resuming');
    } else {
      host.setAttribute('aria-busy', 'true');
      this.root = el('div', { class: 'ripen-body' });
      this.status = el('div', { class: 'ripen-status', role: 'status', 'aria-live': 'polite' });
      host.replaceChildren(this.root, this.status);
      this.root.append(el('div', { class: 'ripen-loading', 'aria-hidden': 'true' }));
    }
    // Focus moves into the form only once the visitor uses it: never on load.
    // Once the visitor uses the form, it may also shrink to its content (no room kept for a step).
    const engaged = () => {
      this.engaged = true;
      host.classList.add('ripen-engaged');
    };
    if (!options.prerender) for (const type of ['pointerdown', 'keydown', 'input']) host.addEventListener(type, engaged, { capture: true });
    this.language = options.language || document.documentElement.lang || 'en';
    try {
      // The model is fetched while the core loads, not after it.
      const modelText = typeof options.model === 'string' && !options.model.trim().startsWith('{') ? this.fetchModel(options.model) : null;
      const core = loadCore({ wasmDir: options.wasmDir }).catch((error) => {
        throw new LoadProblem('core_unavailable', `the core could not start: ${error && error.message}`, error);
      });
      const [ripen, text] = await Promise.all([core, modelText]);
      try {
        this.model = ripen.model(text ?? options.model);
      } catch (error) {
        throw new LoadProblem('model_invalid', `the model is invalid: ${error.message}`, error);
      }
    } catch (error) {
      const problem = error instanceof LoadProblem ? error : new LoadProblem('core_unavailable', String(error && error.message), error);
      host.removeAttribute('aria-busy');
      this.emit('ripen:error', { code: problem.code, message: problem.message, error: problem.cause ?? problem });
      this.fallback(problem);
      return;
    }
    this.doc = this.model.document;
    this.language = options.language || document.documentElement.lang || this.doc.languages[0];
    this.storageKey = `${STORAGE_PREFIX}${this.doc.id}`;
    this.collectKnown();
    host.removeAttribute('aria-busy');
    // Remembered answers that settle the route on load: the outcome shows at once.
    const remembered = this.doc.questions.map((q) => q.id).filter((id) => id in this.answers && !this.fixed.has(id));
    this.resumedOnLoad = remembered.length > 0;
    // A reload in the middle of the form: the remembered answers become the step before, so Back
    // still leads to them.
    if (remembered.length && this.decide().route === 'undecided') {
      this.steps = [remembered];
      this.position = 0;
    }
    if (prerendered) return this.takeOver(prerendered);
    this.next(false);
  }

  // Replaces the pre-rendered first step with the live one: what the visitor chose or typed is
  // carried over (as a starting point, not as answers: the step is not done until Next), the
  // focus and caret stay where they were, and a Next pressed early goes through now.
  takeOver(prerendered) {
    const carried = {};
    for (const wrapper of prerendered.querySelectorAll('[data-question]')) {
      const q = this.question(wrapper.dataset.question);
      if (!q || q.id in this.answers) continue;
      const { value } = this.readQuestion(q, wrapper);
      if (value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)) carried[q.id] = value;
    }
    this.prefill = { ...carried, ...this.prefill };
    const active = prerendered.contains(document.activeElement) ? document.activeElement : null;
    const caret = active && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : null;
    this.next(false);
    const form = this.root.querySelector('form.ripen-step');
    if (active && form) {
      const same = [...form.elements].find((field) => field.name === active.name && (!['radio', 'checkbox'].includes(field.type) || field.value === active.value));
      same?.focus();
      if (same && caret) same.setSelectionRange(...caret);
    }
    if (this.submitBeforeReady && form && !this.outcomeShown) form.requestSubmit();
  }

  async fetchModel(url) {
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new LoadProblem('model_unavailable', `the model ${url} could not be fetched: ${error.message}`, error);
    }
    if (!response.ok) throw new LoadProblem('model_unavailable', `the model ${url} answered HTTP ${response.status}`);
    return response.text();
  }

  // A plain contact form when the model or the core is not there: the lead is still taken and
  // sent, marked as a fallback with the reason. Built-in texts in the page's language.
  fallback(problem) {
    const t = (key) => builtIn(this.language, key);
    const id = `ripen-${this.uid ??= Math.random().toString(36).slice(2, 8)}-fallback`;
    const form = el('form', { class: 'ripen-step ripen-fallback', novalidate: true, 'aria-labelledby': `${id}-title` });
    form.append(el('h2', { id: `${id}-title`, text: t('fallback_title') }), el('p', { text: t('fallback_body') }));
    const field = (name, type, required) => {
      const wrapper = el('div', { class: 'ripen-question', 'data-question': name });
      const input = type === 'textarea'
        ? el('textarea', { id: `${id}-${name}`, name, rows: 3, maxlength: 2000 })
        : el('input', { id: `${id}-${name}`, name, type, required, maxlength: 200, autocomplete: name === 'email' ? 'email' : name === 'name' ? 'name' : 'off' });
      const error = el('p', { class: 'ripen-error', id: `${id}-${name}-error`, hidden: true });
      input.setAttribute('aria-describedby', error.id);
      wrapper.append(el('label', { for: input.id }, t(name), required ? null : el('span', { class: 'ripen-optional', text: ` (${t('optional')})` })), input, error);
      form.append(wrapper);
      return { input, error };
    };
    const fields = { name: field('name', 'text', true), email: field('email', 'email', true), message: field('message', 'textarea', false) };
    const actions = el('div', { class: 'ripen-actions' });
    actions.append(el('button', { type: 'submit', class: 'ripen-next', text: t('send') }));
    form.append(actions);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      let invalid = null;
      const values = {};
      for (const [name, { input, error }] of Object.entries(fields)) {
        const value = input.value.trim();
        let problemText = '';
        if (name !== 'message' && !value) problemText = t('error_required');
        else if (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) problemText = t('error_email');
        error.textContent = problemText;
        error.hidden = !problemText;
        if (problemText) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
        if (problemText) invalid ??= input;
        values[name] = value;
      }
      if (invalid) {
        invalid.focus();
        return;
      }
      const context = { ...(this.options.context || {}) };
      const params = new URLSearchParams(globalThis.location ? location.search : '');
      for (const [name, value] of params) if (name.startsWith('utm_') || name === 'source') context[name] = value;
      const submission = {
        key: newKey(), fallback: true, reason: problem.code,
        model: { url: typeof this.options.model === 'string' && !this.options.model.trim().startsWith('{') ? this.options.model : null },
        contact: values, context, submitted_at: new Date().toISOString(),
      };
      const box = el('section', { class: 'ripen-outcome ripen-fallback-thanks', tabindex: '-1' });
      box.append(el('h2', { text: t('thanks_title') }), el('p', { text: t('thanks_body') }));
      this.root.replaceChildren(box);
      this.trackDelivery(box, submission.key);
      box.focus();
      this.announce(`${t('thanks_title')} ${t('thanks_body')}`);
      this.emit('ripen:decision', { decision: null, answers: {}, context, submission });
      if (this.options.endpoint) outbox.add({ key: submission.key, endpoint: this.options.endpoint, submission });
    });
    this.root.replaceChildren(form);
  }

  // A line under an outcome that says honestly where the submission is: received, or saved on
  // this device and being sent. Follows the outbox's events.
  trackDelivery(box, key, alreadyReceived = false) {
    if (!this.options.endpoint) return;
    box.querySelector('.ripen-delivery')?.remove();
    const line = el('p', { class: 'ripen-delivery', text: builtIn(this.language, alreadyReceived ? 'received' : 'pending') });
    box.insertBefore(line, box.querySelector('.ripen-actions'));
    if (alreadyReceived) return;
    // The outbox's events are the document's own; the form's copies bubble up to it too.
    const delivered = (event) => {
      if (event.target !== document || event.detail.key !== key) return;
      line.textContent = builtIn(this.language, 'received');
      line.classList.add('ripen-received');
      this.emit('ripen:delivered', event.detail);
      document.removeEventListener('ripen:delivered', delivered);
    };
    const failed = (event) => {
      if (event.target !== document || event.detail.key !== key) return;
      this.emit('ripen:error', event.detail);
    };
    document.addEventListener('ripen:delivered', delivered);
    document.addEventListener('ripen:error', failed);
  }

  text(key, values = {}) {
    return fill(textIn(this.doc.texts[key], this.language, this.doc.languages[0]), values);
  }

  label(value) {
    return textIn(value, this.language, this.doc.languages[0]);
  }

  question(id) {
    return this.doc.questions.find((q) => q.id === id);
  }

  // Answers known before asking: remembered from earlier visits, hidden fields the page sets,
  // URL parameters (utm_* and question ids) and what the integrator passed in.
  collectKnown() {
    // Pre-rendering (at build time) stands for a first visit with an empty context.
    const visit = !this.options.prerender;
    let remembered = this.options.remember && visit ? storageGet(this.storageKey) : null;
    // Remembered answers last rememberDays (default 30) after the visitor last answered.
    const days = this.options.rememberDays ?? 30;
    if (remembered?.saved && Date.now() - Date.parse(remembered.saved) > days * 86400000) {
      storageSet(this.storageKey, null);
      remembered = null;
    }
    if (remembered && remembered.answers) Object.assign(this.answers, remembered.answers);
    // What was sent last time: the same answers again are not a new submission.
    this.submitted = remembered?.submitted ?? null;
    // One lead per visitor and model: every submission carries this id, and a changed one names
    // the submission it replaces, so a receiver updates the lead instead of adding another.
    this.leadId = remembered?.lead_id ?? this.leadId ?? newKey();
    const assign = (name, value) => {
      if (this.question(name)) {
        const q = this.question(name);
        this.answers[name] = q.type === 'multiple' ? String(value).split(';') : q.type === 'number' && value !== '' ? Number(value) : value;
        this.known.add(name);
      } else {
        this.context[name] = value;
      }
    };
    this.fixed = new Set();  // answers the page gave (hidden fields, URL, options): not asked again
    const fixedAssign = (name, value) => {
      assign(name, value);
      if (this.question(name)) this.fixed.add(name);
    };
    for (const [name, value] of Object.entries(this.options.hidden || {})) fixedAssign(name, value);
    const params = new URLSearchParams(globalThis.location && visit ? location.search : '');
    for (const [name, value] of params) {
      if (name.startsWith('utm_') || name === 'source') this.context[name] = value;
      else if (this.question(name)) fixedAssign(name, value);
    }
    if (visit && document.referrer) this.context.referrer ??= document.referrer;
    Object.assign(this.context, this.options.context || {});
    for (const [name, value] of Object.entries(this.options.answers || {})) fixedAssign(name, value);
    // Answers that are not valid for this model are dropped here rather than failing later.
    for (const name of Object.keys(this.answers)) {
      try {
        this.model.decide({ [name]: this.answers[name] });
      } catch {
        delete this.answers[name];
        this.known.delete(name);
      }
    }
    for (const name of Object.keys(this.answers)) this.known.add(name);
  }

  // Personal answers (e-mail, free text) stay on the device only with remember="all": a shared
  // computer must not show the next person someone's address.
  personal(id) {
    const type = this.question(id)?.type;
    return type === 'email' || type === 'text';
  }

  remember() {
    if (!this.options.remember) return;
    const answers = {};
    for (const [id, value] of Object.entries(this.answers))
      if (this.options.remember === 'all' || !this.personal(id)) answers[id] = value;
    storageSet(this.storageKey, { answers, submitted: this.submitted ?? null, lead_id: this.leadId, saved: new Date().toISOString() });
  }

  forget() {
    storageSet(this.storageKey, null);
    this.submitted = null;
    this.leadId = newKey();
    this.prefill = null;
    this.answers = {};
    this.known.clear();
    this.steps = [];
    this.snapshots = [];
    this.position = -1;
    this.outcomeShown = false;
    this.collectKnown();
    this.announce('');
    this.next(false);
  }

  // From the outcome: ask again, with the remembered answers filled in as the starting point.
  change() {
    this.prefill = { ...this.answers };
    for (const id of Object.keys(this.answers)) if (!this.fixed?.has(id)) delete this.answers[id];
    this.known = new Set([...this.known].filter((id) => this.fixed?.has(id)));
    this.steps = [];
    this.snapshots = [];
    this.position = -1;
    this.outcomeShown = false;
    this.next(true);
  }

  // Asks before forgetting, inside the form, and keeps the focus there.
  confirmForget(from) {
    const t = (key) => builtIn(this.language, key);
    const box = el('div', { class: 'ripen-confirm', role: 'alertdialog', 'aria-label': t('confirm_forget') });
    const yes = el('button', { type: 'button', class: 'ripen-next', text: t('yes_forget') });
    const no = el('button', { type: 'button', class: 'ripen-back', text: t('keep') });
    box.append(el('p', { text: t('confirm_forget') }), el('div', { class: 'ripen-actions' }, no, yes));
    yes.addEventListener('click', () => this.forget());
    no.addEventListener('click', () => {
      box.remove();
      from?.focus();
    });
    this.root.querySelector('.ripen-confirm')?.remove();
    this.root.append(box);
    no.focus();
  }

  decide(complete = false) {
    return this.model.decide(this.answers, { ...this.context, complete, now: new Date().toISOString() }, { language: this.language });
  }

  // Moves on from the current step: forward to the step that followed it before, when the
  // answers are as they were then; otherwise to the questions the core chooses now, or to the
  // outcome once the route is settled.
  // The answers a step's successor was chosen from: those known before the form and those of
  // the steps up to this one (not answers entered further on and kept when going back).
  snapshotAt(position) {
    const ids = new Set([...this.known, ...this.steps.slice(0, position + 1).flat()]);
    return JSON.stringify(Object.keys(this.answers).filter((id) => ids.has(id)).sort().map((id) => [id, this.answers[id]]));
  }

  next(focus = true) {
    this.decision = this.decide();
    const snapshot = this.snapshotAt(this.position);
    // A model with progressive.settle_track asks on after a nurture route until the track (the
    // content for the visitor's stage) is settled too: the core then still names questions.
    const settlingTrack = this.decision.route === 'nurture' && this.doc.progressive?.settle_track === true &&
      this.decision.next_questions.some((id) => !(id in this.answers));
    const asking = this.decision.route === 'undecided' || settlingTrack;
    if (this.position + 1 < this.steps.length) {
      if (this.snapshots[this.position] === snapshot && asking) {
        this.position += 1;
        return this.renderStep(focus);
      }
      this.steps.length = this.position + 1;  // the answers changed the path: drop what followed
      this.snapshots.length = this.position + 1;
    }
    if (this.position >= 0) this.snapshots[this.position] = snapshot;
    if (!asking) return this.finish();
    const ids = this.decision.next_questions.filter((id) => !(id in this.answers));
    if (ids.length === 0) {
      // Nothing left that could settle it: the visitor has answered what they could.
      this.decision = this.decide(true);
      return this.finish();
    }
    this.steps.push(ids);
    this.position = this.steps.length - 1;
    this.renderStep(focus);
  }

  back() {
    if (this.outcomeShown) {
      this.outcomeShown = false;
      return this.renderStep(true);
    }
    if (this.position > 0) {
      // Keep what was entered on this step (the valid parts), as a visitor expects on return.
      const form = this.root.querySelector('form.ripen-step');
      if (form) this.keep(this.readStep(form, this.steps[this.position], true));
      this.position -= 1;
      this.renderStep(true);
    }
  }

  keep(values) {
    for (const [id, value] of Object.entries(values)) {
      if (value === null || (Array.isArray(value) && value.length === 0)) continue;
      try {
        this.model.decide({ ...this.answers, [id]: value }, this.context);
        this.answers[id] = value;
      } catch {
        // Not a valid answer yet: it will be asked again.
      }
    }
    this.remember();
  }

  renderStep(focus) {
    this.outcomeShown = false;
    const ids = this.steps[this.position];
    const position = this.stepPosition(ids);
    const form = el('form', { class: 'ripen-step', novalidate: true, 'aria-label': this.stepLabel(position) });
    // Seen, not read out: the form's label says the same to screen readers.
    form.append(el('div', { class: 'ripen-progress', 'aria-hidden': 'true' },
      el('span', { text: this.stepLabel(position) }), el('progress', { value: position.step, max: position.max })));
    for (const id of ids) form.append(this.renderQuestion(this.question(id)));
    form.append(this.renderTrap());
    this.firstShown ??= performance.now();
    const actions = el('div', { class: 'ripen-actions' });
    if (this.position > 0) {
      const back = el('button', { type: 'button', class: 'ripen-back', text: this.text('back') });
      back.addEventListener('click', () => this.back());
      actions.append(back);
    }
    actions.append(el('button', { type: 'submit', class: 'ripen-next', text: this.text('next') }));
    form.append(actions);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.readStep(form, ids)) this.next(true);
    });
    form.addEventListener('input', () => this.live(form, ids));
    form.addEventListener('change', () => this.live(form, ids));
    this.root.replaceChildren(form, this.renderFooter());
    if (focus && this.engaged) form.querySelector('input, select, textarea')?.focus();
    this.emit('ripen:step', { step: this.position + 1, questions: ids, decision: this.decision, answers: { ...this.answers } });
  }

  // "Step 2 of at most 4", from the engine: a step asks the questions_per_step best of the
  // questions that can still matter (shown, open, worth points or tested by a rule), so those
  // left after this step take at most ceil(n / per step) more steps, plus one step for each
  // hidden question that may still appear (show_if) and would matter then.
  stepPosition(ids) {
    const step = this.position + 1;
    const perStep = Math.max(this.doc.progressive?.questions_per_step ?? 3, 1);
    const context = { ...this.context, now: new Date().toISOString() };
    const askable = new Set(this.model.nextQuestions(this.answers, context, { max: this.doc.questions.length }).map((q) => q.id));
    for (const id of ids) askable.delete(id);
    const mayAppear = this.doc.questions.filter((q) => q.show_if && !askable.has(q.id) && !ids.includes(q.id) && !(q.id in this.answers) && matters(this.doc, q)).length;
    return { step, max: step + Math.ceil(askable.size / perStep) + mayAppear };
  }

  stepLabel({ step, max }) {
    return fill(builtIn(this.language, max === step ? 'step_last' : 'step'), { step, max });
  }

  renderFooter() {
    const footer = el('div', { class: 'ripen-footer' });
    if (this.options.remember) {
      const forget = el('button', { type: 'button', class: 'ripen-forget', text: this.text('forget') });
      forget.addEventListener('click', () => this.confirmForget(forget));
      footer.append(forget);
    }
    return footer;
  }

  renderQuestion(q) {
    const id = `ripen-${this.uid ??= Math.random().toString(36).slice(2, 8)}-${q.id}`;
    const help = q.help ? el('p', { class: 'ripen-help', id: `${id}-help`, text: this.label(q.help) }) : null;
    const error = el('p', { class: 'ripen-error', id: `${id}-error`, hidden: true });
    const describedBy = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
    const optional = q.required ? null : el('span', { class: 'ripen-optional', text: ` (${this.text('optional')})` });
    const current = this.answers[q.id] ?? this.prefill?.[q.id];
    const wrapper = el('div', { class: `ripen-question ripen-${q.type}`, 'data-question': q.id });
    if (q.type === 'single' || q.type === 'multiple') {
      const fieldset = el('fieldset', { 'aria-describedby': describedBy });
      fieldset.append(el('legend', {}, this.label(q.label), optional));
      if (help) fieldset.append(help);
      const list = el('div', { class: 'ripen-choices' });
      q.options.forEach((option, i) => {
        const input = el('input', {
          type: q.type === 'single' ? 'radio' : 'checkbox', name: q.id, value: option.value, id: `${id}-${i}`,
          required: q.required && q.type === 'single',
        });
        input.checked = q.type === 'single' ? current === option.value : Array.isArray(current) && current.includes(option.value);
        list.append(el('label', { class: 'ripen-choice', for: `${id}-${i}` }, input, el('span', { text: this.label(option.label) })));
      });
      fieldset.append(list, error);
      wrapper.append(fieldset);
      return wrapper;
    }
    const label = el('label', { for: id }, this.label(q.label), optional);
    let input;
    if (q.type === 'country') {
      input = el('select', { id, name: q.id, autocomplete: 'country', required: q.required });
      input.append(el('option', { value: '', text: '—' }));
      for (const [code, name] of this.countries()) {
        const option = el('option', { value: code, text: name });
        option.selected = current === code;
        input.append(option);
      }
    } else if (q.type === 'text' && (q.max_length ?? 1000) > 200) {
      input = el('textarea', { id, name: q.id, rows: 3, maxlength: q.max_length ?? 1000 });
      input.value = current ?? '';
    } else {
      const type = q.type === 'number' ? 'number' : q.type === 'email' ? 'email' : 'text';
      input = el('input', {
        id, name: q.id, type, required: q.required,
        inputmode: q.type === 'number' ? (Number.isInteger(q.step) ? 'numeric' : 'decimal') : null,
        autocomplete: q.type === 'email' ? 'email' : 'off',
        min: q.min, max: q.max, step: q.type === 'number' ? q.step ?? 'any' : null,
        maxlength: q.type === 'text' ? q.max_length ?? 1000 : null,
        placeholder: q.placeholder ? this.label(q.placeholder) : null,
      });
      input.value = current ?? '';
    }
    input.setAttribute('aria-describedby', describedBy);
    wrapper.append(label);
    if (help) wrapper.append(help);
    wrapper.append(input, error);
    return wrapper;
  }

  countries() {
    const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames([this.language], { type: 'region' }) : null;
    const codes = this.options.countryCodes || COUNTRY_CODES;
    return codes.map((code) => [code, names ? names.of(code) : code]).sort((a, b) => a[1].localeCompare(b[1], this.language));
  }

  // Reads the step's fields into answers; shows inline errors and returns false when invalid.
  // A text field no person sees or reaches (hidden, out of the tab order, hidden from screen
  // readers, no autofill): form-filling bots fill every field, and the server holds their
  // submission as spam. Hidden by the attribute and the stylesheet, not a style attribute: a
  // pre-rendered page would carry it into its HTML, where a strict CSP blocks it.
  renderTrap() {
    const input = el('input', { type: 'text', name: 'ripen-website', tabindex: '-1', autocomplete: 'off', 'aria-hidden': 'true' });
    input.value = this.trap;
    input.addEventListener('input', () => { this.trap = input.value; });
    return el('div', { class: 'ripen-trap', hidden: true, 'aria-hidden': 'true' }, el('label', { text: 'Website' }), input);
  }

  readStep(form, ids, quiet = false) {
    // Bots often set values without input events.
    const trap = form.querySelector('input[name="ripen-website"]');
    if (trap) this.trap = trap.value;
    let firstInvalid = null;
    const values = {};
    for (const id of ids) {
      const q = this.question(id);
      const wrapper = form.querySelector(`[data-question="${id}"]`);
      const { value, problem } = this.readQuestion(q, wrapper);
      const error = wrapper.querySelector('.ripen-error');
      const field = wrapper.querySelector('fieldset') || wrapper.querySelector('input, select, textarea');
      if (problem && !quiet) {
        error.textContent = problem;
        error.hidden = false;
        field.setAttribute('aria-invalid', 'true');
        firstInvalid ??= wrapper.querySelector('input, select, textarea');
      } else if (!quiet) {
        error.textContent = '';
        error.hidden = true;
        field.removeAttribute('aria-invalid');
      }
      values[id] = value;
    }
    if (quiet) return values;
    if (firstInvalid) {
      firstInvalid.focus();
      return false;
    }
    // The core has the last word: an answer it refuses is shown at its question.
    const candidate = { ...this.answers, ...values };
    try {
      this.model.decide(candidate, this.context);
    } catch (error) {
      if (!(error instanceof RipenError)) throw error;
      const id = error.path.replace(/^\$\.answers\./, '');
      const wrapper = form.querySelector(`[data-question="${id}"]`);
      if (!wrapper) throw error;
      const message = wrapper.querySelector('.ripen-error');
      message.textContent = error.message.replace(/^\$\.answers\.[\w]+: /, '');
      message.hidden = false;
      wrapper.querySelector('input, select, textarea')?.focus();
      return false;
    }
    Object.assign(this.answers, values);
    this.remember();
    return true;
  }

  readQuestion(q, wrapper) {
    const required = (v) => (q.required ? { value: v, problem: this.text('error_required') } : { value: null });
    switch (q.type) {
      case 'single': {
        const checked = wrapper.querySelector('input:checked');
        return checked ? { value: checked.value } : required(null);
      }
      case 'multiple': {
        const values = [...wrapper.querySelectorAll('input:checked')].map((i) => i.value);
        const min = q.min_select || 0;
        const max = q.max_select || q.options.length;
        if (values.length === 0) return q.required || min > 0 ? { value: values, problem: this.text('error_required') } : { value: null };
        if (values.length < min || values.length > max) return { value: values, problem: this.text('error_choices', { min, max }) };
        return { value: values };
      }
      case 'number': {
        const input = wrapper.querySelector('input');
        const raw = input.value.trim();
        if (raw === '') return input.validity.badInput ? { value: null, problem: this.text('error_number') } : required(null);
        const n = Number(raw);
        if (!Number.isFinite(n)) return { value: raw, problem: this.text('error_number') };
        // Bounds as the page's language writes numbers: 1,000,000 or 1.000.000.
        const format = (x) => (x === undefined ? '' : new Intl.NumberFormat(this.language).format(x));
        if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max))
          return { value: n, problem: this.text('error_range', { min: format(q.min), max: format(q.max) }) };
        // As the core checks it, in whole steps from min (or 0); scaled to dodge binary fractions.
        if (q.step !== undefined) {
          const units = (x) => Math.round(x * 10000);
          if ((units(n) - units(q.min ?? 0)) % units(q.step) !== 0)
            return { value: n, problem: fill(builtIn(this.language, q.step === 1 ? 'error_whole' : 'error_step'), { step: format(q.step) }) };
        }
        return { value: n };
      }
      case 'email': {
        const raw = wrapper.querySelector('input').value.trim();
        if (raw === '') return required(null);
        return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw) ? { value: raw } : { value: raw, problem: this.text('error_email') };
      }
      case 'country': {
        const raw = wrapper.querySelector('select').value;
        return raw ? { value: raw } : q.required ? { value: null, problem: this.text('error_country') } : { value: null };
      }
      default: {
        const raw = wrapper.querySelector('input, textarea').value.trim();
        return raw ? { value: raw } : required(null);
      }
    }
  }

  // As the visitor types, the live decision (for panels like the demo's) follows.
  live(form, ids) {
    cancelAnimationFrame(this.liveFrame);
    this.liveFrame = requestAnimationFrame(() => {
      const values = this.readStep(form, ids, true);
      const answers = { ...this.answers };
      for (const [id, value] of Object.entries(values)) {
        if (value === null || (Array.isArray(value) && value.length === 0)) delete answers[id];
        else answers[id] = value;
      }
      try {
        const decision = this.model.decide(answers, { ...this.context, now: new Date().toISOString() }, { language: this.language });
        this.emit('ripen:change', { decision, answers });
      } catch {
        // A half-typed value: nothing to show yet.
      }
    });
  }

  finish() {
    this.outcomeShown = true;
    const d = this.decision;
    const box = el('section', { class: `ripen-outcome ripen-${d.route}`, tabindex: '-1' });
    let title = '';
    let body = '';
    if (d.route === 'handoff') {
      title = this.text('handoff_title');
      body = this.text('handoff_body', { hours: d.handoff.sla_hours });
      box.append(el('h2', { text: title }), el('p', { text: body }));
      if (d.handoff.booking_url) box.append(el('a', { class: 'ripen-booking', href: this.bookingLink(d.handoff.booking_url), text: this.text('handoff_booking') }));
    } else if (d.route === 'nurture') {
      title = this.text('nurture_title');
      body = this.text('nurture_body');
      const list = el('ul', { class: 'ripen-content' });
      for (const c of d.nurture?.content ?? []) list.append(el('li', {}, el('a', { href: c.url, text: c.title })));
      box.append(el('h2', { text: title }), el('p', { text: body }), list);
    } else {
      // One message: the knock-out's own alternative when it has one, else the model's text.
      title = this.text('disqualify_title');
      const rules = d.knockouts.map((id) => this.doc.rules.find((r) => r.id === id)).filter((rule) => rule && rule.message);
      body = rules.length ? rules.map((rule) => this.label(rule.message)).join(' ') : this.text('disqualify_body');
      box.append(el('h2', { text: title }));
      if (!rules.length) box.append(el('p', { text: body }));
      for (const rule of rules) {
        box.append(el('p', { class: 'ripen-alternative', text: this.label(rule.message) }));
        if (rule.url) box.append(el('a', { class: 'ripen-booking ripen-alternative-link', href: rule.url, text: this.label(rule.link) || builtIn(this.language, 'learn_more') }));
      }
    }
    const actions = el('div', { class: 'ripen-actions' });
    if (this.steps.length) {
      const back = el('button', { type: 'button', class: 'ripen-back', text: this.text('back') });
      back.addEventListener('click', () => this.back());
      actions.append(back);
    } else if (Object.keys(this.answers).some((id) => !this.fixed?.has(id))) {
      // A returning visitor sees the outcome at once: they can still change their answers.
      const change = el('button', { type: 'button', class: 'ripen-back ripen-change', text: builtIn(this.language, 'change') });
      change.addEventListener('click', () => this.change());
      actions.append(change);
    }
    if (this.options.remember && this.resumedOnLoad) {
      const restart = el('button', { type: 'button', class: 'ripen-link ripen-restart', text: builtIn(this.language, 'restart') });
      restart.addEventListener('click', () => this.confirmForget(restart));
      actions.append(restart);
    }
    box.append(actions);
    // "Start again" is the outcome's way to forget: no second one under it.
    this.root.replaceChildren(box, ...(this.options.remember && this.resumedOnLoad ? [] : [this.renderFooter()]));
    // Announced, not focused: focus (and the scroll it brings) follows only the visitor's own use
    // of the form, never a page load.
    if (this.engaged) box.focus({ preventScroll: false });
    this.announce(`${title} ${body}`);
    const answers = digest(JSON.stringify(Object.entries(this.answers).sort(([a], [b]) => (a < b ? -1 : 1))));
    if (this.submitted && this.submitted.answers === answers && !this.askedForSales) {
      // A returning visitor whose answers were already submitted: show the outcome, send nothing.
      this.trackDelivery(box, this.submitted.key, !outbox.load().some((i) => i.key === this.submitted.key));
      this.emit('ripen:decision', { decision: d, answers: { ...this.answers }, context: { ...this.context }, submission: null, resumed: this.submitted.key });
      if (d.route === 'nurture') this.offerSales(box);
      return;
    }
    this.send(box, d, answers, false);
    if (d.route === 'nurture') this.offerSales(box);
  }

  bookingLink(url) {
    return bookingLink(url, this.doc, this.answers, (text) => this.label(text));
  }

  // A submission: its own key, the visitor's lead id, and the key of the one it replaces.
  send(box, decision, answers, requestedSales) {
    const submission = {
      key: newKey(),
      lead_id: this.leadId,
      supersedes: this.submitted?.key ?? null,
      model: { id: this.doc.id, version: this.doc.version ?? '' },
      answers: { ...this.answers },
      context: { ...this.context },
      decision,
      requested_sales: requestedSales,
      submitted_at: new Date().toISOString(),
      // For the server's bot checks (docs/deploy.md): the hidden field, and the time from the
      // first question to this submission.
      client: { website: this.trap, fill_ms: Math.round(performance.now() - (this.firstShown ?? performance.now())) },
    };
    this.submitted = { key: submission.key, answers };
    this.remember();
    box.querySelector('.ripen-delivery')?.remove();
    this.trackDelivery(box, submission.key);
    this.emit('ripen:decision', { decision, answers: submission.answers, context: submission.context, submission });
    if (this.options.endpoint) outbox.add({ key: submission.key, endpoint: this.options.endpoint, submission });
    return submission;
  }

  // Nurture on a "talk to sales" page is no dead end: the visitor may still ask for sales (on by
  // default; "progressive": {"talk_to_sales": false} turns it off), and is told what their
  // e-mail is used for.
  offerSales(box) {
    if (this.doc.progressive?.talk_to_sales === false) return;
    const t = (key) => builtIn(this.language, key);
    const wrap = el('div', { class: 'ripen-sales' });
    const button = el('button', { type: 'button', class: 'ripen-next ripen-talk', text: t('talk_to_sales') });
    button.addEventListener('click', () => {
      this.askedForSales = true;
      this.send(box, this.decision, this.submitted?.answers ?? '', true);
      wrap.replaceChildren(el('p', { class: 'ripen-talk-sent', text: t('talk_sent') }));
      this.announce(t('talk_sent'));
    });
    wrap.append(button, el('p', { class: 'ripen-note', text: t('talk_note') }));
    box.insertBefore(wrap, box.querySelector('.ripen-actions'));
  }

  announce(text) {
    this.status.textContent = text;
  }

  emit(type, detail) {
    this.host.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }
}

/**
 * Mounts the form on any element. Options: model (URL, JSON text or object), endpoint (URL to
 * POST submissions to), remember (true: non-personal answers, the default; 'all': e-mail and
 * free text too; false: nothing), rememberDays (default 30), language, answers and context already known,
 * hidden (name -> value, as hidden fields), wasmDir. Returns the controller.
 */
export function mountRipenForm(host, options = {}) {
  const controller = new FormController(host, { remember: true, ...options });
  controller.ready = controller.start();
  return controller;
}

/**
 * Renders the form's first step for an empty context into `host`, for a page to carry in its
 * HTML ahead of the core (site/prerender.mjs runs it at build time under a DOM such as
 * linkedom). The element takes the step over when the core is ready. Options as
 * mountRipenForm's, with model given as JSON text; `uid` makes the element ids repeatable.
 */
export async function prerenderRipenForm(host, options) {
  const controller = new FormController(host, { remember: true, ...options, prerender: true, styles: false });
  controller.uid = options.uid ?? 'pre';
  await controller.start();
  const step = host.querySelector('form.ripen-step');
  if (!step) throw new Error(`the form did not render a first step${controller.doc ? '' : ' (the model or the core could not load)'}`);
  step.setAttribute('data-ripen-prerendered', '');
  step.setAttribute('data-ripen-model', controller.doc.id);
  return controller;
}

export class RipenFormElement extends HTMLElement {
  connectedCallback() {
    if (this.controller) return;
    const hidden = {};
    for (const input of this.querySelectorAll('input[type="hidden"][name]')) hidden[input.name] = input.value;
    let context = {};
    try {
      context = JSON.parse(this.getAttribute('context') || '{}');
    } catch {
      // An unreadable context attribute is ignored; the form still works.
    }
    this.controller = mountRipenForm(this, {
      model: this.getAttribute('model'),
      endpoint: this.getAttribute('endpoint') || undefined,
      remember: this.getAttribute('remember') === 'off' ? false : this.getAttribute('remember') === 'all' ? 'all' : true,
      rememberDays: this.hasAttribute('remember-days') ? Number(this.getAttribute('remember-days')) : undefined,
      styles: this.getAttribute('styles') !== 'none',
      language: this.getAttribute('lang') || undefined,
      wasmDir: this.getAttribute('wasm-dir') || undefined,
      hidden,
      context,
    });
  }

  /** Clears remembered answers and starts again. */
  forget() {
    this.controller?.forget();
  }

  get decision() {
    return this.controller?.decision ?? null;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('ripen-form')) {
  customElements.define('ripen-form', RipenFormElement);
}

export { outbox as ripenOutbox };
