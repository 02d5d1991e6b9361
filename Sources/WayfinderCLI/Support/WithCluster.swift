/// A command's JSON answer with, beside the store's fields, a `cluster` key saying what was read
/// or done on the ClickHouse cluster (`--events`); without it, the store's fields alone.
struct WithCluster<Store: Encodable, Cluster: Encodable>: Encodable {
    var store: Store
    var cluster: Cluster?

    init(_ store: Store, cluster: Cluster? = nil) {
        self.store = store
        self.cluster = cluster
    }

    func encode(to encoder: any Encoder) throws {
        try store.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(cluster, forKey: .cluster)
    }

    enum Key: String, CodingKey { case cluster }
}
