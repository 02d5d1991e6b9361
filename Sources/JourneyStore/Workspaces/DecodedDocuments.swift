import JourneyModel
import Synchronization

/// Stored persona and map documents already read, by their text.
///
/// Every save validates the whole workspace, so it reads every persona and the current version of
/// every map; without this, a save of one map decodes all of them again. A document's text decides
/// what it decodes to, so an entry is right for as long as it exists, whichever store or workspace
/// the text comes from; only documents that read without a word from the reader are kept. When
/// the texts kept would exceed the byte budget everything is dropped, and the cache fills again
/// from what is used next.
final class DecodedDocuments: Sendable {
    /// A document's text compared and hashed by its UTF-8 bytes: Swift's `==` on strings takes
    /// two spellings of one character (composed and decomposed) as equal, which would give one
    /// text the document read from the other.
    private struct Bytes: Hashable {
        let text: String

        static func == (a: Bytes, b: Bytes) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

        func hash(into hasher: inout Hasher) {
            var text = self.text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    private struct Entries {
        var maps: [Bytes: JourneyMap] = [:]
        var personas: [Bytes: Persona] = [:]
        var bytes = 0

        mutating func makeRoom(for text: String, budget: Int) -> Bool {
            let size = text.utf8.count
            guard size <= budget else { return false }
            if bytes + size > budget { self = Entries() }
            bytes += size
            return true
        }
    }

    private let entries = Mutex(Entries())
    private let byteBudget: Int

    /// A cache keeping at most `byteBudget` bytes of document text (16 MB by default; the
    /// decoded documents take a few times the room of their text).
    init(byteBudget: Int = 16 << 20) { self.byteBudget = byteBudget }

    /// The map `text` decodes to, if it was read before.
    func map(_ text: String) -> JourneyMap? { entries.withLock { $0.maps[Bytes(text: text)] } }

    /// The persona `text` decodes to, if it was read before.
    func persona(_ text: String) -> Persona? { entries.withLock { $0.personas[Bytes(text: text)] } }

    /// Keeps `map` as what `text` decodes to.
    func keep(_ map: JourneyMap, for text: String) {
        entries.withLock { entries in
            guard entries.maps[Bytes(text: text)] == nil, entries.makeRoom(for: text, budget: byteBudget) else { return }
            entries.maps[Bytes(text: text)] = map
        }
    }

    /// Keeps `persona` as what `text` decodes to.
    func keep(_ persona: Persona, for text: String) {
        entries.withLock { entries in
            guard entries.personas[Bytes(text: text)] == nil, entries.makeRoom(for: text, budget: byteBudget) else { return }
            entries.personas[Bytes(text: text)] = persona
        }
    }

    /// How many documents are kept (for tests).
    var count: Int { entries.withLock { $0.maps.count + $0.personas.count } }
}
