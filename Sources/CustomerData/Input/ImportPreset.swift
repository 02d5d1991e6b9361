import JourneyModel

/// The exports of tools teams already use, read unchanged: each preset is a mapping file shipped
/// with Wayfinder (`Input/Presets/<name>.yaml`, also printed by `wayfinder import --show-preset`)
/// that a user can copy and adjust, and a file is recognised by its header when exactly one
/// preset's `recognise` columns are all in it.
public struct ImportPreset: Sendable {
    /// The preset's name (`zendesk`).
    public let name: String
    /// What the export is, in a few words.
    public let summary: String
    /// The mapping file's text.
    public let text: String
    /// The mapping it reads.
    public let mapping: CSVMapping

    /// Every preset shipped, by name.
    public static let all: [ImportPreset] = [
        make("zendesk", "Zendesk tickets (CSV export): created, solved, and the requester's CSAT rating", PackageResources.zendesk_yaml),
        make("hubspot-contacts", "HubSpot contacts (CSV export): each contact's traits, and its lifecycle stage", PackageResources.hubspot_contacts_yaml),
        make("hubspot-calls", "HubSpot calls (CSV export): each logged call of its contact", PackageResources.hubspot_calls_yaml),
        make("hubspot-emails", "HubSpot e-mails (CSV export): each sales e-mail of its contact", PackageResources.hubspot_emails_yaml),
        make("hubspot-meetings", "HubSpot meetings (CSV export): each meeting with its contact, and its outcome", PackageResources.hubspot_meetings_yaml),
        make("hubspot-deals", "HubSpot deals (CSV export): the creation and each stage a deal entered", PackageResources.hubspot_deals_yaml),
        make("adobe-analytics", "Adobe Analytics (Data Feed: hit_data.tsv with column_headers.tsv): page views, links and commerce events of each visitor", PackageResources.adobe_analytics_yaml),
        make("ga4", "Google Analytics 4 (BigQuery export as JSON lines): page views and every other event of each browser", PackageResources.ga4_yaml),
        make("mailchimp", "Mailchimp campaign activity (the API's email activity report as JSON lines): opens, clicks and bounces per e-mail", PackageResources.mailchimp_yaml),
        make("mailchimp-sent", "Mailchimp sends (the API's sent-to report as JSON lines, with the campaign's send time): each recipient's Email Sent", PackageResources.mailchimp_sent_yaml),
        make("mailchimp-unsubscribes", "Mailchimp unsubscribes (the API's unsubscribed report as JSON lines)", PackageResources.mailchimp_unsubscribes_yaml),
        make("typeform", "Typeform responses (CSV download): a chosen question's score, a free-text answer", PackageResources.typeform_yaml),
        make("surveymonkey", "SurveyMonkey responses (CSV export, two header rows): a chosen question's score, a free-text answer", PackageResources.surveymonkey_yaml),
        make("qualtrics", "Qualtrics responses (CSV export, three header rows): a chosen question's score, a free-text answer", PackageResources.qualtrics_yaml),
        make("salesforce-contacts", "Salesforce contacts (data export, Contact.csv): each contact's traits and Salesforce id", PackageResources.salesforce_contacts_yaml),
        make("salesforce-tasks", "Salesforce tasks (data export, Task.csv): logged calls, e-mails and tasks of each contact", PackageResources.salesforce_tasks_yaml),
        make("salesforce-meetings", "Salesforce events (data export, Event.csv): meetings with each contact", PackageResources.salesforce_meetings_yaml),
        make("salesforce-opportunities", "Salesforce opportunities (data export, Opportunity.csv): the stage each deal reached", PackageResources.salesforce_opportunities_yaml),
        make("social", "Social listening mentions (CSV): each post's text, scored for sentiment, by the author's handle", PackageResources.social_yaml),
    ]

    private static func make(_ name: String, _ summary: String, _ bytes: [UInt8]) -> ImportPreset {
        // The shipped files read without problems (ImportPresetTests checks every one).
        guard case .success(let mapping) = CSVMapping.read(bytes, file: "\(name).yaml") else {
            preconditionFailure("the preset \(name) does not read")
        }
        return ImportPreset(name: name, summary: summary, text: String(decoding: bytes, as: UTF8.self), mapping: mapping)
    }

    /// The names of the parameters presets take (`question`, `metric`, `comment`), sorted.
    public static let parameterNames: [String] = Array(Set(all.flatMap(\.mapping.parameters.keys))).sorted()

    /// The preset called `name`, or nil.
    public static func named(_ name: String) -> ImportPreset? { all.first { $0.name == name } }

    /// The one preset of files of `format` whose `recognise` columns are all in `header` (a
    /// record's columns for JSON lines), or nil when none or several are.
    public static func recognise(header: [String], format: RecordReader.Format) -> ImportPreset? {
        let names = Set(header)
        let found = all.filter {
            ($0.mapping.format ?? .csv) == format && !$0.mapping.recognise.isEmpty && $0.mapping.recognise.allSatisfy(names.contains)
        }
        return found.count == 1 ? found[0] : nil
    }
}
