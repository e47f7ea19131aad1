// The form's pure helpers: the booking link's parameters and which questions matter to the engine.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bookingLink, matters } from '../../web/form-util.mjs';

const doc = JSON.parse(readFileSync('models/default.json', 'utf8'));
const label = (text) => (typeof text === 'string' ? text : text?.en ?? '');

test('the booking link gets the e-mail by the schedulers\' name, and keeps its own parameters', () => {
  const url = new URL(bookingLink('https://cal.example/team?utm=site', doc, { email: 'jane@acme.com', role: 'manager' }, label));
  assert.equal(url.searchParams.get('email'), 'jane@acme.com');
  assert.equal(url.searchParams.get('utm'), 'site');
  assert.equal(url.searchParams.has('role'), false);
  const own = new URL(bookingLink('https://cal.example/?email=kept%40x.com', doc, { email: 'jane@acme.com' }, label));
  assert.equal(own.searchParams.get('email'), 'kept@x.com');
});

test('booking_params names the parameters; choices go in as their labels; {} sends nothing', () => {
  const custom = { ...doc, booking_params: { a1: 'role', a2: 'use_cases', e: 'email' } };
  const url = new URL(bookingLink('https://cal.example/', custom, { role: 'manager', use_cases: ['reporting', 'forecasting'] }, label));
  assert.equal(url.searchParams.get('a1'), 'Head of team or department');
  assert.match(url.searchParams.get('a2'), /^Reporting.*, Forecasting/);
  assert.equal(url.searchParams.has('e'), false, 'an unanswered question adds nothing');
  assert.equal(bookingLink('https://cal.example/', { ...doc, booking_params: {} }, { email: 'a@b.com' }, label), 'https://cal.example/');
  assert.equal(bookingLink('not a url at all', doc, { email: 'a@b.com' }, label), 'not a url at all');
});

test('a question matters when it gives points or a condition tests it', () => {
  const q = (id) => doc.questions.find((x) => x.id === id);
  assert.equal(matters(doc, q('goal')), true);      // points
  assert.equal(matters(doc, q('email')), true);     // tested by the free-mail signal and the competitor knock-out
  assert.equal(matters(doc, q('notes')), false);    // neither
  assert.equal(matters(doc, q('event_name')), false);
});
