import CustomerData
import JourneyModel
import JourneyStore
import WayfinderTesting

/// The demo's data made in the test the way `wayfinder demo` makes it: the retail scenario
/// generated as CSV and imported into a store.
struct DemoData {
    /// The generator's planted truth.
    let truth: ScenarioTruth
    /// Where the generated files were written (removed with this value).
    let directory: TemporaryDirectory

    /// Generates `customers` retail customers and imports them into a workspace's customer data.
    init(into data: WorkspaceData, customers: Int, seed: UInt64 = 1) throws {
        directory = try TemporaryDirectory(prefix: "wayfinder-demo-data")
        truth = try ScenarioWriter(directory: directory.path("data"), format: .csv)
            .write(ScenarioGenerator(template: .retail, customers: customers, seed: seed))
        _ = try Importer(data: data).importFile(directory.path("data/events.csv"))
    }
}
