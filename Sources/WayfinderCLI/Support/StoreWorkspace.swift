import ArgumentParser
import Foundation
import JourneyStore

/// Opens a store and the workspace whose customer data a command reads or writes.
///
/// Customer data belongs to one workspace of the store. `--workspace-id` names it; without it,
/// the store's only workspace is taken, a command that stores data into a store without
/// workspaces creates `default`, and a store with several is an error that lists them.
enum StoreWorkspace {
    /// The help of every command's `--workspace-id`.
    static let help = ArgumentHelp(
        "The workspace of the store whose customer data to use (default: the store's only workspace).", valueName: "id")

    /// Checks the form of a `--workspace-id` value.
    static func validate(_ id: String?) throws {
        guard let id else { return }
        guard !id.isEmpty, id.utf8.count <= 64, id.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else {
            throw ValidationError("--workspace-id takes lower-case letters, digits and dashes (at most 64), such as retail; got '\(id.prefix(64))'.")
        }
    }

    /// Opens the store at `db` (which must exist unless `creating`) and resolves the workspace.
    ///
    /// With `creating`, a missing store file is created and a store without workspaces gets
    /// `default`; with `creatingNamed` too, a workspace named but missing is created.
    static func open(db: String, workspace: String?, creating: Bool = false, creatingNamed: Bool = false) throws -> WorkspaceData {
        if !creating, !FileManager.default.fileExists(atPath: db) {
            throw CommandFailure(message: "\(db): no store here; import events first with 'wayfinder import FILE --db \(db)'")
        }
        let store: JourneyStore
        do { store = try JourneyStore(path: db) } catch { throw CommandFailure(message: error.description) }
        if let problem = store.indexProblem { Console.error("warning: " + problem) }
        do {
            return try store.resolveWorkspace(workspace, creatingDefault: creating, creatingNamed: creatingNamed)
        } catch {
            let hint = workspace != nil && error.code == .notFound && creating ? "; add --create-workspace to create it" : ""
            throw CommandFailure(message: "\(db): \(error.message)\(hint)")
        }
    }
}
