import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, its standard output and error on pipes.
///
/// Foundation's `Process` crashed now and then inside `run()` when many tests started processes
/// at once; this does the few things the tests need with the C interface: the arguments and
/// environment are copied into C strings this call owns, the working directory is set in the
/// child, standard input is `/dev/null`, and signals are left at their defaults in the child.
public struct ChildProcess: Sendable {
    /// Why a process could not be started.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, with the error number's text.
        public var description: String
    }

    /// How a process ended.
    public struct Ending: Sendable, Equatable {
        /// The exit status, or the number of the signal that ended it.
        public var status: Int32
        /// Whether it died from a signal rather than exiting.
        public var signalled: Bool
    }

    /// The process id.
    public let pid: pid_t
    /// The read ends of its standard output and error (close them when read).
    public let output: FileHandle
    public let error: FileHandle

    /// Starts `executable` with `arguments` (not counting the program name), exactly the
    /// `environment` given, in `directory` when given.
    public init(_ executable: String, _ arguments: [String], environment: [String: String], directory: String? = nil) throws {
        var outputPipe: [Int32] = [0, 0], errorPipe: [Int32] = [0, 0]
        guard GNU.pipe2(&outputPipe, O_CLOEXEC) == 0 else { throw Self.failure("pipe") }
        guard GNU.pipe2(&errorPipe, O_CLOEXEC) == 0 else {
            close(outputPipe[0]); close(outputPipe[1])
            throw Self.failure("pipe")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        if let directory { _ = GNU.addChdir(&actions, directory) }
        // Nothing else of this process reaches the child: without this, the child would hold the
        // sockets and files other tests have open at that moment (counted against its open-file
        // limit, and keeping their connections open after this process closes them).
        _ = GNU.addCloseFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = Self.cStrings([executable] + arguments)
        let envp = Self.cStrings(environment.map { "\($0.key)=\($0.value)" })
        defer { Self.free(argv); Self.free(envp) }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        guard code == 0 else {
            close(outputPipe[0]); close(errorPipe[0])
            throw Failure(description: "\(executable): cannot start it (\(String(cString: strerror(code))))")
        }
        self.pid = pid
        output = FileHandle(fileDescriptor: outputPipe[0], closeOnDealloc: true)
        error = FileHandle(fileDescriptor: errorPipe[0], closeOnDealloc: true)
    }

    /// Waits for the process to end (blocking this thread) and says how it ended.
    public func wait() -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return Ending(status: -1, signalled: false) }
        }
        let signal = status & 0x7F
        return signal == 0 ? Ending(status: (status >> 8) & 0xFF, signalled: false) : Ending(status: signal, signalled: true)
    }

    /// Whether the process is still running (false once it has ended and been waited for, or is a zombie).
    public var isRunning: Bool {
        var info = siginfo_t()
        // WNOWAIT leaves the ended process to be waited for by `wait()`.
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return false }
        return info._sifields._sigchld.si_pid == 0
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) { kill(pid, signal) }

    /// What a process run to its end wrote, and how it ended.
    public struct Run: Sendable {
        public var ending: Ending
        public var output: Data
        public var error: Data

        /// Standard output as text.
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments` to its end, blocking this thread; both pipes are read
    /// on dispatch threads meanwhile, so a child that writes much never waits on a full pipe.
    /// The environment is this process's unless given.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                           directory: String? = nil) throws -> Run {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory)
        let group = DispatchGroup()
        let read = Mutex<(Data, Data)>((Data(), Data()))
        for (index, handle) in [child.output, child.error].enumerated() {
            DispatchQueue.global().async(group: group) {
                let data = PipeReading.readToEnd(handle)
                try? handle.close()
                read.withLock { if index == 0 { $0.0 = data } else { $0.1 = data } }
            }
        }
        group.wait()
        let (output, error) = read.withLock { $0 }
        return Run(ending: child.wait(), output: output, error: error)
    }

    /// ``run(_:_:environment:directory:)`` on a dispatch thread, for async callers: the waits
    /// block that thread, never one of the Swift concurrency pool's few threads.
    public static func runOffPool(_ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                                  directory: String? = nil) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(executable, arguments, environment: environment, directory: directory) })
            }
        }
    }

    private static func failure(_ call: String) -> Failure {
        Failure(description: "\(call): \(String(cString: strerror(errno)))")
    }

    private static func cStrings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = strdup(string) }
        array[strings.count] = nil
        return array
    }

    private static func free(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var index = 0
        while let string = array[index] {
            Glibc.free(string)
            index += 1
        }
        array.deallocate()
    }
}

/// GNU functions that Swift's Glibc module leaves out (it is built without `_GNU_SOURCE`),
/// looked up once in the C library: the pipes must be close-on-exec from the start, or a child
/// another test starts at the same moment would hold their write ends open; and a child closes
/// every descriptor above standard error as it starts.
private enum GNU {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    static let pipe2: Pipe2 = unsafeBitCast(symbol("pipe2"), to: Pipe2.self)
    static let addChdir: AddChdir = unsafeBitCast(symbol("posix_spawn_file_actions_addchdir_np"), to: AddChdir.self)
    static let addCloseFrom: AddCloseFrom = unsafeBitCast(symbol("posix_spawn_file_actions_addclosefrom_np"), to: AddCloseFrom.self)

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            fatalError("the C library has no \(name) (glibc 2.34 or later is needed)")
        }
        return address
    }
}
