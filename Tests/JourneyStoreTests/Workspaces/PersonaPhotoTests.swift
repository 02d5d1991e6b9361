import Foundation
import JourneyModel
@testable import JourneyStore
import Testing

/// A persona's photo: kept when it is the picture its media type says, refused otherwise, and
/// gone with its persona.
@Suite("Persona photos")
struct PersonaPhotoTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 9, 9]
    static let webp: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8)

    @Test("each kind is kept and read back; a replacement replaces it")
    func keep() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        for (type, bytes) in [("image/png", Self.png), ("image/jpeg", Self.jpeg), ("image/webp", Self.webp)] {
            try await store.setPersonaPhoto(workspace: "shop", persona: "maya", mediaType: type, bytes: bytes)
            let photo = try #require(try await store.personaPhoto(workspace: "shop", persona: "maya"))
            #expect(photo.mediaType == type && photo.bytes == bytes)
        }
    }

    @Test("a picture of another kind than declared, a non-picture, an unknown type, an empty or a too large file, an unknown persona are refused")
    func refused() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        let cases: [(String, [UInt8], String)] = [
            ("image/png", Self.jpeg, "not a PNG picture"), ("image/png", Array("<svg/>".utf8), "not a PNG picture"),
            ("image/svg+xml", Array("<svg/>".utf8), "PNG, JPEG or WebP"), ("image/png", [], "at most 2 MB"),
            ("image/png", Self.png + [UInt8](repeating: 0, count: WorkspaceLimits.maximumPersonaPhoto), "at most 2 MB"),
        ]
        for (type, bytes, message) in cases {
            let error = await storeError { try await store.setPersonaPhoto(workspace: "shop", persona: "maya", mediaType: type, bytes: bytes) }
            #expect(error?.field == "photo" && error?.message.contains(message) == true, "\(type): \(String(describing: error))")
        }
        let missing = await storeError { try await store.setPersonaPhoto(workspace: "shop", persona: "nobody", mediaType: "image/png", bytes: Self.png) }
        #expect(missing?.code == .notFound)
        #expect(try await store.personaPhoto(workspace: "shop", persona: "maya") == nil)
    }

    @Test("deleting the persona deletes its photo")
    func followsPersona() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let store = fixture.store
        try await store.setPersonaPhoto(workspace: "shop", persona: "maya", mediaType: "image/png", bytes: Self.png)
        try await store.deletePersona(workspace: "shop", id: "maya")
        _ = try await store.savePersona(workspace: "shop", id: "maya", persona: Persona(id: "maya", name: "Maya again"))
        #expect(try await store.personaPhoto(workspace: "shop", persona: "maya") == nil)
    }
}
