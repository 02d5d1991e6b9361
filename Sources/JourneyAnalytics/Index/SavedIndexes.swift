import Foundation
import JourneyModel
import JourneyStore

/// The analytics indexes of a workspace of the embedded store, kept in a folder beside the store
/// (``WorkspaceData/indexFolder``), one file per map, personas and request, so that the first
/// analysis after a start reads only what arrived since the last one.
///
/// A saved index is used as it is when the store's watermark (last event, identity generation,
/// personas, workspace) is the one it was saved with; otherwise the events after its last one
/// are read and laid out with its rows, the customers, traits and answers read again, and the
/// file replaced. A file that fails its checks is built again from the store, never trusted.
/// Erasing a customer or deleting the workspace removes the folder.
///
/// ```swift
/// let (index, outcome, _) = try SavedIndexes(data).index(IndexBuilder(workspace: workspace, journey: map))
/// ```
public struct SavedIndexes: Sendable {
    /// Where an index came from.
    public enum Outcome: Sendable, Equatable, CustomStringConvertible {
        /// The store had not changed since the index was saved.
        case reused
        /// The saved index was brought up to date: `events` events read since it was saved.
        case updated(events: Int)
        /// Built from the whole store, because of `reason`.
        case built(reason: String)

        public var description: String {
            switch self {
            case .reused: "the saved index (nothing changed since it was saved)"
            case .updated(let events): "the saved index and \(events) events read since"
            case .built(let reason): "built from the store (\(reason))"
            }
        }
    }

    /// The workspace's customer data.
    public let data: WorkspaceData
    /// Indexes kept per workspace; the least recently used go first.
    public var kept = 8

    /// The saved indexes of `data`.
    public init(_ data: WorkspaceData) { self.data = data }

    /// The file of the index `builder` builds.
    public func path(of builder: IndexBuilder) -> String { data.indexFolder + "/" + builder.stateKey + ".index" }

    /// The index `builder` builds: the saved one, brought up to date, or built and saved. A saved
    /// file that was refused, or a failure to save, is no reason not to analyse: it comes back as
    /// a warning.
    public func index(_ builder: IndexBuilder, progress: (@Sendable (Int, Int) -> Void)? = nil) throws
        -> (index: JourneyIndex, outcome: Outcome, warning: String?) {
        // The folder first, then the watermark: an erasure committed after this reading removes
        // the folder, and a state read before it is then not saved (see save).
        let folder = try self.folder()
        let watermark = try data.currentIndexWatermark()
        let path = path(of: builder)
        var saved: IndexState?
        var reason = "no index was saved for this map and these options"
        var warnings: [String] = []
        if FileManager.default.fileExists(atPath: path) {
            do {
                saved = try IndexFile.read(path, touchpoints: builder.journey.touchpoints.count, personas: builder.workspace.personas.count)
            } catch {
                reason = "the saved index \(path) was not used: \(error)"
                warnings.append(reason + "; it was built again from the store")
            }
        }
        // A state of another store or workspace at this path is not this one's.
        if let state = saved, let kept = state.watermark, kept.workspace != watermark.workspace || kept.created != watermark.created {
            saved = nil
            reason = "the saved index \(path) is of another store or workspace"
        }
        if let saved, saved.watermark == watermark, let index = builder.index(from: saved) {
            // Used now: the last to be pruned.
            utimes(path, nil)
            return (index, .reused, nil)
        }
        let (index, state, carried, read) = try builder.update(saved, from: data, through: watermark.lastEvent, progress: progress)
        var kept = state
        kept.watermark = watermark
        let outcome: Outcome
        if carried {
            outcome = .updated(events: read)
        } else {
            if saved != nil { reason = "events or customers were removed from the store since the index was saved" }
            outcome = .built(reason: reason)
        }
        if let failure = save(kept, to: path, in: folder) { warnings.append(failure) }
        return (index, outcome, warnings.isEmpty ? nil : warnings.joined(separator: "\n"))
    }

    /// The folder, made when missing (readable by its owner only: it holds customer data), with
    /// what tells it apart from a folder made again at its path.
    private func folder() throws -> (path: String, device: UInt64, inode: UInt64)? {
        let path = data.indexFolder
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return nil
        }
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return (path, UInt64(status.st_dev), UInt64(status.st_ino))
    }

    /// Writes the state and prunes the folder; the reason when it cannot. Nothing is written when
    /// the folder was removed since the index was read (an erasure removes it, and the state may
    /// hold the erased customer).
    private func save(_ state: IndexState, to path: String, in folder: (path: String, device: UInt64, inode: UInt64)?) -> String? {
        guard let folder else { return "the folder \(data.indexFolder) for saved indexes could not be made; the next analysis builds the index again" }
        var status = stat()
        guard lstat(folder.path, &status) == 0, UInt64(status.st_dev) == folder.device, UInt64(status.st_ino) == folder.inode else { return nil }
        do {
            try IndexFile.write(state, to: path)
        } catch {
            return "the index could not be saved in \(folder.path) (\(error)); the next analysis builds it again"
        }
        prune(folder.path)
        return nil
    }

    /// Removes all but the ``kept`` most recently used indexes of the folder.
    private func prune(_ folder: String) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
        let files = names.filter { $0.hasSuffix(".index") }.map { name -> (String, Date) in
            let path = folder + "/" + name
            return (path, (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast)
        }
        for (path, _) in files.sorted(by: { $0.1 > $1.1 }).dropFirst(kept) { try? manager.removeItem(atPath: path) }
        // A temporary file a writer that died left behind.
        for name in names where name.hasSuffix(".tmp") {
            let path = folder + "/" + name
            let modified = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
            if modified < Date(timeIntervalSinceNow: -3600) { try? manager.removeItem(atPath: path) }
        }
    }
}
