import ArgumentParser
import Foundation

/// The `wayfinder` command.
@main
struct Wayfinder: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wayfinder",
        abstract: "Customer journey maps as code, checked against what customers really do.",
        discussion: """
        Write personas and journey maps as YAML (or JSON) in git, check them like code, and
        render them as a visual map to share.

        Start here:
          wayfinder demo                              write an example workspace and its map
          wayfinder init --template saas my-maps      start your own workspace from a template
          wayfinder validate my-maps                  check it: every problem with file:line:column
          wayfinder render my-maps --format html --out map.html
          wayfinder diff old-maps my-maps             what changed between two versions

        Exit status: 0 success, 1 the work failed (for example an invalid workspace), 2 usage error.
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Init.self, Validate.self, Render.self, Diff.self, Schema.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
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
