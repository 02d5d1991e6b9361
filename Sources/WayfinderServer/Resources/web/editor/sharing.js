/**
 * Share links of the map: make one (with an optional last day), see each with who made it and
 * until when it works, and revoke it. A new link's address is shown once, with a copy button:
 * the server keeps only its beginning.
 */
import { el, button, when } from './dom.js';

export function createSharing({ root, client, canEdit, onProblem }) {
  let links = [];
  let made = null;

  async function load() {
    if (!canEdit) {
      root.replaceChildren(el('h2', { text: 'Share' }), el('p', { class: 'hint', text: 'Editors make and revoke share links; ask one for a link.' }));
      return;
    }
    try {
      links = ((await client.shares()).shares ?? []).slice().reverse();
    } catch (error) {
      onProblem(`The share links could not be loaded: ${error.message}`);
    }
    render();
  }

  function render() {
    const day = el('input', { type: 'date', id: 'share-until', min: new Date().toISOString().slice(0, 10) });
    const form = el('form', { class: 'new-share' },
      el('label', { for: 'share-until', text: 'Works until the end of (leave empty for no end)' }), day,
      el('button', { type: 'submit', class: 'primary', text: 'Make a share link' }));
    const submit = form.querySelector('button[type=submit]');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      // One link per press: a second press while the first is on its way makes none.
      if (submit.disabled) return;
      submit.disabled = true;
      try {
        const answer = await client.share(day.value ? `${day.value}T23:59:59Z` : undefined);
        made = new URL(answer.url, location.origin).href;
        await load();
      } catch (error) {
        onProblem(error.body?.error?.message ?? error.message);
      } finally {
        submit.disabled = false;
      }
    });
    const parts = [el('h2', { text: 'Share' }),
      el('p', { class: 'hint', text: 'A share link shows this map and its measured report to anyone who has it, without signing in: no customer names, traits or properties. Revoke it to end it.' }),
      form];
    if (made) {
      const field = el('input', { id: 'share-made', value: made, readonly: true });
      parts.push(el('div', { class: 'made', role: 'status' },
        el('label', { for: 'share-made', text: 'The new link (shown once; copy it now)' }), field,
        button('Copy the link', () => navigator.clipboard?.writeText(made).catch(() => field.select())),
        el('a', { href: made, target: '_blank', rel: 'noopener', text: 'Open it' })));
    }
    const list = el('ul', { class: 'shares' });
    for (const link of links) {
      const state = link.revoked ? `revoked ${when(link.revoked)}` : link.expires ? `works until ${when(link.expires)}` : 'works until revoked';
      const item = el('li', { class: link.revoked ? 'revoked' : '' },
        el('p', {}, el('code', { text: `/share/${link.prefix}…` }), ` · ${state}`),
        el('p', { class: 'byline', text: `Made by ${link.created_by ?? link.createdBy ?? ''}, ${when(link.created)}` }));
      if (!link.revoked) item.append(button('Revoke', async () => {
        try { await client.revokeShare(link.id); await load(); } catch (error) { onProblem(error.message); }
      }, { 'aria-label': `Revoke the link starting ${link.prefix}` }));
      list.append(item);
    }
    if (links.length === 0) list.append(el('li', { class: 'hint', text: 'No share links yet.' }));
    parts.push(el('h3', { text: 'Links' }), list);
    root.replaceChildren(...parts);
  }

  return { load };
}
