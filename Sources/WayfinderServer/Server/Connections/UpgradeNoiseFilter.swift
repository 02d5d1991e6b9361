import Logging

/// Passes a connection's log on, except that the WebSocket library's "Error handling upgrade
/// result" for a connection its client closed or broke off while the request was being read
/// (NIO's "Inappropriate operation for state") is logged at debug: it says nothing about the
/// server, and an error line for every client that hangs up would hide the real ones.
struct UpgradeNoiseFilter: LogHandler {
    var base: any LogHandler

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if event.level == .error, event.message.description == "Error handling upgrade result",
           event.metadata?["error.type"].map({ "\($0)".contains("Inappropriate operation for state") || "\($0)".contains("inputClosed") }) == true {
            event.level = .debug
            guard base.logLevel <= .debug else { return }
        }
        base.log(event: event)
    }
}
