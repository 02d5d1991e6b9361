import Foundation
import Testing
import WayfinderTesting

/// The processes tests start hold nothing of the test process but their standard streams: a
/// socket or file another test has open must not count against a child's open-file limit or
/// outlive its closing in the test.
@Suite("child processes")
struct ChildProcessTests {
    @Test("a child inherits no descriptor above standard error, even one not marked close-on-exec")
    func noInheritedDescriptors() throws {
        let opened = open("/dev/null", O_RDONLY)
        try #require(opened >= 0)
        defer { close(opened) }
        // A copy above the descriptors a shell opens for itself, without close-on-exec. F_DUPFD
        // takes the lowest free number from 10, so it never replaces a descriptor another test
        // holds at this moment (dup2 onto a chosen number would close it under that test).
        let held = fcntl(opened, F_DUPFD, 10)
        try #require(held >= 10)
        defer { close(held) }
        let child = try ChildProcess("/bin/bash", ["-c", "for f in /proc/$$/fd/*; do echo ${f##*/}; done"], environment: [:])
        let listed = String(decoding: child.output.readDataToEndOfFile(), as: UTF8.self)
        _ = child.error.readDataToEndOfFile()
        let ending = child.wait()
        #expect(ending.status == 0 && !ending.signalled, "\(ending)")
        let numbers = Set(listed.split(separator: "\n").compactMap { Int($0) })
        #expect(!numbers.contains(Int(held)), "the child holds the test's descriptor \(held): \(numbers.sorted())")
        // Standard input, output and error, and the folder the shell lists while it lists it.
        #expect(numbers.isSubset(of: [0, 1, 2, 3]), "\(numbers.sorted())")
    }
}
