// swift-tools-version: 6.1
import PackageDescription

// Coverage-guided fuzz harnesses (libFuzzer) for every parser that reads outside input.
//
// A package of its own, so that the main package's `swift build` and `swift test` never build
// them. `scripts/fuzz.sh` builds them with the fuzzer and address sanitizer (and with testing
// enabled, for the server's internal readers) and runs each over its seed corpus in `Corpus/`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The harnesses and the Wayfinder libraries each one reads through.
let harnesses: [(name: String, libraries: [String])] = [
    ("FuzzMapYAML", ["JourneyModel"]),
    ("FuzzMapJSON", ["JourneyModel"]),
    ("FuzzCSV", ["CustomerData"]),
    ("FuzzNDJSON", ["CustomerData"]),
    ("FuzzSegmentBatch", ["CustomerData"]),
    ("FuzzAnalysisQuery", ["JourneyAnalytics"]),
    ("FuzzAlertRule", ["CustomerData", "JourneyStore", "WayfinderServer"]),
    ("FuzzCollectionBody", ["CustomerData", "JourneyStore", "WayfinderServer"]),
    ("FuzzIndexFile", ["JourneyAnalytics", "JourneyModel"]),
]

let package = Package(
    name: "WayfinderFuzz",
    platforms: [.macOS(.v15)],
    products: harnesses.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(name: "Wayfinder", path: ".."),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CFuzzDriver",
                .product(name: "JourneyModel", package: "Wayfinder"),
                .product(name: "CustomerData", package: "Wayfinder"),
            ],
            swiftSettings: swiftSettings
        ),
    ] + harnesses.map { harness in
        .executableTarget(
            name: harness.name,
            dependencies: ["FuzzSupport"] + harness.libraries.map { .product(name: $0, package: "Wayfinder") },
            // The server's harnesses read HTTP statuses from the server's errors, whose types come
            // from a package this one does not name; member import visibility stays off for them.
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        )
    }
)
