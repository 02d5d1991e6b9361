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
        .library(name: "WayfinderServer", targets: ["WayfinderServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The server. swift-configuration support in Hummingbird is not used, so its trait is off.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        // bcrypt for account passwords.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // The HTTP request parts the server's connection handlers watch.
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Live co-editing of maps in the browser.
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        // ClickHouse's HTTP interface.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // The team server's store.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
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
                .embedInCode("Templates/omnichannel.yaml"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "CustomerData",
            dependencies: ["JourneyModel", "CZlib"],
            resources: [
                .embedInCode("Input/Presets/zendesk.yaml"),
                .embedInCode("Input/Presets/hubspot-contacts.yaml"),
                .embedInCode("Input/Presets/hubspot-calls.yaml"),
                .embedInCode("Input/Presets/hubspot-emails.yaml"),
                .embedInCode("Input/Presets/hubspot-meetings.yaml"),
                .embedInCode("Input/Presets/hubspot-deals.yaml"),
                .embedInCode("Input/Presets/ga4.yaml"),
                .embedInCode("Input/Presets/adobe-analytics.yaml"),
                .embedInCode("Input/Presets/mailchimp.yaml"),
                .embedInCode("Input/Presets/mailchimp-sent.yaml"),
                .embedInCode("Input/Presets/mailchimp-unsubscribes.yaml"),
                .embedInCode("Input/Presets/typeform.yaml"),
                .embedInCode("Input/Presets/surveymonkey.yaml"),
                .embedInCode("Input/Presets/qualtrics.yaml"),
                .embedInCode("Input/Presets/salesforce-contacts.yaml"),
                .embedInCode("Input/Presets/salesforce-tasks.yaml"),
                .embedInCode("Input/Presets/salesforce-meetings.yaml"),
                .embedInCode("Input/Presets/salesforce-opportunities.yaml"),
                .embedInCode("Input/Presets/social.yaml"),
            ],
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
            name: "ClickHouseStore",
            dependencies: [
                "JourneyStore", "CustomerData", "JourneyAnalytics", "JourneyModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresStore",
            dependencies: [
                "JourneyStore", "JourneyModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneyAnalytics",
            dependencies: ["JourneyModel", "CustomerData", "JourneyStore", "CZlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneyRender",
            dependencies: ["JourneyModel", "JourneyAnalytics"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WayfinderServer",
            dependencies: [
                "JourneyModel", "CustomerData", "JourneyStore", "JourneyAnalytics", "JourneyRender",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            // The pages' Mustache templates and the browser's modules and styles, compiled into
            // the program so that a copied binary serves them without files beside it.
            resources: [
                .embedInCode("Resources/templates"),
                .embedInCode("Resources/web"),
            ],
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
                "ClickHouseStore",
                "PostgresStore",
                "WayfinderServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
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
            dependencies: ["CustomerData", "JourneyModel", "JourneyStore", "CZlib"],
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
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneyStoreTests",
            dependencies: ["JourneyStore", "CustomerData", "JourneyModel", "WayfinderTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneyAnalyticsTests",
            dependencies: ["JourneyAnalytics", "JourneyStore", "CustomerData", "JourneyModel", "WayfinderTesting", "CZlib",
                           .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneyRenderTests",
            dependencies: ["JourneyRender", "JourneyModel", "WayfinderTesting"],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WayfinderServerTests",
            dependencies: [
                "WayfinderServer", "JourneyStore", "CustomerData", "JourneyModel", "JourneyAnalytics", "WayfinderTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackendTests",
            dependencies: ["ClickHouseStore", "PostgresStore", "JourneyAnalytics", "JourneyStore", "CustomerData", "JourneyModel", "WayfinderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WayfinderCLITests",
            dependencies: ["WayfinderTesting", "CustomerData"],
            swiftSettings: swiftSettings
        ),
    ]
)
