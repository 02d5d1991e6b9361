import CustomerData

/// A credential for the server: a write key for event collection, or a key for the API.
///
/// The secret itself is shown once, when the key is created (``NewAPIKey``); the store keeps
/// only its SHA-256 digest and the first characters, so that a list can tell keys apart.
public struct APIKey: Sendable, Codable, Equatable {
    /// What a key may do.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Sends events to the collection routes (`/v1/track`, `/v1/batch`…), nothing else.
        case write
        /// Reads through the API.
        case read
        /// Reads and changes through the API, and sends events.
        case readWrite = "read-write"

        /// Whether the key may send events to the collection routes.
        public var collects: Bool { self == .write || self == .readWrite }
    }

    /// The key's number, which `wayfinder keys revoke` takes.
    public var id: Int64
    /// What it may do.
    public var kind: Kind
    /// A name to remember it by (`website`, `ios-app`); may be empty.
    public var name: String
    /// The secret's first characters (`wf_3kQ9x`), to tell keys apart; not enough to use it.
    public var prefix: String
    /// When it was created, ISO 8601.
    public var createdAt: String
    /// When it was revoked, ISO 8601; nil while it is in force.
    public var revokedAt: String?

    /// The workspace it is limited to through the API; nil for every workspace.
    public var workspace: String?

    /// Whether it is still in force.
    public var isActive: Bool { revokedAt == nil }

    enum CodingKeys: String, CodingKey {
        case id, kind, name, prefix, workspace
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }

    /// Creates a key description.
    public init(id: Int64, kind: Kind, name: String, prefix: String, createdAt: String, revokedAt: String?, workspace: String? = nil) {
        self.id = id
        self.kind = kind
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.workspace = workspace
    }
}

/// A key just created, with its secret: the only time the secret is available.
public struct NewAPIKey: Sendable, Equatable {
    /// The stored description.
    public var key: APIKey
    /// The secret to give to the SDK or client (`wf_` and 43 characters of base64url).
    public var secret: String
}
