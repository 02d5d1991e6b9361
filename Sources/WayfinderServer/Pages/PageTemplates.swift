/// The Mustache templates of the read-only pages, compiled in so that the server needs no
/// template files beside it. `{{name}}` escapes HTML; `{{{name}}}` is used only for markup the
/// renderers made (SVG, persona cards), which escape every value themselves.
enum PageTemplates {
    static let all: [(name: String, text: String)] = [
        ("head", head), ("foot", foot), ("signin", signIn), ("password", password), ("keys", keys), ("home", home), ("map", map), ("persona", persona),
        ("shared", shared), ("error", error),
    ]

    static let head = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Wayfinder">
        <meta name="referrer" content="no-referrer">
        <title>{{title}} · Wayfinder</title>
        <style>{{{style}}}</style>
        </head>
        <body>
        <header class="bar">
        <a class="brand" href="{{home}}">Wayfinder</a>
        {{#workspace}}<span class="crumb">{{workspace}}</span>{{/workspace}}
        {{#user}}<form class="signout" method="post" action="/signout"><input type="hidden" name="csrf" value="{{csrf}}"><a href="/password" title="Change your password">{{user}}</a> <button type="submit">Sign out</button></form>{{/user}}
        </header>
        <main>

        """

    static let foot = """

        </main>
        <footer>Wayfinder · every number here is also available from <code>wayfinder analyze</code> and the JSON API.</footer>
        </body>
        </html>

        """

    static let signIn = """
        {{> head}}
        <section class="signin">
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/signin">
        <input type="hidden" name="next" value="{{next}}">
        <input type="hidden" name="token" value="{{formToken}}">
        <label for="username">Email</label>
        <input id="username" name="username" autocomplete="username" required value="{{username}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        </section>
        {{> foot}}
        """

    static let password = """
        {{> head}}
        <section class="signin">
        <h1>Choose a password</h1>
        {{#oneTime}}<p class="banner">You signed in with a one-time password. Choose your own to go on; it replaces the one-time password everywhere.</p>{{/oneTime}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/password">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="text" name="username" autocomplete="username" value="{{user}}" hidden>
        <label for="current">Current password</label>
        <input id="current" name="current" type="password" autocomplete="current-password" required>
        <label for="new">New password (at least {{minimumLength}} characters; a passphrase of several words is easy to remember)</label>
        <input id="new" name="new" type="password" autocomplete="new-password" minlength="{{minimumLength}}" required>
        <label for="confirm">The new password again</label>
        <input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="{{minimumLength}}" required>
        <button type="submit">Change password</button>
        </form>
        <p>Your other sessions are signed out; this one stays.</p>
        </section>
        {{> foot}}
        """

    static let keys = """
        {{> head}}
        <h1>API keys</h1>
        <p>Write keys send events (<code>/v1/*</code>, as an SDK's write key); read and read-write keys call the JSON API (<code>Authorization: Bearer …</code>). A key's secret is shown once, when it is made; the server keeps only its hash.</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#created}}<section class="banner" role="status">
        <h2>Key {{id}} made: copy its secret now</h2>
        <p><code class="secret">{{secret}}</code></p>
        <p>It is not shown again. {{#collects}}Send an event with it:<br><code>curl -u '{{secret}}:' -H 'Content-Type: application/json' -d '{"userId": "user-1", "event": "Signed Up"}' {{origin}}/v1/track</code>{{/collects}}</p>
        </section>{{/created}}
        <h2>Make a key</h2>
        <form method="post" action="/keys" class="keyform">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="kind">Kind</label>
        <select id="kind" name="kind"><option value="write">write: sends events only</option><option value="read">read: reads the API</option><option value="read-write">read-write: reads and changes through the API</option></select>
        <label for="name">Name (where it will live, such as website or warehouse)</label>
        <input id="name" name="name" maxlength="100">
        <label for="scope">Workspace</label>
        <select id="scope" name="workspace">{{#scopes}}<option value="{{value}}">{{label}}</option>{{/scopes}}</select>
        <button type="submit">Make the key</button>
        </form>
        <h2>Keys</h2>
        {{^keys}}<p>No keys yet.</p>{{/keys}}
        {{#hasKeys}}<table><thead><tr><th>id</th><th>kind</th><th>name</th><th>starts with</th><th>workspace</th><th>made</th><th>revoked</th><th></th></tr></thead><tbody>{{/hasKeys}}
        {{#keys}}<tr><td class="n">{{id}}</td><td>{{kind}}</td><td>{{name}}</td><td><code>{{prefix}}</code></td><td>{{scope}}</td><td>{{createdAt}}</td><td>{{revokedAt}}</td>
        <td>{{#active}}<form method="post" action="/keys/{{id}}/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Revoke</button></form>{{/active}}</td></tr>
        {{/keys}}
        {{#hasKeys}}</tbody></table>{{/hasKeys}}
        {{> foot}}
        """

    static let home = """
        {{> head}}
        <h1>{{name}}</h1>
        {{#description}}<p class="lead">{{description}}</p>{{/description}}
        <ul class="figures">
        <li><strong>{{events}}</strong> events</li>
        <li><strong>{{customers}}</strong> customers</li>
        <li><strong>{{feedback}}</strong> survey answers</li>
        </ul>
        <h2>Journey maps</h2>
        {{^maps}}<p>No journey maps yet. Load some with <code>wayfinder serve --workspace PATH</code> or the JSON API.</p>{{/maps}}
        {{#hasMaps}}<table><thead><tr><th>map</th><th>state</th><th>version</th><th>updated</th><th></th></tr></thead><tbody>{{/hasMaps}}
        {{#maps}}<tr><td><a href="{{link}}">{{title}}</a></td><td>{{state}}</td><td class="n">{{version}}</td><td>{{updated}}</td><td><a href="{{reportLink}}">report</a></td></tr>
        {{/maps}}
        {{#hasMaps}}</tbody></table>{{/hasMaps}}
        <h2>Personas</h2>
        {{^personas}}<p>No personas yet.</p>{{/personas}}
        <ul class="personas">{{#personas}}<li><a href="{{link}}">{{name}}</a>{{#quote}} · “{{quote}}”{{/quote}}</li>{{/personas}}</ul>
        <h2>Data sources</h2>
        {{^sources}}<p>No data yet. Import a file with <code>wayfinder import</code> or point an SDK at <code>/v1/batch</code>.</p>{{/sources}}
        <p>SDKs send events with a write key; admins make and revoke keys on the <a href="/keys">API keys</a> page.</p>
        {{#hasSources}}<table><thead><tr><th>source</th><th>format</th><th>events stored</th><th>duplicates</th><th>quarantined</th><th>started</th></tr></thead><tbody>{{/hasSources}}
        {{#sources}}<tr><td>{{path}}</td><td>{{format}}</td><td class="n">{{imported}}</td><td class="n">{{duplicates}}</td><td class="n">{{quarantined}}</td><td>{{startedAt}}</td></tr>
        {{/sources}}
        {{#hasSources}}</tbody></table>{{/hasSources}}
        {{> foot}}
        """

    static let map = """
        {{> head}}
        <h1>{{mapTitle}}</h1>
        <p class="meta">version {{version}}{{#updated}} · saved {{updated}}{{/updated}} · <a href="{{reportLink}}">full report</a></p>
        {{#notice}}<p class="banner" role="note">{{notice}}</p>{{/notice}}
        {{#hasHeadlines}}<ul class="headlines">{{/hasHeadlines}}{{#headlines}}<li>{{.}}</li>{{/headlines}}{{#hasHeadlines}}</ul>{{/hasHeadlines}}
        <section class="map" aria-label="Journey map with live numbers">{{{svg}}}</section>
        {{> foot}}
        """

    static let persona = """
        {{> head}}
        {{{card}}}
        <h2>In the data</h2>
        {{#measured}}<p>{{customers}} customers match this persona ({{share}} of all).</p>
        <ul class="conversion">{{#maps}}<li>{{title}}: {{conversion}} of the {{withEvents}} with an event on the map reach its goal, {{goal}}.</li>{{/maps}}</ul>{{/measured}}
        {{^measured}}<p>No analysis of this persona yet: import events and open a map's report.</p>{{/measured}}
        {{> foot}}
        """

    static let shared = """
        {{> head}}
        <p class="banner" role="note">A read-only view of one journey map, shared from Wayfinder{{#expires}}; the link works until {{expires}}{{/expires}}.</p>
        <h1>{{mapTitle}}</h1>
        {{#notice}}<p class="banner" role="note">{{notice}}</p>{{/notice}}
        {{#hasHeadlines}}<ul class="headlines">{{/hasHeadlines}}{{#headlines}}<li>{{.}}</li>{{/headlines}}{{#hasHeadlines}}</ul>{{/hasHeadlines}}
        <section class="map" aria-label="Journey map">{{{svg}}}</section>
        {{#reportLink}}<p><a href="{{reportLink}}">The measured report</a></p>{{/reportLink}}
        {{> foot}}
        """

    static let error = """
        {{> head}}
        <section class="problem">
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        <p><a href="{{home}}">Back to the start</a></p>
        </section>
        {{> foot}}
        """
}
