import CustomerData
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// The rooms where browsers edit a map together: one order of edits for everyone, viewers who
/// only watch, one saver, and messages that are refused with a reason; and the WebSocket that
/// opens only for a signed-in member on a page of this server.
@Suite("Map rooms")
struct MapRoomTests {
    static let key = MapRooms.Key(workspace: "shop", map: "first-purchase")

    /// Takes what a member has been sent so far (the stream is read until it has nothing waiting).
    final class Inbox: @unchecked Sendable {
        private var iterator: AsyncStream<String>.AsyncIterator
        init(_ stream: AsyncStream<String>) { iterator = stream.makeAsyncIterator() }
        func next() async -> JSONValue? {
            guard let text = await iterator.next() else { return nil }
            return try? JSONParser.parse(text)
        }
        /// The next message of `type`, skipping others.
        func next(_ type: String) async -> JSONValue? {
            while let message = await next() { if message["type"]?.text == type { return message } }
            return nil
        }
    }

    static func op(_ id: String, base: Int, name: String) -> String {
        #"{"type":"op","opId":"\#(id)","base":\#(base),"op":{"type":"setField","target":{"kind":"touchpoint","id":"ad"},"field":"name","value":"\#(name)"}}"#
    }

    @Test("edits get one order and reach everyone, the author too; a late joiner gets the edits since the last save")
    func order() async throws {
        let rooms = MapRooms()
        let alex = try #require(await rooms.join(Self.key, name: "Alex", canEdit: true, version: 3))
        let sam = try #require(await rooms.join(Self.key, name: "Sam", canEdit: true, version: 3))
        let alexInbox = Inbox(alex.messages), samInbox = Inbox(sam.messages)
        let welcome = try #require(await alexInbox.next("welcome"))
        #expect(welcome["saved_version"] == .number(3) && welcome["seq"] == .number(0) && welcome["client"]?.text == alex.client)
        await rooms.receive(Self.key, client: alex.client, text: Self.op("1", base: 0, name: "A"))
        await rooms.receive(Self.key, client: sam.client, text: Self.op("1", base: 0, name: "B"))
        for inbox in [alexInbox, samInbox] {
            let first = try #require(await inbox.next("op")), second = try #require(await inbox.next("op"))
            #expect(first["seq"] == .number(1) && first["client"]?.text == alex.client && first["author"]?.text == "Alex")
            #expect(second["seq"] == .number(2) && second["client"]?.text == sam.client && second["op"]?["value"]?.text == "B")
        }
        // The saver (the first editor) saves after the first edit: a newcomer gets only the second.
        await rooms.receive(Self.key, client: alex.client, text: #"{"type":"saved","version":4,"seq":1}"#)
        #expect(await samInbox.next("saved")?["version"] == .number(4))
        let late = try #require(await rooms.join(Self.key, name: "Kim", canEdit: false, version: 4))
        let lateInbox = Inbox(late.messages)
        let lateWelcome = try #require(await lateInbox.next("welcome"))
        #expect(lateWelcome["saved_version"] == .number(4) && lateWelcome["saved_seq"] == .number(1) && lateWelcome["can_edit"] == .bool(false))
        let replayed = try #require(await lateInbox.next())
        #expect(replayed["type"]?.text == "op" && replayed["seq"] == .number(2))
    }

    @Test("a version saved outside the room reaches everyone at the second look; an editor's own restore and a version under unsaved edits do not")
    func outside() async throws {
        let rooms = MapRooms()
        let editor = try #require(await rooms.join(Self.key, name: "Ed", canEdit: true, version: 3))
        let viewer = try #require(await rooms.join(Self.key, name: "Vi", canEdit: false, version: 3))
        // A restore from the editor, seen in the store once before the editor tells the room.
        await rooms.observe(Self.key, version: 4, by: "Ed")
        await rooms.receive(Self.key, client: editor.client, text: #"{"type":"reload","version":4}"#)
        await rooms.observe(Self.key, version: 4, by: "Ed")
        // A version written elsewhere while an edit is unsaved: the saver's next save puts it on top.
        await rooms.receive(Self.key, client: editor.client, text: Self.op("1", base: 4, name: "B"))
        await rooms.observe(Self.key, version: 5, by: "Importer")
        await rooms.observe(Self.key, version: 5, by: "Importer")
        await rooms.receive(Self.key, client: editor.client, text: #"{"type":"saved","version":6,"seq":1,"rebased":true}"#)
        // Written elsewhere with nothing unsaved: everyone starts again from it at the second look.
        await rooms.observe(Self.key, version: 7, by: "Importer")
        await rooms.observe(Self.key, version: 7, by: "Importer")
        let inbox = Inbox(viewer.messages)
        var seen: [String] = []
        while let message = await inbox.next() {
            guard let type = message["type"]?.text, ["op", "saved", "reload"].contains(type) else { continue }
            let number: JSONValue? = type == "op" ? message["seq"] : message["version"]
            guard case .number(let value)? = number else { Issue.record("\(type) without its number"); break }
            seen.append("\(type) \(Int(value))")
            if message["outside"] == .bool(true) {
                #expect(message["by"]?.text == "Importer" && message["seq"] == .number(1))
                break
            }
        }
        #expect(seen == ["reload 4", "op 1", "saved 6", "reload 7"])
        // Joining now starts from the outside version.
        let late = try #require(await rooms.join(Self.key, name: "Kim", canEdit: true, version: 7))
        #expect(await Inbox(late.messages).next("welcome")?["saved_version"] == .number(7))
    }

    @Test("a change of the map's comments reaches everyone; the first look and an unchanged state send nothing")
    func comments() async throws {
        let rooms = MapRooms()
        let viewer = try #require(await rooms.join(Self.key, name: "Vi", canEdit: false, version: 1))
        await rooms.observeComments(Self.key, state: 11)
        await rooms.observeComments(Self.key, state: 11)
        await rooms.observeComments(Self.key, state: 12)
        await rooms.observeComments(Self.key, state: 12)
        // A marker after them: a presence change makes a members message.
        await rooms.receive(Self.key, client: viewer.client, text: #"{"type":"presence","selection":{"kind":"map","id":"m"}}"#)
        let inbox = Inbox(viewer.messages)
        var seen: [String] = []
        while let message = await inbox.next(), let type = message["type"]?.text {
            if type == "comments" { seen.append(type) }
            if type == "members", message["members"]?.json.contains("selection\":{") == true { break }
        }
        #expect(seen == ["comments"])
    }

    @Test("a browser sending faster than people do is refused past the burst, with the reason; the others get only what was allowed")
    func rateLimit() async throws {
        let rooms = MapRooms()
        let flooder = try #require(await rooms.join(Self.key, name: "Fl", canEdit: true, version: 1))
        let watcher = try #require(await rooms.join(Self.key, name: "Wa", canEdit: false, version: 1))
        let sent = MapRooms.messageBurst + 100
        let started = ContinuousClock.now
        for index in 0..<sent { await rooms.receive(Self.key, client: flooder.client, text: Self.op("\(index)", base: 0, name: "N\(index)")) }
        let elapsed = started.duration(to: .now)
        // What refilled while sending (50 a second) may pass too.
        let refill = Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * MapRooms.messagesPerSecond) + 1
        await rooms.leave(Self.key, client: flooder.client)
        var relayed = 0
        let inbox = Inbox(watcher.messages)
        await rooms.leave(Self.key, client: watcher.client)
        // Leaving finished the stream: everything sent to the watcher is read.
        while let message = await inbox.next() {
            if message["type"]?.text == "op" { relayed += 1 }
        }
        #expect(relayed >= MapRooms.messageBurst && relayed <= MapRooms.messageBurst + refill, "relayed \(relayed) of \(sent)")
        var refused = 0
        let flooded = Inbox(flooder.messages)
        while let message = await flooded.next() {
            if message["type"]?.text == "error", message["message"]?.text?.hasPrefix("too many messages: at most 50 a second") == true { refused += 1 }
        }
        #expect(refused == sent - relayed)
    }

    @Test("a person whose role changes is let go from the workspace's rooms with the reason; other people and workspaces stay")
    func evict() async throws {
        let rooms = MapRooms()
        let other = MapRooms.Key(workspace: "elsewhere", map: "m")
        let leaving = try #require(await rooms.join(Self.key, user: 7, name: "Lee", canEdit: true, version: 1))
        let staying = try #require(await rooms.join(Self.key, user: 8, name: "Sam", canEdit: true, version: 1))
        let elsewhere = try #require(await rooms.join(other, user: 7, name: "Lee", canEdit: true, version: 1))
        await rooms.evict(user: 7, workspace: "shop", reason: "You were removed from this workspace")
        var last: JSONValue?
        let inbox = Inbox(leaving.messages)
        while let message = await inbox.next() { last = message }  // the stream ends
        #expect(last?["type"]?.text == "goodbye" && last?["message"]?.text == "You were removed from this workspace")
        let left = await rooms.count(Self.key), away = await rooms.count(other)
        #expect(left == 1 && away == 1)
        await rooms.receive(Self.key, client: leaving.client, text: Self.op("1", base: 0, name: "After"))
        let stayingInbox = Inbox(staying.messages)
        await rooms.leave(Self.key, client: staying.client)
        var relayed = 0
        while let message = await stayingInbox.next() { if message["type"]?.text == "op" { relayed += 1 } }
        #expect(relayed == 0, "an edit sent after being let go was relayed")
        _ = elsewhere
    }

    @Test("selections changing quickly go out together: the others get the latest, not every step")
    func presenceTogether() async throws {
        // The pause before selections go out ends when the test has sent all twenty, however
        // slowly the machine runs them (a fixed 50 ms let a loaded machine send a list midway).
        let (sent, sending) = AsyncStream<Void>.makeStream()
        let rooms = MapRooms(presencePause: { for await _ in sent { break } })
        let mover = try #require(await rooms.join(Self.key, name: "Mo", canEdit: true, version: 1))
        let watcher = try #require(await rooms.join(Self.key, name: "Wa", canEdit: false, version: 1))
        for index in 0..<20 {
            await rooms.receive(Self.key, client: mover.client, text: #"{"type":"presence","selection":{"kind":"touchpoint","id":"t\#(index)"}}"#)
        }
        sending.yield()
        let inbox = Inbox(watcher.messages)
        var seen: [String] = []
        while let message = await inbox.next() {
            guard message["type"]?.text == "members", case .array(let members)? = message["members"] else { continue }
            guard let selected = members.first(where: { $0["client"]?.text == mover.client })?["selection"]?["id"]?.text else { continue }
            seen.append(selected)
            if selected == "t19" { break }
        }
        #expect(seen == ["t19"])
    }

    @Test("the first editor saves; when they leave the next editor does; viewers never do, and an empty room is forgotten")
    func saver() async throws {
        let rooms = MapRooms()
        let viewer = try #require(await rooms.join(Self.key, name: "Vi", canEdit: false, version: 1))
        let first = try #require(await rooms.join(Self.key, name: "Ed", canEdit: true, version: 1))
        let second = try #require(await rooms.join(Self.key, name: "Flo", canEdit: true, version: 1))
        let inbox = Inbox(viewer.messages)
        var members = try #require(await inbox.next("members"))
        while members["members"].map({ if case .array(let list) = $0 { list.count } else { 0 } }) != 3 { members = try #require(await inbox.next("members")) }
        #expect(members["saver"]?.text == first.client)
        await rooms.leave(Self.key, client: first.client)
        #expect(await inbox.next("members")?["saver"]?.text == second.client)
        // A viewer's edit and a non-saver's save report are refused with a reason.
        await rooms.receive(Self.key, client: viewer.client, text: Self.op("1", base: 0, name: "X"))
        #expect(await inbox.next("error")?["message"]?.text?.contains("viewers cannot change the map") == true)
        await rooms.receive(Self.key, client: viewer.client, text: #"{"type":"saved","version":2,"seq":0}"#)
        #expect(await inbox.next("error")?["message"]?.text?.contains("only the browser that saves") == true)
        await rooms.leave(Self.key, client: second.client)
        await rooms.leave(Self.key, client: viewer.client)
        #expect(await rooms.count(Self.key) == 0)
    }

    @Test("malformed and hostile messages are answered with what is expected, and relay nothing", arguments: [
        ("not json", "not JSON"), ("[1,2]", "JSON object with a 'type'"), (#"{"type":"dance"}"#, "unknown message type"),
        (#"{"type":"op","base":0,"opId":"1"}"#, "needs 'op'"), (#"{"type":"op","op":{"type":"x"},"base":-1,"opId":"1"}"#, "needs 'base'"),
        (#"{"type":"op","op":{"type":"x"},"base":1e300,"opId":"1"}"#, "needs 'base'"), (#"{"type":"op","op":{"type":"x"},"base":0.5,"opId":"1"}"#, "needs 'base'"),
        (#"{"type":"op","op":{"type":"x"},"base":0,"opId":""}"#, "needs 'opId'"),
        (#"{"type":"presence","selection":{"kind":"everything","id":"x"}}"#, "a selection is"),
        (#"{"type":"saved","version":0,"seq":0}"#, "needs 'version'"), (#"{"type":"saved","version":2,"seq":99}"#, "needs 'version'"),
        (String(repeating: "[", count: 5000), "not JSON"),
    ])
    func hostile(text: String, expected: String) async throws {
        let rooms = MapRooms()
        let member = try #require(await rooms.join(Self.key, name: "Ed", canEdit: true, version: 1))
        let inbox = Inbox(member.messages)
        await rooms.receive(Self.key, client: member.client, text: text)
        let error = try #require(await inbox.next("error"))
        #expect(error["message"]?.text?.contains(expected) == true, "\(error)")
        // The next edit still gets the first sequence number: nothing was relayed.
        await rooms.receive(Self.key, client: member.client, text: Self.op("1", base: 0, name: "A"))
        #expect(await inbox.next("op")?["seq"] == .number(1))
    }

    @Test("live paths and origins", arguments: [
        ("/w/shop/maps/first-purchase/live", true), ("/w/shop/maps/first-purchase/live?x=1", true), ("/w/shop/maps/first-purchase", false),
        ("/w//maps/x/live", false), ("/w/shop/maps/x/live/more", false), ("/api/v1/workspaces/shop/maps/x/live", false),
    ])
    func route(path: String, live: Bool) {
        #expect((LiveMaps.route(path) != nil) == live, "\(path)")
    }

    @Test("a live connection opens only for a signed-in member whose page is on this server")
    func upgrade() async throws {
        let harness = try await APIHarness()
        let map = harness.mapID
        try await harness.test(.live) { client in
            let port = try #require(client.port)
            guard case .session(let cookie, _) = try await client.signIn("viewer@example.com") else { return }
            func attempt(origin: String?, cookie: String?) throws -> String {
                let connection = try LoopbackConnection(port: port)
                var head = "GET /w/shop/maps/\(map)/live HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                if let origin { head += "Origin: \(origin)\r\n" }
                if let cookie { head += "Cookie: \(Authenticator.cookieName)=\(cookie)\r\n" }
                connection.send(head + "\r\n")
                return connection.receive(seconds: 5) ?? ""
            }
            let mine = "http://127.0.0.1:\(port)"
            #expect(try attempt(origin: mine, cookie: cookie).hasPrefix("HTTP/1.1 101"), "a member on this server's page")
            #expect(!(try attempt(origin: "http://evil.example", cookie: cookie)).hasPrefix("HTTP/1.1 101"), "another site, with the visitor's cookie")
            #expect(!(try attempt(origin: nil, cookie: cookie)).hasPrefix("HTTP/1.1 101"), "no Origin")
            #expect(!(try attempt(origin: mine, cookie: nil)).hasPrefix("HTTP/1.1 101"), "no session")
            #expect(!(try attempt(origin: mine, cookie: "forged")).hasPrefix("HTTP/1.1 101"), "a forged session")
            guard case .session(let outsider, _) = try await client.signIn("outsider@example.com") else { return }
            #expect(!(try attempt(origin: mine, cookie: outsider)).hasPrefix("HTTP/1.1 101"), "a user with no role in the workspace")
            // An ordinary request on the same server is still answered.
            #expect(try await client.call(.get, "/health", as: .none).status == 200)
        }
    }
}
