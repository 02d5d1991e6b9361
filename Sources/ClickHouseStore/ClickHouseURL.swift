import Foundation

/// Where a ClickHouse cluster is: `clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME`.
///
/// The hosts are the HTTP interfaces (port 8123 by default) of every shard's server, so that the
/// tables each shard holds can be created on it; the cluster is the `remote_servers` entry whose
/// shards the `Distributed` tables spread customers over. One host with `cluster=one` is a
/// single server. `user` and `password` go in the query (`?cluster=c&user=u&password=p`) or
/// before the hosts (`clickhouse://u:p@host:8123/db?cluster=c`).
public struct ClickHouseURL: Sendable, Hashable, CustomStringConvertible {
    /// One server's HTTP interface.
    public struct Host: Sendable, Hashable {
        public var name: String
        public var port: Int
    }

    /// The servers, one per shard.
    public var hosts: [Host]
    /// The database holding Wayfinder's tables.
    public var database: String
    /// The `remote_servers` cluster the `Distributed` tables use.
    public var cluster: String
    public var user: String?
    public var password: String?

    /// Most servers one URL names.
    static let maximumHosts = 256

    /// The URL without its password, as messages show it.
    public var description: String {
        let hostList = hosts.map { "\($0.name):\($0.port)" }.joined(separator: ",")
        return "clickhouse://\(user.map { "\($0)@" } ?? "")\(hostList)/\(database)?cluster=\(cluster)"
    }

    /// Parses `text`; the error says which part is wrong and what is expected.
    public init(_ text: String) throws(ClickHouseError) {
        func refuse(_ why: String) -> ClickHouseError {
            .invalidURL("'\(text.prefix(200))' is not a ClickHouse URL: \(why); expected clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME")
        }
        guard text.utf8.count <= 4096 else { throw refuse("it is longer than 4096 bytes") }
        guard text.hasPrefix("clickhouse://") else { throw refuse("it does not start with clickhouse://") }
        var rest = Substring(text.dropFirst("clickhouse://".count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw refuse("the database is missing after the hosts") }
        var authority = rest[..<slash]
        let database = String(rest[rest.index(after: slash)...])
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon]).removingPercentEncoding
                password = String(credentials[credentials.index(after: colon)...]).removingPercentEncoding
            } else {
                user = String(credentials).removingPercentEncoding
            }
        }
        var hosts: [Host] = []
        for part in authority.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard let name = pieces.first, !name.isEmpty, name.utf8.count <= 253,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
                throw refuse("'\(part.prefix(80))' is not a host name or address")
            }
            var port = 8123
            if pieces.count == 2 {
                guard pieces[1].count <= 5, let number = Int(pieces[1]), (1...65535).contains(number) else { throw refuse("the port of '\(part.prefix(80))' is not a number from 1 to 65535") }
                port = number
            } else if pieces.count > 2 {
                throw refuse("'\(part.prefix(80))' has more than one port")
            }
            hosts.append(Host(name: String(name), port: port))
        }
        guard !hosts.isEmpty, hosts.count <= Self.maximumHosts else { throw refuse("it names \(hosts.count) hosts; from 1 to \(Self.maximumHosts) are allowed") }
        guard Self.isIdentifier(database) else { throw refuse("the database '\(database.prefix(80))' is not a name of letters, digits and _") }
        var cluster: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0], value = parts.count == 2 ? String(parts[1]).removingPercentEncoding ?? "" : ""
            switch key {
            case "cluster": cluster = value
            case "user": user = value
            case "password": password = value
            default: throw refuse("unknown option '\(key.prefix(40))' (cluster, user and password are known)")
            }
        }
        guard let cluster else { throw refuse("cluster=NAME is missing (the remote_servers entry of the shards; 'one' in scripts/cluster.sh for a single server)") }
        guard Self.isIdentifier(cluster) else { throw refuse("the cluster '\(cluster.prefix(80))' is not a name of letters, digits and _") }
        self.hosts = hosts
        self.database = database
        self.cluster = cluster
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 64, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")) else { return false }
        return text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z")) }
    }
}
