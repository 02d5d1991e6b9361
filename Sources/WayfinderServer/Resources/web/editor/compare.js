import { el, button } from './dom.js';

/**
 * Current and future side by side: a dialog with the server's drawing of a future-state map
 * beside the current-state map it improves (the export `?format=svg&compare=true`, the picture
 * `wayfinder render --compare` draws), as last saved. Escape or Close ends it and gives the
 * focus back to `opener`.
 */
export async function showComparison({ url, title, version, opener }) {
  const picture = el('div', { class: 'comparison-picture', role: 'img', 'aria-label': `The current-state map and ${title}, side by side` });
  const status = el('p', { class: 'hint', role: 'status', text: 'Drawing the two maps…' });
  const dialog = el('dialog', { class: 'comparison', 'aria-labelledby': 'comparison-title' },
    el('div', { class: 'comparison-head' },
      el('h2', { id: 'comparison-title', text: `Current and future: ${title}` }),
      button('Close', () => dialog.close(), { 'aria-label': 'Close the comparison' })),
    status, picture);
  dialog.addEventListener('close', () => { dialog.remove(); opener?.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  try {
    const answer = await fetch(url, { credentials: 'same-origin' });
    const text = await answer.text();
    if (!answer.ok) {
      let message = text;
      try { message = JSON.parse(text).error?.message ?? text; } catch { /* the text as it is */ }
      status.textContent = `The comparison could not be drawn: ${message}`;
      return;
    }
    const parsed = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    if (parsed.nodeName !== 'svg') { status.textContent = 'The comparison could not be drawn: the server sent no picture.'; return; }
    picture.append(document.importNode(parsed, true));
    status.textContent = `As saved in version ${version}: changes made since the last save show once saved.`;
  } catch (error) {
    status.textContent = `The comparison could not be drawn: ${error.message}`;
  }
}
