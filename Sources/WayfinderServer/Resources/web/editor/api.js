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
    /** The map as stored: `{id, current_version, version, map}`. */
    load: () => call('GET', mapPath),
    /** Saves `doc` as a new version over `baseVersion`; a 409 when someone saved since. */
    save: (doc, baseVersion) => call('PUT', `${mapPath}?base_version=${baseVersion}`, doc),
    /** The workspace's personas. */
    personas: () => call('GET', `${base}/personas`),
    /** A file of the map as `wayfinder render --journey MAP --format FORMAT` writes it. */
    exportURL: (format, version) => `${mapPath}/export?format=${format}` + (version ? `&version=${version}` : ''),
  };
}
