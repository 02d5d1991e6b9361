import Foundation
import JourneyStore

/// New keys' secrets waiting to be shown once on the keys page after the redirect that follows
/// the form (so that reloading the page neither shows the secret again nor makes another key).
/// Each is reachable only with the random note token set in the browser that made the key,
/// only once, and only for a minute.
actor NewKeyNotes {
    private var notes: [String: (created: KeysView.Created, user: Int64, expires: Date)] = [:]

    /// Keeps `created` for `user` and returns the token that reads it.
    func keep(_ created: KeysView.Created, user: Int64, now: Date = Date()) -> String {
        notes = notes.filter { $0.value.expires > now }
        let token = StoreSecrets.random(prefix: "")
        notes[token] = (created, user, now.addingTimeInterval(60))
        return token
    }

    /// The note for `token` when it is `user`'s and fresh, removed as it is read.
    func take(_ token: String, user: Int64, now: Date = Date()) -> KeysView.Created? {
        guard let note = notes.removeValue(forKey: token), note.user == user, note.expires > now else { return nil }
        return note.created
    }
}
