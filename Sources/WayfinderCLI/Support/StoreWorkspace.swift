import ArgumentParser
import Foundation
import JourneyStore
import PostgresStore

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

    /// The help of `--store` on the commands that read or erase customers.
    static let storeHelp = ArgumentHelp(
        "The team server's PostgreSQL store instead of --db: postgres://USER@HOST:PORT/DATABASE[?schema=NAME].", valueName: "url")

    /// Checks the form of a `--store` value.
    static func validate(store: String?) throws {
        guard let store else { return }
        do { _ = try PostgresURL(store) } catch { throw ValidationError("--store: \(error.description)") }
    }

    /// The customers of the workspace, in the PostgreSQL store `store` names or else in the
    /// embedded store at `db`. In PostgreSQL the workspace is `workspace`, or `default`.
    static func directory(db: String, store: String?, workspace: String?) throws -> any CustomerDirectory {
        guard let store else { return try open(db: db, workspace: workspace) }
        return try postgres(store, workspace: workspace)
    }

    /// The customer data of `workspace` (or `default`) in the PostgreSQL store at `store`; a
    /// workspace it does not hold is an error naming those it holds and how to copy one there.
    static func postgres(_ store: String, workspace: String?) throws -> PostgresCustomerData {
        do {
            return try PostgresCustomerData(url: try PostgresURL(store), workspace: workspace ?? WorkspaceData.defaultWorkspace.id)
        } catch let error as PostgresStoreError {
            throw CommandFailure(message: error.description, code: 2)
        } catch let error as WorkspaceStoreError {
            let hint = error.code == .notFound ? "; copy a store there with 'wayfinder migrate --from sqlite:STORE --to URL', or name another with --workspace-id" : ""
            throw CommandFailure(message: error.message + hint)
        }
    }
}
