extension AlertRule {
    /// The most days a stage-stay rule may give: ten years. Days are counted in milliseconds in
    /// 64 bits, so a bounded number is what keeps that conversion exact and safe.
    public static let maximumStageStayDays = 3650.0

    /// Whether a stage-stay rule of `days` is accepted, and evaluated once stored: more than 0 and
    /// at most ``maximumStageStayDays``; never NaN or an infinity.
    public static func acceptsStageStay(days: Double) -> Bool {
        days.isFinite && days > 0 && days <= maximumStageStayDays
    }
}

extension AlertRuleDraft {
    /// Checks what the draft holds by itself: the URL, the lengths of the name and secret, the
    /// days of a stage-stay rule (``AlertRule/acceptsStageStay(days:)``) and the touchpoints of a
    /// friction rule. ``SQLWorkspaceStore/addAlertRule(_:)`` calls it, and then checks the map, its
    /// touchpoints and its stage; a command line can call it to refuse bad options up front.
    public func validate() throws(WorkspaceStoreError) {
        try JourneyStore.checkURL(url)
        _ = try FieldRules.optional(name, field: "name", maximum: 200)
        if let secret, secret.count < AlertRule.minimumSecretLength || secret.count > 200 {
            throw .invalid("secret", "secret: give \(AlertRule.minimumSecretLength) to 200 characters, or none to have one made")
        }
        switch kind {
        case .stageStay:
            guard let days, AlertRule.acceptsStageStay(days: days) else {
                let given = days.map { "; got \($0)" } ?? ""
                throw .invalid("days", "days: a stage-stay rule needs the days a customer may stay in the stage, more than 0 and at most \(Int(AlertRule.maximumStageStayDays)) (such as 7)\(given)")
            }
        case .frictionTouchpoint:
            if touchpoints.isEmpty {
                throw .invalid("touchpoints", "touchpoints: a friction-touchpoint rule needs the touchpoint ids that count as friction")
            }
        case .atRisk:
            if touchpoints.isEmpty {
                throw .invalid("touchpoints", "touchpoints: an at-risk rule needs the touchpoint ids where customers are at risk (those whose odds 'wayfinder analyze next-best' puts under your threshold)")
            }
        case .negativeFeedback:
            break
        }
    }
}
