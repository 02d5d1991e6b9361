/// The Mustache templates of the read-only pages, compiled in so that the server needs no
/// template files beside it. `{{name}}` escapes HTML; `{{{name}}}` is used only for markup the
/// renderers made (SVG, persona cards), which escape every value themselves.
enum PageTemplates {
    static let all: [(name: String, text: String)] = [
        ("head", head), ("foot", foot), ("signin", signIn), ("home", home), ("map", map), ("persona", persona),
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
        {{#user}}<form class="signout" method="post" action="/signout"><input type="hidden" name="csrf" value="{{csrf}}"><span>{{user}}</span> <button type="submit">Sign out</button></form>{{/user}}
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
        {{#hasHeadlines}}<ul class="headlines">{{/hasHeadlines}}{{#headlines}}<li>{{.}}</li>{{/headlines}}{{#hasHeadlines}}</ul>{{/hasHeadlines}}
        <section class="map" aria-label="Journey map with live numbers">{{{svg}}}</section>
        {{> foot}}
        """

    static let persona = """
        {{> head}}
        {{{card}}}
        <h2>In the data</h2>
        {{#measured}}<p>{{customers}} customers match this persona ({{share}} of all), and {{conversion}} of them reach the goal.</p>{{/measured}}
        {{^measured}}<p>No analysis of this persona yet: import events and open a map's report.</p>{{/measured}}
        {{> foot}}
        """

    static let shared = """
        {{> head}}
        <p class="banner" role="note">A read-only view of one journey map, shared from Wayfinder{{#expires}}; the link works until {{expires}}{{/expires}}.</p>
        <h1>{{mapTitle}}</h1>
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
