/// The complete example workspaces that `wayfinder init` writes.
public enum WorkspaceTemplate: String, CaseIterable, Sendable {
    /// A running-shoe retailer with web shop, app and stores.
    case retail
    /// A project-management SaaS with a free trial.
    case saas
    /// A physiotherapy and outpatient clinic network.
    case healthcare
    /// A home solar installer qualifying leads.
    case leadGen = "lead-gen"
    /// An IT managed-services consultancy selling to mid-size companies.
    case b2bServices = "b2b-services"
    /// A bookkeeping app whose evidence comes from the exports of GA4, HubSpot, Mailchimp, Zendesk, Typeform and social listening.
    case omnichannel

    /// One line saying what the template shows.
    public var summary: String {
        switch self {
        case .retail: "running-shoe retailer: social ads, web shop, stores, delivery and reviews"
        case .saas: "project-management SaaS: free trial to paid subscription and renewal"
        case .healthcare: "physiotherapy clinics: finding care, booking, treatment and follow-up"
        case .leadGen: "home solar installer: ad, quote calculator, survey visit, signed contract"
        case .b2bServices: "IT managed services: RFP, discovery workshop, proposal, onboarding, renewal"
        case .omnichannel: "bookkeeping app: every touchpoint read from GA4, HubSpot, Mailchimp, Zendesk, Typeform and social exports"
        }
    }

    /// The template as YAML text.
    public var yaml: String {
        let bytes: [UInt8] = switch self {
        case .retail: PackageResources.retail_yaml
        case .saas: PackageResources.saas_yaml
        case .healthcare: PackageResources.healthcare_yaml
        case .leadGen: PackageResources.lead_gen_yaml
        case .b2bServices: PackageResources.b2b_services_yaml
        case .omnichannel: PackageResources.omnichannel_yaml
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The template decoded and validated.
    public func decoded() -> WorkspaceCodec.Decoded {
        var decoded = WorkspaceCodec.decode(yaml, file: "\(rawValue).yaml")
        if let workspace = decoded.workspace {
            decoded.diagnostics += WorkspaceValidator.validate(workspace, sourceMap: decoded.sourceMap)
        }
        return decoded
    }

    /// The template's workspace.
    public var workspace: Workspace { decoded().workspace ?? Workspace() }
}
