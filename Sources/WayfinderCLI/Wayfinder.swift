import ArgumentParser
import Foundation

/// The `wayfinder` command.
@main
struct Wayfinder: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wayfinder",
        abstract: "Customer journey maps as code, checked against what customers really do.",
        discussion: """
        Write personas and journey maps as YAML (or JSON) in git, check them like code, and render them as a visual map to share.

        Start here:
          wayfinder demo                          example workspace and its map
          wayfinder init --template saas maps     start from a template
          wayfinder validate maps                 every problem, file:line:column
          wayfinder render maps --format html --out map.html
          wayfinder diff old-maps maps            what changed between versions
          wayfinder serve --db wayfinder.db       collect events from Segment SDKs

        Exit status: 0 success, 1 the work failed (such as an invalid workspace), 2 usage error.
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Init.self, Validate.self, Render.self, Diff.self, Schema.self, Import.self, Migrate.self, Customers.self, Forget.self, Generate.self, Analyze.self, Report.self, SentimentCommand.self, Serve.self, Keys.self, Alerts.self, Backup.self, Restore.self]
    )

    static func main() async {
        do {
            // serve's settings from its configuration file and the environment become arguments.
            let arguments = try ServeSettings.expand(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            Console.error(failure.message)
            Foundation.exit(failure.code)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.error(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
