/**
 * Data upload on a workspace's page: a CSV, NDJSON or Segment batch file (gzip too), or another
 * tool's export read with a preset (recognised from its columns, or chosen; a survey export with
 * the question whose answers are the score), sent with
 * a progress bar for the sending and one for the import, then what was stored, what was a
 * duplicate, and the records set aside with the reason for each.
 */
import { el } from './dom.js';

const root = document.getElementById('upload');
const { workspace, csrf } = root.dataset;
const base = `/api/v1/workspaces/${encodeURIComponent(workspace)}`;
const form = root.querySelector('form');
const fileInput = root.querySelector('input[type="file"]');
const formatSelect = root.querySelector('#upload-format');
const presetSelect = root.querySelector('#upload-preset');
const questionInput = root.querySelector('#upload-question');
const metricSelect = root.querySelector('#upload-metric');
const commentInput = root.querySelector('#upload-comment');
const progress = root.querySelector('progress');
const status = root.querySelector('[role="status"]');
const results = root.querySelector('.results');

function say(text) { status.textContent = text; }

/** What a survey export needs chosen: the question to score, its scale and the free-text question. */
function surveyChoices() {
  const question = questionInput?.value.trim() ?? '';
  const comment = commentInput?.value.trim() ?? '';
  if (!question) return comment ? { comment } : {};
  return { question, metric: metricSelect.value, ...(comment ? { comment } : {}) };
}

/** Sends the file with XMLHttpRequest, whose upload reports its progress (fetch does not). */
function send(file, format, preset) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const query = new URLSearchParams({
      name: file.name, ...(format ? { format } : {}), ...(preset && preset !== 'auto' ? { preset } : {}), ...surveyChoices(),
    });
    request.open('POST', `${base}/uploads?${query}`);
    request.setRequestHeader('X-CSRF-Token', csrf);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.upload.addEventListener('progress', (event) => {
      if (!event.lengthComputable) return;
      progress.max = event.total;
      progress.value = event.loaded;
      say(`Sending ${file.name}: ${Math.round((event.loaded / event.total) * 100)}%`);
    });
    request.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { /* not JSON */ }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new Error(body?.error?.message ?? `the server answered ${request.status}`));
    });
    request.addEventListener('error', () => reject(new Error('the connection failed')));
    request.send(file);
  });
}

async function json(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
  return body;
}

/** Follows the import until it ends, moving the bar with the bytes read. */
async function follow(job) {
  for (;;) {
    const current = await json(`${base}/uploads/${encodeURIComponent(job.id)}`);
    progress.max = Math.max(1, current.bytes);
    progress.value = current.bytes_read ?? 0;
    say(`Importing ${current.file}: ${current.records.toLocaleString()} records read, ${current.imported.toLocaleString()} stored`);
    if (current.status !== 'running' && current.status !== 'queued') return current;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

async function show(job) {
  const figures = el('ul', { class: 'figures' },
    el('li', {}, el('strong', { text: job.imported.toLocaleString() }), ' events stored'),
    el('li', {}, el('strong', { text: job.duplicates.toLocaleString() }), ' duplicates left out'),
    el('li', {}, el('strong', { text: job.quarantined.toLocaleString() }), ' records set aside'));
  const parts = [figures];
  if (job.quarantined > 0) {
    // An upload's records are set aside under "upload ID FILE".
    const set = await json(`${base}/quarantine?file=${encodeURIComponent(`upload ${job.id} ${job.file}`)}&limit=100`);
    const table = el('table', {}, el('thead', {}, el('tr', {}, ...['line', 'field', 'why'].map((h) => el('th', { text: h })))));
    const body = el('tbody');
    for (const record of set.records) body.append(el('tr', {}, el('td', { class: 'n', text: String(record.line) }), el('td', { text: record.field }), el('td', { text: record.reason })));
    table.append(body);
    parts.push(el('h3', { text: `Records set aside (${set.total.toLocaleString()}${set.total > set.records.length ? `, the last ${set.records.length} shown` : ''})` }), table);
  }
  results.replaceChildren(...parts);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = fileInput.files?.[0];
  if (!file) { say('Choose a file first.'); return; }
  form.querySelector('button').disabled = true;
  progress.hidden = false;
  progress.value = 0;
  results.replaceChildren();
  try {
    const job = await send(file, formatSelect.value, presetSelect?.value);
    const done = await follow(job);
    if (done.status === 'failed') say(`The import of ${done.file} failed: ${done.error ?? 'no reason given'}`);
    else say(`Imported ${done.file}: ${done.imported.toLocaleString()} events stored.`);
    await show(done);
  } catch (error) {
    say(`Not uploaded: ${error.message}`);
  } finally {
    form.querySelector('button').disabled = false;
  }
});
root.hidden = false;
