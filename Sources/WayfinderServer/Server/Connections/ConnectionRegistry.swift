import NIOCore
import Synchronization

/// The open connections of a server, for its connection limit: when a new connection takes it
/// over the limit, the connection that has waited longest for its client (idle, or its request
/// head still trickling in) is closed to make room, so that connections held open by clients
/// that send nothing cannot keep anyone else out; when every connection is busy, the new one is
/// closed instead.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        var waitingSince: UInt64?
    }

    /// The most connections held open at once.
    let maximum: Int
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Records a connection that is waiting since `now`; returns the connection to close to stay
    /// within the limit, if any (possibly this one).
    func opened(_ channel: any Channel, at now: UInt64) -> (any Channel)? {
        let id = ObjectIdentifier(channel)
        return entries.withLock { entries -> (any Channel)? in
            entries[id] = Entry(channel: channel, waitingSince: now)
            guard entries.count > maximum else { return nil }
            var victim: (id: ObjectIdentifier, since: UInt64)?
            for (key, entry) in entries where key != id {
                if let since = entry.waitingSince, since < victim?.since ?? .max { victim = (key, since) }
            }
            let closing = victim?.id ?? id
            return entries.removeValue(forKey: closing)?.channel
        }
    }

    /// Records whether, and since when, a connection waits for its client.
    func update(_ channel: any Channel, waitingSince: UInt64?) {
        let id = ObjectIdentifier(channel)
        entries.withLock { entries in entries[id]?.waitingSince = waitingSince }
    }

    /// Forgets a closed connection.
    func closed(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    /// The connections open now.
    var count: Int { entries.withLock { $0.count } }
}
