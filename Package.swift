// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Wayfinder",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wayfinder", targets: ["WayfinderCLI"]),
        .executable(name: "wayfinder-bench", targets: ["WayfinderBench"]),
        .library(name: "JourneyModel", targets: ["JourneyModel"]),
        .library(name: "JourneyRender", targets: ["JourneyRender"]),
        .library(name: "CustomerData", targets: ["CustomerData"]),
        .library(name: "JourneyStore", targets: ["JourneyStore"]),
        .library(name: "JourneyAnalytics", targets: ["JourneyAnalytics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(
            name: "JourneyModel",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [
                .embedInCode("Templates/retail.yaml"),
                .embedInCode("Templates/saas.yaml"),
                .embedInCode("Templates/healthcare.yaml"),
                .embedInCode("Templates/lead-gen.yaml"),
                .embedInCode("Templates/b2b-services.yaml"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "CustomerData",
            dependencies: ["JourneyModel", "CZlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneyStore",
            dependencies: [
                "JourneyModel", "CustomerData",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneyAnalytics",
            dependencies: ["JourneyModel", "CustomerData", "JourneyStore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneyRender",
            dependencies: ["JourneyModel", "JourneyAnalytics"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WayfinderCLI",
            dependencies: [
                "JourneyModel",
                "JourneyRender",
                "CustomerData",
                "JourneyStore",
                "JourneyAnalytics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WayfinderBench",
            dependencies: ["JourneyAnalytics", "JourneyStore", "JourneyModel", "CustomerData"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WayfinderTesting",
            dependencies: ["JourneyModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneyModelTests",
            dependencies: ["JourneyModel", "WayfinderTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustomerDataTests",
            dependencies: ["CustomerData", "JourneyModel", "WayfinderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneyStoreTests",
            dependencies: ["JourneyStore", "CustomerData", "JourneyModel", "WayfinderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneyAnalyticsTests",
            dependencies: ["JourneyAnalytics", "JourneyStore", "CustomerData", "JourneyModel", "WayfinderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneyRenderTests",
            dependencies: ["JourneyRender", "JourneyModel", "WayfinderTesting"],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WayfinderCLITests",
            dependencies: ["WayfinderTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
