import CustomerData
import GRDB
import GRDBSQLite

extension WorkspaceData {
    /// The workspace's identity graph as stored, to continue stitching where the last import
    /// stopped, with the identity generation it reflects (read in the same transaction).
    public func loadIdentityGraph(maximumClusterSize: Int) throws -> (graph: IdentityGraph, generation: Int64) {
        try database.read { db in try identityGraph(db, maximumClusterSize: maximumClusterSize) }
    }

    /// The identity graph and its generation as `db` sees them. Identifier values are read with
    /// every byte, and no customer number ever given in the store, even to a customer since
    /// forgotten or to another workspace, is given again.
    func identityGraph(_ db: Database, maximumClusterSize: Int) throws -> (graph: IdentityGraph, generation: Int64) {
        var graph = IdentityGraph(maximumClusterSize: maximumClusterSize)
        try ExactStatement(db, "SELECT kind, value, customer_id FROM identities WHERE workspace_id = ?").forEachRow([.integer(rowID)]) { handle in
            guard let kindText = ExactStatement.text(handle, 0), let kind = Identifier.Kind(rawValue: kindText),
                  let value = ExactStatement.text(handle, 1) else { return }
            graph.restore(Identifier(kind: kind, value: value), customer: sqlite3_column_int64(handle, 2))
        }
        try ExactStatement(db, "SELECT id, merged_into FROM customers WHERE workspace_id = ?").forEachRow([.integer(rowID)]) { handle in
            let id = sqlite3_column_int64(handle, 0)
            if let into = ExactStatement.integer(handle, 1) { graph.restoreMerge(id, into: into) } else { graph.reserve(id) }
        }
        graph.reserve(try JourneyStore.lastCustomer(db))
        return (graph, try JourneyStore.identityGeneration(db, workspace: rowID))
    }
}
