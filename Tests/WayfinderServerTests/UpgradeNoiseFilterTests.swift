import Logging
import Testing
@testable import WayfinderServer

/// A client that hangs up during a request's upgrade check is no server error.
@Suite("Upgrade noise")
struct UpgradeNoiseFilterTests {
    @Test("the library's upgrade error for a broken-off connection is logged at debug; other errors stay errors")
    func downgrades() {
        let capture = LogCapture()
        var logger = Logger(label: "test") { label in CapturingLogHandler(label: label, capture: capture) }
        logger.logLevel = .info
        logger.handler = UpgradeNoiseFilter(base: logger.handler)
        logger.error("Error handling upgrade result", metadata: ["error.type": "Inappropriate operation for state"])
        logger.error("Error handling upgrade result", metadata: ["error.type": "something else"])
        logger.error("another failure")
        let lines = capture.lines
        #expect(lines == ["error Error handling upgrade result error.type=something else", "error another failure "], "\(lines)")
    }
}
