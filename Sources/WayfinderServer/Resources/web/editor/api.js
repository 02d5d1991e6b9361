/** The editor's calls to the server's JSON API, signed with the session's CSRF token. */

/** An answer the server refused: its HTTP status and the body's error and problems. */
export class APIRefusal extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `the server answered ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** A client of one map of one workspace. */
export function mapClient({ workspace, map, csrf }) {
  const base = `/api/v1/workspaces/${encodeURIComponent(workspace)}`;
  const mapPath = `${base}/maps/${encodeURIComponent(map)}`;

  async function call(method, path, body) {
    const headers = { 'X-CSRF-Token': csrf, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { error: { message: text.slice(0, 200) } }; }
    if (!response.ok) throw new APIRefusal(response.status, parsed);
    return parsed;
  }

  return {
    csrf,
    /** The map as stored: `{id, current_version, version, map}`. */
    load: () => call('GET', mapPath),
    /** Saves `doc` as a new version over `baseVersion`; a 409 when someone saved since. */
    save: (doc, baseVersion) => call('PUT', `${mapPath}?base_version=${baseVersion}`, doc),
    /** The workspace's personas. */
    personas: () => call('GET', `${base}/personas`),
    /** The comment threads of the map (resolved ones too). */
    comments: () => call('GET', `${mapPath}/comments`),
    /** Starts a thread on `target` (`map`, `stage:ID`, `touchpoint:ID`, `touchpoint:ID/lane:LANE/INDEX`). */
    addComment: (target, body) => call('POST', `${mapPath}/comments`, { target, body }),
    reply: (id, body) => call('POST', `${mapPath}/comments/${id}/replies`, { body }),
    resolve: (id) => call('POST', `${mapPath}/comments/${id}/resolve`),
    reopen: (id) => call('POST', `${mapPath}/comments/${id}/reopen`),
    /** Moves the threads of a renamed stage or touchpoint to its new id. */
    retarget: (kind, from, to) => call('POST', `${mapPath}/comments/retarget`, { kind, from, to }),
    /** Moves the threads of cards that moved in their lane (`[{from, to}]` addresses), all at once. */
    retargetCards: (moves) => call('POST', `${mapPath}/comments/retarget`, { kind: 'cards', moves }),
    /** The events touchpoint `id`'s rule takes under `doc` (not saved): counts and a sample. */
    preview: (doc, id) => call('POST', `${mapPath}/preview?touchpoint=${encodeURIComponent(id)}`, doc),
    /** Every version: number, author, message, time, changes. */
    versions: () => call('GET', `${mapPath}/versions`),
    version: (number) => call('GET', `${mapPath}/versions/${number}`),
    /** What changed from version `from` to `to`, as `wayfinder diff` lists it. */
    diff: (from, to) => call('GET', `${mapPath}/diff?from=${from}&to=${to}`),
    restore: (number) => call('POST', `${mapPath}/versions/${number}/restore`),
    shares: () => call('GET', `${mapPath}/shares`),
    /** A new share link; `expires` an ISO 8601 time or undefined. */
    share: (expires) => call('POST', `${mapPath}/shares`, expires ? { expires } : {}),
    revokeShare: (id) => call('DELETE', `${mapPath}/shares/${id}`),
    /** A file of the map as `wayfinder render --journey MAP --format FORMAT` writes it. */
    exportURL: (format, version) => `${mapPath}/export?format=${format}` + (version ? `&version=${version}` : ''),
  };
}
