import ClickHouseStore
import Foundation
import Testing

/// The servers the backend matrix runs on: `scripts/cluster.sh up` prints them, and `.ci/run`
/// exports them. Without them the matrix is off on a developer's machine, and fails under CI.
enum BackendURLs {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    /// Three ClickHouse shards.
    static var clickHouseThree: String? { environment["WAYFINDER_EVENTS"] }
    /// One ClickHouse server.
    static var clickHouseOne: String? { environment["WAYFINDER_EVENTS_ONE"] }
    static var clickHouse: [String] { [clickHouseOne, clickHouseThree].compactMap { $0 } }
    static var haveClickHouse: Bool { !clickHouse.isEmpty }
    /// The team server's PostgreSQL database.
    static var postgres: String? { environment["WAYFINDER_STORE"] }
}

@Suite("Backend servers")
struct BackendServerTests {
    @Test("under CI the servers of the backend matrix are given (scripts/cluster.sh up)")
    func serversGiven() {
        guard BackendURLs.environment["CI"] == "true" else { return }
        #expect(BackendURLs.clickHouseOne != nil && BackendURLs.clickHouseThree != nil && BackendURLs.postgres != nil,
                "WAYFINDER_STORE, WAYFINDER_EVENTS and WAYFINDER_EVENTS_ONE are not set: .ci/run starts the cluster with scripts/cluster.sh up and exports them")
    }
}


/// Deletes what a test wrote to the cluster.
enum ClusterCleanup {
    static func delete(workspace: String, url: String) throws {
        let cluster = ClickHouseCustomerData(url: try ClickHouseURL(url))
        try cluster.prepare()
        try cluster.deleteWorkspace(workspace)
    }
}
