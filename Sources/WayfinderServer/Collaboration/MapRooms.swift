import CustomerData
import Foundation

/// The people editing each map together, and the order of their edits. The server does not
/// apply an edit itself: it gives each one the next sequence number of its map and relays it to
/// everyone there (the author too, as the confirmation), so every browser applies the same edits
/// in the same order and ends with the same map. One editor of the room, the first to have
/// joined, saves the map as versions through the JSON API and says which edit a version
/// reaches; the edits after it are kept for whoever joins later.
///
/// Messages are JSON text. From a browser: `op` (`{op, base, opId}`), `presence`
/// (`{selection}`), `saved` (`{version, seq}`, from the saver only) and `reload`. To a browser:
/// `welcome`, `op` (`{seq, op, base, client, opId, author}`), `members`, `saved`, `reload`,
/// `comments`, `goodbye` (`{message}`, before the server closes the connection of someone whose
/// role changed) and `error`. An editor sends `reload` (`{version}`) after replacing the whole map (a restore):
/// everyone starts again from that version. A version saved outside the room (see
/// ``observe(_:version:by:)``) reaches everyone as a `reload` too, and a change of the map's
/// comment threads as `comments` (``observeComments(_:state:)``).
actor MapRooms {
    /// A map of a workspace.
    struct Key: Hashable, Sendable {
        var workspace: String
        var map: String
    }

    /// Someone in a room.
    struct Member: Sendable {
        var client: String
        /// The account's number, to let the person go when their role changes.
        var user: Int64
        var name: String
        var canEdit: Bool
        var color: Int
        var selection: JSONValue = .null
        var send: AsyncStream<String>.Continuation
        /// Messages this member may still send at once (``messageBurst``, refilled at ``messagesPerSecond``).
        var allowance = Double(MapRooms.messageBurst)
        var refilled = ContinuousClock.now
    }

    private struct Room {
        var seq = 0
        var savedVersion: Int
        var savedSeq = 0
        var log: [(seq: Int, text: String)] = []
        var members: [Member] = []
        var colors = 0
        /// A newer version of the map seen in the store that the room did not report saving.
        var outside: Int?
        /// The state of the map's comments at the last look (``JourneyStore/commentStates(workspace:)``).
        var comments: Int?

        /// The first editor present saves.
        var saver: String? { members.first { $0.canEdit }?.client }
    }

    /// Edits kept between two saves; past it edits are refused until the saver saves.
    static let maximumLog = 10_000
    /// People in one room at once.
    static let maximumMembers = 100
    /// Longest text of one message, in bytes.
    static let maximumMessage = 512 * 1024
    /// Messages one browser may send a second on average (a person typing sends about ten)…
    static let messagesPerSecond = 50.0
    /// …and at once; past that a message is refused with a reason, not handled.
    static let messageBurst = 200

    private var rooms: [Key: Room] = [:]
    /// Rooms whose selections changed since they last went out.
    private var pendingMembers: Set<Key> = []
    /// How often a room's selections go out at most.
    static let presenceInterval = Duration.milliseconds(50)
    /// Waits before a room's changed selections go out: ``presenceInterval`` on a server; a test
    /// holds it until it has sent every change, so no pause of the machine decides what it sees.
    private let presencePause: @Sendable () async -> Void
    private var nextClient = 0

    init(presencePause: @escaping @Sendable () async -> Void = { try? await Task.sleep(for: MapRooms.presenceInterval) }) {
        self.presencePause = presencePause
    }

    /// Enters a room; returns the member's client id and the messages to send it, starting with
    /// the welcome (the edits since the last save, who is there, who saves). `version` is the map's
    /// version in the store now, for a room that starts with this person.
    func join(_ key: Key, user: Int64 = 0, name: String, canEdit: Bool, version: Int) -> (client: String, messages: AsyncStream<String>)? {
        var room = rooms[key] ?? Room(savedVersion: version)
        guard room.members.count < Self.maximumMembers else { return nil }
        nextClient += 1
        let client = "c\(nextClient)"
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        room.colors += 1
        room.members.append(Member(client: client, user: user, name: name, canEdit: canEdit, color: room.colors % 8, send: continuation))
        let welcome = JSONValue.object([
            ("type", .string("welcome")), ("client", .string(client)), ("seq", .number(Double(room.seq))),
            ("saved_version", .number(Double(room.savedVersion))), ("saved_seq", .number(Double(room.savedSeq))),
            ("can_edit", .bool(canEdit)),
        ]).json
        // The edits since the last save follow as they were relayed.
        let edits = room.log.map(\.text)
        rooms[key] = room
        continuation.yield(welcome)
        for edit in edits { continuation.yield(edit) }
        broadcastMembers(key)
        return (client, stream)
    }

    /// Leaves a room; the next editor saves when the saver leaves, and an empty room is forgotten.
    func leave(_ key: Key, client: String) {
        guard var room = rooms[key] else { return }
        room.members.first { $0.client == client }?.send.finish()
        room.members.removeAll { $0.client == client }
        if room.members.isEmpty {
            rooms[key] = nil
            return
        }
        rooms[key] = room
        broadcastMembers(key)
    }

    /// The maps that have people in them now.
    var keys: [Key] { Array(rooms.keys) }

    /// Lets `user` go from every room of `workspace` (every room when nil), telling them why: their
    /// role there changed or ended, or their account was disabled. Their connections close; a
    /// page opened again gets the role they have now.
    func evict(user: Int64, workspace: String? = nil, reason: String) {
        let text = JSONValue.object([("type", .string("goodbye")), ("message", .string(reason))]).json
        for key in rooms.keys where workspace == nil || key.workspace == workspace {
            for member in rooms[key]?.members ?? [] where member.user == user {
                member.send.yield(text)
                leave(key, client: member.client)
            }
        }
    }

    /// The map is at `version` in the store, saved last by `author`. A version the room did not
    /// report saving (written through the API, by an import, or by another server process) that
    /// is still there at the next look, so that it is not the saver's own save whose `saved`
    /// message is on its way, becomes everyone's map when the room has no unsaved edits: they all
    /// start again from it (a `reload` with `outside: true`). With unsaved edits, the saver's next
    /// save is refused as stale and puts them on top of it (a `saved` with `rebased`).
    func observe(_ key: Key, version: Int, by author: String) {
        guard var room = rooms[key] else { return }
        defer { rooms[key] = room }
        guard version > room.savedVersion else { return room.outside = nil }
        guard room.outside == version else { return room.outside = version }
        room.outside = nil
        guard room.seq == room.savedSeq else { return }
        room.savedVersion = version
        room.log.removeAll()
        let text = JSONValue.object([
            ("type", .string("reload")), ("version", .number(Double(version))), ("seq", .number(Double(room.seq))), ("by", .string(author)),
            ("outside", .bool(true)),
        ]).json
        for member in room.members { member.send.yield(text) }
    }

    /// The map's comments are in `state` now: when that differs from the last look, everyone is
    /// told (`comments`) and reads the threads again; the first look only notes it.
    func observeComments(_ key: Key, state: Int) {
        guard var room = rooms[key] else { return }
        defer { rooms[key] = room }
        guard let before = room.comments else { return room.comments = state }
        guard before != state else { return }
        room.comments = state
        let text = JSONValue.object([("type", .string("comments"))]).json
        for member in room.members { member.send.yield(text) }
    }

    /// Handles a message of `client`; a message that is not understood is answered with an error to its sender only.
    func receive(_ key: Key, client: String, text: String) {
        guard var room = rooms[key], let index = room.members.firstIndex(where: { $0.client == client }) else { return }
        let now = ContinuousClock.now
        var member = room.members[index]
        let elapsed = member.refilled.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        member.allowance = min(Double(Self.messageBurst), member.allowance + seconds * Self.messagesPerSecond)
        member.refilled = now
        let allowed = member.allowance >= 1
        if allowed { member.allowance -= 1 }
        room.members[index] = member
        rooms[key] = room
        guard allowed else {
            return refuse(member, "too many messages: at most \(Int(Self.messagesPerSecond)) a second (\(Self.messageBurst) at once); this one was not applied, reload the page to continue")
        }
        let message: JSONValue
        do throws(JSONParser.Failure) { message = try JSONParser.parse(text) } catch {
            return refuse(member, "the message is not JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object = message, let type = message["type"]?.text else {
            return refuse(member, "a message is a JSON object with a 'type'")
        }
        switch type {
        case "op": relay(key, member, message)
        case "presence": presence(key, member, message)
        case "saved": saved(key, member, message)
        case "reload": reload(key, member, message)
        default: refuse(member, "unknown message type '\(type.prefix(40))'; expected op, presence, saved or reload")
        }
    }

    /// How many are in the room of `key` (for tests and metrics).
    func count(_ key: Key) -> Int { rooms[key]?.members.count ?? 0 }

    // MARK: Messages

    private func relay(_ key: Key, _ member: Member, _ message: JSONValue) {
        guard member.canEdit else { return refuse(member, "viewers cannot change the map; ask an admin of the workspace to make you an editor") }
        guard case .object = message["op"] ?? .null, let type = message["op"]?["type"]?.text, !type.isEmpty else {
            return refuse(member, "an op message needs 'op', an operation object with a 'type'")
        }
        guard case .number(let base) = message["base"] ?? .null, base >= 0, base <= 1e15, base == base.rounded() else {
            return refuse(member, "an op message needs 'base', the sequence number it was made on (a whole number)")
        }
        guard let opId = message["opId"]?.text, (1...64).contains(opId.utf8.count) else {
            return refuse(member, "an op message needs 'opId', a text of 1 to 64 bytes")
        }
        guard var room = rooms[key] else { return }
        guard room.log.count < Self.maximumLog else {
            return refuse(member, "\(Self.maximumLog) edits are waiting to be saved; wait for the save and send it again")
        }
        room.seq += 1
        let relayed = JSONValue.object([
            ("type", .string("op")), ("seq", .number(Double(room.seq))), ("op", message["op"]!), ("base", .number(base)),
            ("client", .string(member.client)), ("opId", .string(opId)), ("author", .string(member.name)),
        ]).json
        room.log.append((room.seq, relayed))
        rooms[key] = room
        for other in room.members { other.send.yield(relayed) }
    }

    private func presence(_ key: Key, _ member: Member, _ message: JSONValue) {
        var selection = JSONValue.null
        if let chosen = message["selection"], case .object = chosen {
            guard let kind = chosen["kind"]?.text, ["map", "stage", "touchpoint"].contains(kind) else {
                return refuse(member, "a selection is {kind: map, stage or touchpoint, id}")
            }
            let id = chosen["id"]?.text ?? ""
            guard id.utf8.count <= 128 else { return refuse(member, "a selected id is at most 128 bytes") }
            selection = .object([("kind", .string(kind)), ("id", .string(id))])
        }
        guard var room = rooms[key], let index = room.members.firstIndex(where: { $0.client == member.client }) else { return }
        room.members[index].selection = selection
        rooms[key] = room
        scheduleMembers(key)
    }

    /// Selections of a room go out together, at most every ``presenceInterval``: a room of many
    /// people changing selections sends each of them one list, not one per change.
    private func scheduleMembers(_ key: Key) {
        guard pendingMembers.insert(key).inserted else { return }
        let pause = presencePause
        Task {
            await pause()
            self.flushMembers(key)
        }
    }

    private func flushMembers(_ key: Key) {
        pendingMembers.remove(key)
        broadcastMembers(key)
    }

    private func saved(_ key: Key, _ member: Member, _ message: JSONValue) {
        guard var room = rooms[key], room.saver == member.client else { return refuse(member, "only the browser that saves for the room reports saves") }
        guard case .number(let version) = message["version"] ?? .null, version >= Double(max(1, room.savedVersion)), version <= 1e12, version == version.rounded(),
              case .number(let seq) = message["seq"] ?? .null, seq >= 0, seq <= Double(room.seq), seq == seq.rounded() else {
            return refuse(member, "a saved message needs 'version' (the room's saved version \(room.savedVersion) or later) and 'seq' (a sequence number relayed so far)")
        }
        let rebased = message["rebased"] == .bool(true)
        room.savedVersion = Int(version)
        room.savedSeq = max(room.savedSeq, Int(seq))
        room.log.removeAll { $0.seq <= room.savedSeq }
        rooms[key] = room
        let text = JSONValue.object([
            ("type", .string("saved")), ("version", .number(version)), ("seq", .number(seq)), ("by", .string(member.name)), ("rebased", .bool(rebased)),
        ]).json
        for other in room.members { other.send.yield(text) }
    }

    /// An editor replaced the whole map (a restored version): everyone starts again from that version.
    private func reload(_ key: Key, _ member: Member, _ message: JSONValue) {
        guard member.canEdit else { return refuse(member, "viewers cannot change the map; ask an admin of the workspace to make you an editor") }
        guard case .number(let version) = message["version"] ?? .null, version >= 1, version <= 1e12, version == version.rounded() else {
            return refuse(member, "a reload message needs 'version', the version everyone starts again from")
        }
        guard var room = rooms[key] else { return }
        room.savedVersion = Int(version)
        room.savedSeq = room.seq
        room.log.removeAll()
        rooms[key] = room
        let text = JSONValue.object([
            ("type", .string("reload")), ("version", .number(version)), ("seq", .number(Double(room.seq))), ("by", .string(member.name)),
        ]).json
        for other in room.members { other.send.yield(text) }
    }

    private func broadcastMembers(_ key: Key) {
        guard let room = rooms[key] else { return }
        let text = JSONValue.object([
            ("type", .string("members")), ("saver", room.saver.map(JSONValue.string) ?? .null),
            ("members", .array(room.members.map { member in
                .object([("client", .string(member.client)), ("name", .string(member.name)), ("color", .number(Double(member.color))),
                         ("can_edit", .bool(member.canEdit)), ("selection", member.selection)])
            })),
        ]).json
        for member in room.members { member.send.yield(text) }
    }

    private func refuse(_ member: Member, _ message: String) {
        member.send.yield(JSONValue.object([("type", .string("error")), ("message", .string(message))]).json)
    }
}
