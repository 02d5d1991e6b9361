import JourneyStore
import Logging
import ServiceLifecycle

/// Looks at the store's version of every map someone has open in the editor, so that a version
/// written elsewhere (the API, `wayfinder import` of a file edited in git, another server
/// process on the same store) reaches the people editing it within a few seconds
/// (``MapRooms/observe(_:version:by:)``), and so do changes of its comment threads
/// (``MapRooms/observeComments(_:state:)``).
struct MapWatcher: Service {
    let rooms: MapRooms
    let store: any ServerStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await look()
            }
        }
    }

    /// One look at the open maps' versions, a query per workspace with open maps.
    func look() async {
        let open = Dictionary(grouping: await rooms.keys, by: \.workspace)
        for (workspace, keys) in open {
            let maps: [MapSummary], comments: [String: Int]
            do {
                maps = try await store.maps(workspace: workspace)
                comments = try await store.commentStates(workspace: workspace, maps: keys.map(\.map))
            } catch {
                // A workspace deleted meanwhile: its editors find out when they save.
                logger.debug("open maps not checked", metadata: ["reason": "\(error.code)"])
                continue
            }
            for key in keys {
                guard let map = maps.first(where: { $0.id == key.map }) else { continue }
                await rooms.observe(key, version: map.currentVersion, by: map.updatedBy)
                await rooms.observeComments(key, state: comments[key.map] ?? 0)
            }
        }
    }
}
