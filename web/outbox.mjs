// The submission outbox of <ripen-form>: every submission is written to localStorage first and
// sent from there, retried with backoff until the endpoint accepts it (web/form.mjs adds to it).
// Also the storage helpers the form uses, which never throw (private mode, a full quota).

const OUTBOX_KEY = 'ripen:outbox';

export function storageGet(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

export function storageSet(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or a full quota: the form still works, it just cannot remember.
  }
}

// ---- the submission outbox: kept in localStorage until the endpoint accepts it -------------

// Once per submission and failure kind: the outbox retries with backoff, the page hears of it.
const reported = new Set();
function reportDeliveryProblem(item, message) {
  const id = `${item.key}:${message}`;
  if (reported.has(id)) return;
  reported.add(id);
  document.dispatchEvent(new CustomEvent('ripen:error', {
    detail: { code: 'delivery_failed', key: item.key, endpoint: item.endpoint, message, queued: true },
  }));
}

export const outbox = {
  timer: null,
  delay: 1000,
  sending: new Set(),
  load() {
    return storageGet(OUTBOX_KEY) || [];
  },
  save(items) {
    storageSet(OUTBOX_KEY, items.length ? items : null);
  },
  add(item) {
    const items = this.load();
    if (!items.some((i) => i.key === item.key)) items.push(item);
    this.save(items);
    this.flush();
  },
  async flush() {
    clearTimeout(this.timer);
    this.timer = null;
    let failed = false;
    for (const item of this.load()) {
      if (this.sending.has(item.key)) continue;
      this.sending.add(item.key);
      try {
        const response = await fetch(item.endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.key },
          body: JSON.stringify(item.submission),
          keepalive: true,
        });
        if (response.ok) {
          this.save(this.load().filter((i) => i.key !== item.key));
          document.dispatchEvent(new CustomEvent('ripen:delivered', { detail: { key: item.key } }));
        } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          // The endpoint refuses this submission for good; keep it out of the retry loop but
          // report it, so nothing disappears silently.
          this.save(this.load().filter((i) => i.key !== item.key));
          document.dispatchEvent(new CustomEvent('ripen:rejected', { detail: { key: item.key, status: response.status } }));
        } else {
          failed = true;
          reportDeliveryProblem(item, `the endpoint answered ${response.status}`);
        }
      } catch (error) {
        // Offline, unreachable, or refused by the browser (a cross-origin endpoint without CORS
        // headers looks the same): kept and retried below, and reported, so a site can see it.
        failed = true;
        reportDeliveryProblem(item, error && error.message ? error.message : String(error));
      } finally {
        this.sending.delete(item.key);
      }
    }
    if (failed && this.load().length) {
      this.timer = setTimeout(() => this.flush(), this.delay);
      this.delay = Math.min(this.delay * 2, 60000);
    } else {
      this.delay = 1000;
    }
  },
};

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    outbox.delay = 1000;
    outbox.flush();
  });
  // Whatever a previous page load could not deliver goes out now.
  queueMicrotask(() => outbox.flush());
}

