import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import NIOCore
import Synchronization
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// Sign-in: where it sends the browser afterwards, how long a refusal takes, and throttling
/// per client address and per email instead of locking accounts.
@Suite("Sign-in")
struct SignInTests {
    /// A clock a test moves by hand.
    final class TestClock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { current.withLock { $0 } }
        func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// A sign-in through the API over a real socket, sent from the loopback address `source`.
    static func signIn(port: Int, _ email: String, _ password: String, from source: String, headers: [String: String] = [:]) async throws -> LoopbackHTTP.Response {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try LoopbackHTTP.request("POST", "http://127.0.0.1:\(port)/api/v1/session",
                                             headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                                             body: json(["email": email, "password": password]), source: source)
                })
            }
        }
    }

    // MARK: Where the browser goes

    @Test("after signing in, only a path on this server is followed; anything else goes to the default page", arguments: [
        ("/w/shop", "/w/shop"),
        ("/w/shop/maps/first-purchase?tab=report", "/w/shop/maps/first-purchase?tab=report"),
        ("/%09/evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/%0d%0a/evil.example", "/"),
        ("//evil.example", "/"),
        ("/%2F/evil.example", "/"),
        ("/%2fevil.example", "/"),
        ("/%252F%252Fevil.example", "/"),
        ("/\\evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("/w/shop\\..\\..\\", "/"),
        ("/\u{200B}/evil.example", "/"),
        ("/%E2%80%8B/evil.example", "/"),
        ("/%zz", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("evil.example", "/"),
        ("", "/"),
    ])
    func next(_ next: String, _ expected: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let (token, cookie) = try await PageRouteTests.form(client)
            let answer = try await PageRouteTests.post(client, "/signin", ["username": "viewer@example.com", "password": APIHarness.password, "next": next, "token": token],
                                                       cookie: cookie)
            #expect(answer.status == 303)
            #expect(answer.headers[.location] == expected, "next \(next.debugDescription)")
        }
    }

    @Test("the sign-in form does not carry a next page that leaves the server")
    func formNext() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let page = try await client.call(.get, "/signin?next=/%09/evil.example", as: .none)
            #expect(page.status == 200)
            #expect(page.text.contains("name=\"next\" value=\"/\""), "\(page.text)")
        }
    }

    // MARK: Unknown and known emails alike

    @Test("an unknown email and a known email with a wrong password get the same answers, throttled alike")
    func alike() async throws {
        let clock = TestClock()
        let harness = try await APIHarness { $0.accounts.now = { clock.now } }
        try await harness.test { client in
            for attempt in 1...7 {
                let known = try await client.call(.post, "/api/v1/session", json(["email": "editor@example.com", "password": "wrong \(attempt)"]), as: .none)
                let unknown = try await client.call(.post, "/api/v1/session", json(["email": "nobody@example.com", "password": "wrong \(attempt)"]), as: .none)
                #expect(known.status == (attempt <= 5 ? 401 : 429), "attempt \(attempt): \(known)")
                #expect(unknown.status == known.status, "attempt \(attempt)")
                #expect(unknown.text == known.text, "attempt \(attempt)")
                #expect(unknown.headers == known.headers, "attempt \(attempt): \(unknown.headers) against \(known.headers)")
            }
        }
    }

    @Test("an unknown email takes as long as a wrong password: the decoy hash has the accounts' bcrypt cost")
    func timing() async throws {
        let harness = try await APIHarness { $0.accounts.passwordCost = 12 }
        _ = try await harness.store.createUser(email: "costly@example.com", passwordHash: await Passwords.hash(APIHarness.password, cost: 12))
        #expect(Passwords.decoy(cost: 12).hasPrefix("$2b$12$"))
        let (known, unknown) = try await harness.test { client async throws -> (Duration, Duration) in
            var known = Duration.seconds(1_000), unknown = Duration.seconds(1_000)
            let clock = ContinuousClock()
            for attempt in 1...3 {
                var start = clock.now
                let wrong = try await client.call(.post, "/api/v1/session", json(["email": "costly@example.com", "password": "wrong \(attempt)"]), as: .none)
                known = min(known, clock.now - start)
                start = clock.now
                let nobody = try await client.call(.post, "/api/v1/session", json(["email": "nobody@example.com", "password": "wrong \(attempt)"]), as: .none)
                unknown = min(unknown, clock.now - start)
                #expect(wrong.status == 401 && nobody.status == 401)
            }
            return (known, unknown)
        }
        let ratio = (known / unknown)
        #expect(ratio > 0.5 && ratio < 2, "a wrong password took \(known), an unknown email \(unknown)")
    }

    // MARK: Throttling

    @Test("an attacker's wrong passwords from one address get 429 with a growing Retry-After, and do not stop the right password from another")
    func throttling() async throws {
        let clock = TestClock()
        let harness = try await APIHarness { $0.port = 0; $0.accounts.now = { clock.now } }
        try await harness.test(.live) { client in
            let port = try #require(client.port)
            let attacker = "127.0.0.2", owner = "127.0.0.3"
            for attempt in 1...5 {
                let answer = try await Self.signIn(port: port, "editor@example.com", "guess \(attempt)", from: attacker)
                #expect(answer.status == 401, "attempt \(attempt): \(answer)")
            }
            var waits: [Int] = []
            for round in 1...4 {
                let refused = try await Self.signIn(port: port, "editor@example.com", "guess again", from: attacker)
                #expect(refused.status == 429, "round \(round): \(refused)")
                let wait = try #require(refused.header("retry-after").flatMap { Int($0) }, "round \(round): \(refused.headers)")
                waits.append(wait)
                // The right password from the attacker's address waits too: the wait is not a password check.
                #expect(try await Self.signIn(port: port, "editor@example.com", APIHarness.password, from: attacker).status == 429)
                clock.advance(Double(wait))
                #expect(try await Self.signIn(port: port, "editor@example.com", "guess \(round)", from: attacker).status == 401, "round \(round)")
            }
            #expect(waits == [1, 2, 4, 8], "Retry-After doubles: \(waits)")
            let owned = try await Self.signIn(port: port, "editor@example.com", APIHarness.password, from: owner)
            #expect(owned.status == 201, "the owner, from another address, is let in: \(owned)")
            // A forged X-Forwarded-For does not make the attacker another client.
            let forged = try await Self.signIn(port: port, "editor@example.com", "guess", from: attacker, headers: ["X-Forwarded-For": "198.51.100.\(Int.random(in: 1...200))"])
            #expect(forged.status == 429)
        }
    }

    @Test("behind a trusted proxy, X-Forwarded-For names the client")
    func trustedProxy() async throws {
        let clock = TestClock()
        let harness = try await APIHarness { $0.port = 0; $0.accounts.now = { clock.now }; $0.trustedProxies = ["127.0.0.4"] }
        try await harness.test(.live) { client in
            let port = try #require(client.port)
            let proxy = "127.0.0.4"
            for attempt in 1...6 {
                _ = try await Self.signIn(port: port, "editor@example.com", "guess \(attempt)", from: proxy, headers: ["X-Forwarded-For": "203.0.113.9"])
            }
            #expect(try await Self.signIn(port: port, "editor@example.com", APIHarness.password, from: proxy, headers: ["X-Forwarded-For": "203.0.113.9"]).status == 429)
            #expect(try await Self.signIn(port: port, "editor@example.com", APIHarness.password, from: proxy, headers: ["X-Forwarded-For": "203.0.113.9, 198.51.100.7"]).status == 201,
                    "another client behind the same proxy")
        }
    }

    @Test("many failures from one address over many emails slow that address down")
    func addressThrottle() async throws {
        let clock = TestClock()
        let harness = try await APIHarness { $0.port = 0; $0.accounts.now = { clock.now }; $0.accounts.failuresPerAddress = 8 }
        try await harness.test(.live) { client in
            let port = try #require(client.port)
            for index in 1...8 {
                #expect(try await Self.signIn(port: port, "user\(index)@example.com", "guess", from: "127.0.0.5").status == 401)
            }
            let refused = try await Self.signIn(port: port, "viewer@example.com", APIHarness.password, from: "127.0.0.5")
            #expect(refused.status == 429 && refused.header("retry-after") == "1", "\(refused)")
            #expect(try await Self.signIn(port: port, "viewer@example.com", APIHarness.password, from: "127.0.0.6").status == 201)
        }
    }
}
