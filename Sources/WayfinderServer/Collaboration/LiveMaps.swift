import Foundation
import HTTPTypes
import HummingbirdWebSocket
import JourneyStore
import Logging
import NIOCore

/// The WebSocket where the browsers editing a map meet: `GET /w/{workspace}/maps/{map}/live`,
/// upgraded for a signed-in member of the workspace (the session cookie, as the pages take it)
/// whose browser is on a page of this server (`Origin`), so that no other site can open it with
/// the visitor's cookie. Viewers see the edits and the people; editors make edits too.
struct LiveMaps: Sendable {
    let api: APIContext
    let rooms: MapRooms

    /// The path's workspace and map, when it is a live path.
    static func route(_ path: String) -> MapRooms.Key? {
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].isEmpty, parts[1] == "w", parts[3] == "maps", parts[5] == "live",
              let workspace = parts[2].removingPercentEncoding, let map = parts[4].removingPercentEncoding,
              !workspace.isEmpty, !map.isEmpty, workspace.utf8.count <= 128, map.utf8.count <= 128 else { return nil }
        return MapRooms.Key(workspace: workspace, map: map)
    }

    /// Whether the request comes from a page of this server: its `Origin` names the host it was sent to.
    static func sameOrigin(_ head: HTTPRequest) -> Bool {
        guard let origin = head.headerFields[.origin], let host = head.authority,
              let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }

    /// The session of the request's cookie.
    func session(_ head: HTTPRequest) async -> SessionRecord? {
        let cookies = head.headerFields[values: .cookie].flatMap { $0.split(separator: ";") }
        guard let pair = cookies.map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.hasPrefix(Authenticator.cookieName + "=") }) else { return nil }
        let token = String(pair.dropFirst(Authenticator.cookieName.count + 1))
        guard !token.isEmpty, let session = try? await api.store.session(token: token), !session.user.mustChangePassword else { return nil }
        return session
    }

    /// Whether to upgrade `head`, and what then serves the connection.
    func shouldUpgrade(_ head: HTTPRequest, _ channel: any Channel, _ logger: Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        guard let key = Self.route(head.path ?? ""), Self.sameOrigin(head), let session = await session(head) else { return .dontUpgrade }
        guard let role = try? await Caller(credential: .session(session), store: api.store).role(in: key.workspace),
              let version = try? await api.store.map(workspace: key.workspace, id: key.map).currentVersion else { return .dontUpgrade }
        // A live connection stays open while the page is: no request deadlines from here on.
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: ConnectionBytesHandler.self).connection.upgraded()
        }.get()
        let rooms = self.rooms
        let name = session.user.name.isEmpty ? session.user.email : session.user.name
        return .upgrade([:]) { inbound, outbound, _ in
            guard let (client, messages) = await rooms.join(key, user: session.user.id, name: name, canEdit: role >= .editor, version: version) else {
                try await outbound.write(.text(#"{"type":"error","message":"this map has the most people editing it at once; try again later"}"#))
                return
            }
            // The connection ends with whichever ends first: the browser, or the room letting the
            // person go (``MapRooms/evict(user:workspace:reason:)``).
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await text in messages { try await outbound.write(.text(text)) }
                }
                group.addTask {
                    do {
                        for try await message in inbound.messages(maxSize: MapRooms.maximumMessage) {
                            guard case .text(let text) = message else { continue }
                            await rooms.receive(key, client: client, text: text)
                        }
                    } catch {
                        logger.debug("live map connection ended", metadata: ["error": "\(type(of: error))"])
                    }
                }
                _ = try? await group.next()
                group.cancelAll()
            }
            await rooms.leave(key, client: client)
        }
    }
}
