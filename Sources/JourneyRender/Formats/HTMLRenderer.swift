import JourneyModel

/// One self-contained HTML page: the map, persona cards and print CSS for A3 landscape.
public enum HTMLRenderer {
    /// The start of every page Wayfinder writes as a file, up to and with `<body>`: `title` (escaped
    /// here) and the page's CSS.
    static func head(_ title: String, style: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Wayfinder">
        <title>\(XML.escape(title)) · Wayfinder</title>
        <style>\(style)</style>
        </head>
        <body>

        """
    }

    /// The page for a map (or for a comparison when `compareWith` is given).
    public static func page(_ journey: JourneyMap, in workspace: Workspace, compareWith future: JourneyMap? = nil,
                            options: JourneyMapRenderer.Options = .init()) -> String {
        let svg = future.map { CompareRenderer(current: journey, future: $0, workspace: workspace, options: options).svg() }
            ?? JourneyMapRenderer(journey: journey, workspace: workspace, options: options).svg()
        let personas = journey.personas.compactMap { workspace.persona($0) }
        var html = head(journey.title, style: style) + """
        <header>
        <h1>\(XML.escape(journey.title))</h1>
        <p class="meta">\(XML.escape(workspace.name ?? "Workspace")) · \(journey.state == .future ? "future state" : "current state") · \(journey.touchpoints.count) touchpoints in \(journey.stages.count) stages</p>

        """
        if let objective = journey.objective { html += "<p class=\"objective\"><strong>Objective:</strong> \(XML.escape(objective))</p>\n" }
        if let description = journey.description { html += "<p>\(XML.escape(description))</p>\n" }
        html += "</header>\n<main>\n<section class=\"map\" aria-label=\"Journey map\">\n\(svg)</section>\n"
        if !personas.isEmpty {
            html += "<section class=\"personas\">\n<h2>Personas</h2>\n<div class=\"cards\">\n"
            for persona in personas { html += personaCard(persona, photo: options.photos[persona.id]) }
            html += "</div>\n</section>\n"
        }
        html += "</main>\n<footer>Made with Wayfinder from journey-as-code. Print with your browser's Print to PDF: the page is laid out for A3 landscape.</footer>\n</body>\n</html>\n"
        return html
    }

    /// A persona as a card: avatar, name, quote, background, demographics, goals, challenges,
    /// preferences and channels, every value escaped.
    public static func personaCard(_ persona: Persona, photo: String?) -> String {
        var html = "<article class=\"persona\" id=\"persona-\(XML.escape(persona.id))\">\n"
        if let photo {
            html += "<img class=\"avatar\" src=\"\(XML.escape(photo))\" alt=\"\">\n"
        } else {
            html += "<div class=\"avatar\" aria-hidden=\"true\">\(XML.escape(persona.initials))</div>\n"
        }
        html += "<h3>\(XML.escape(persona.name))</h3>\n"
        if let quote = persona.quote { html += "<blockquote>\(XML.escape(quote))</blockquote>\n" }
        if let background = persona.background { html += "<p>\(XML.escape(background))</p>\n" }
        if !persona.demographics.isEmpty {
            html += "<dl>" + persona.demographics.map { "<dt>\(XML.escape($0.key))</dt><dd>\(XML.escape($0.value.description))</dd>" }.joined() + "</dl>\n"
        }
        for (title, items) in [("Goals", persona.goals), ("Challenges", persona.challenges), ("Preferences", persona.preferences), ("Channels", persona.channels)]
        where !items.isEmpty {
            html += "<h4>\(title)</h4><ul>" + items.map { "<li>\(XML.escape($0))</li>" }.joined() + "</ul>\n"
        }
        return html + "</article>\n"
    }

    /// The style of the map pages.
    public static let style = """
    :root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.5 Inter, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f5f7fa; }
    header, main > section, footer { padding: 16px 28px; }
    header { background: #fff; border-bottom: 1px solid var(--line); }
    h1 { margin: 0 0 4px; font-size: 26px; }
    .meta { color: var(--muted); margin: 0; }
    .map { overflow-x: auto; background: #fff; margin: 16px 28px; padding: 0 !important; border: 1px solid var(--line); border-radius: 8px; }
    .map svg { display: block; height: auto; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
    .persona { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; break-inside: avoid; }
    .persona h3 { margin: 8px 0; }
    .persona h4 { margin: 10px 0 2px; font-size: 13px; text-transform: uppercase; color: var(--muted); }
    .persona ul { margin: 0; padding-left: 18px; }
    .persona dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 8px 0; font-size: 14px; }
    .persona dt { color: var(--muted); }
    .persona dd { margin: 0; }
    .avatar { width: 56px; height: 56px; border-radius: 50%; background: #3d5afe; color: #fff; display: grid; place-items: center; font-weight: 700; object-fit: cover; }
    blockquote { margin: 6px 0; padding-left: 10px; border-left: 3px solid var(--line); font-style: italic; }
    footer { color: var(--muted); font-size: 13px; }
    @page { size: A3 landscape; margin: 10mm; }
    @media print {
      body { background: #fff; font-size: 11pt; }
      header, main > section, footer { padding: 0 0 8px; }
      .map { overflow: visible; border: none; margin: 0; }
      .map svg { width: 100%; height: auto; max-height: 265mm; }
      .personas { break-before: page; }
      footer { display: none; }
    }
    """
}
