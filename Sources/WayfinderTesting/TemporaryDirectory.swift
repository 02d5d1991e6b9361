import Foundation

/// A uniquely named folder under the system temporary directory, removed when the last reference goes away.
///
/// Every test gets its own folder, so tests can run in parallel. The type is
/// immutable and `Sendable`; removal happens in `deinit` or through ``remove()``.
/// Prefer the scoped form, ``withTemporaryDirectory(prefix:_:)``, which removes
/// the folder as soon as the body returns.
public final class TemporaryDirectory: Sendable {
    /// The absolute path of the folder, without a trailing slash.
    public let path: String

    /// The folder as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// Creates an empty folder named `<prefix>-<UUID>` under the system temporary directory.
    public init(prefix: String = "wayfinder-test") throws {
        let base = FileManager.default.temporaryDirectory.standardizedFileURL.path
        let folder = Self.join(base, "\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder
    }

    deinit { remove() }

    /// Deletes the folder and everything in it; safe to call more than once.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path of `relativePath` inside the folder (the file need not exist).
    public func path(_ relativePath: String) -> String {
        relativePath.isEmpty ? path : Self.join(path, relativePath)
    }

    /// Writes `text` as UTF-8 to `relativePath`, creating intermediate folders, and returns the absolute path.
    @discardableResult
    public func write(_ text: String, to relativePath: String) throws -> String {
        try write(Array(text.utf8), to: relativePath)
    }

    /// Writes `bytes` to `relativePath`, creating intermediate folders, and returns the absolute path.
    @discardableResult
    public func write(_ bytes: [UInt8], to relativePath: String) throws -> String {
        let file = path(relativePath)
        let parent = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// Reads the file at `relativePath` as UTF-8 text, or nil when it cannot be read.
    public func read(_ relativePath: String) -> String? {
        FileManager.default.contents(atPath: path(relativePath)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether a file or folder exists at `relativePath`.
    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relativePath))
    }

    /// The relative paths of every regular file under `relativePath`, sorted.
    public func files(under relativePath: String = "") -> [String] {
        let root = path(relativePath)
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: Self.join(root, name), isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(relativePath.isEmpty ? name : Self.join(relativePath, name))
            }
        }
        return found.sorted()
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// Runs `body` with a fresh temporary folder and removes the folder when `body` returns or throws.
public func withTemporaryDirectory<Result>(
    prefix: String = "wayfinder-test",
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TemporaryDirectory) async throws -> Result
) async throws -> Result {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try await body(directory)
}
