import Foundation
import JourneyModel

/// A stored workspace: its id, name and description, with times and counts.
public struct WorkspaceInfo: Sendable, Equatable, Codable {
    /// `[a-z0-9-]+`, unique in the store; it never changes.
    public var id: String
    /// Display name.
    public var name: String
    /// What the workspace covers.
    public var description: String?
    /// When the workspace was created.
    public var created: Date
    /// When the workspace, one of its personas or one of its maps last changed.
    public var updated: Date
    /// How many personas it holds.
    public var personas: Int
    /// How many journey maps it holds.
    public var maps: Int
}

/// What a save did.
public enum SaveOutcome: String, Sendable, Equatable, Codable {
    /// The persona or map did not exist and was created.
    case created
    /// It existed and was changed (for a map: a new version was added).
    case updated
    /// It was identical to what is stored, so nothing was written.
    case unchanged
}

/// A stored persona with its times.
public struct StoredPersona: Sendable, Equatable {
    /// The persona's id.
    public var id: String
    /// The persona as stored.
    public var persona: Persona
    /// When it was first saved.
    public var created: Date
    /// When it last changed.
    public var updated: Date
}

/// What saving a persona did.
public struct PersonaSaveResult: Sendable, Equatable {
    /// The persona's id.
    public var id: String
    /// Created, updated or unchanged.
    public var outcome: SaveOutcome
    /// Problems that do not stop the save, for this persona.
    public var warnings: [Diagnostic]
}

/// Counts of the changes one map version made to the version before it.
public struct ChangeCounts: Sendable, Equatable, Codable {
    /// Things added.
    public var added: Int
    /// Things removed.
    public var removed: Int
    /// Things moved.
    public var moved: Int
    /// Things edited.
    public var edited: Int

    /// Creates counts.
    public init(added: Int = 0, removed: Int = 0, moved: Int = 0, edited: Int = 0) {
        self.added = added
        self.removed = removed
        self.moved = moved
        self.edited = edited
    }

    /// The counts of a diff.
    public init(_ diff: WorkspaceDiff) {
        let counts = diff.counts
        self.init(added: counts[.added] ?? 0, removed: counts[.removed] ?? 0, moved: counts[.moved] ?? 0, edited: counts[.edited] ?? 0)
    }

    /// All changes.
    public var total: Int { added + removed + moved + edited }
}

/// One version of a journey map: who saved it, when, why, and how much it changed.
public struct MapVersion: Sendable, Equatable, Codable {
    /// 1, 2, 3… in the order saved.
    public var number: Int
    /// Who saved it.
    public var author: String
    /// Why, when the author said.
    public var message: String?
    /// When it was saved.
    public var created: Date
    /// For a restore: the version it restored.
    public var restoredFrom: Int?
    /// The changes from the version before (version 1: the map added).
    public var changes: ChangeCounts
}

/// A journey map as stored in one version.
public struct StoredMap: Sendable, Equatable {
    /// The map's id.
    public var id: String
    /// The map in this version.
    public var map: JourneyMap
    /// The version read.
    public var version: MapVersion
    /// The map's current (latest) version number.
    public var currentVersion: Int
    /// When the map was first saved.
    public var created: Date
}

/// A journey map in a workspace listing.
public struct MapSummary: Sendable, Equatable, Codable {
    /// The map's id.
    public var id: String
    /// Its title in the current version.
    public var title: String
    /// `current` or `future`.
    public var state: String
    /// The current version number.
    public var currentVersion: Int
    /// When the map was first saved.
    public var created: Date
    /// When its current version was saved.
    public var updated: Date
    /// Who saved the current version.
    public var updatedBy: String
}

/// What saving or restoring a map did.
public struct MapSaveResult: Sendable, Equatable {
    /// The map's id.
    public var id: String
    /// Created (version 1), updated (a new version) or unchanged (no version added).
    public var outcome: SaveOutcome
    /// The version now current: the new one, or the existing one when unchanged.
    public var version: MapVersion
    /// What changed from the version before (empty when unchanged).
    public var diff: WorkspaceDiff
    /// Problems that do not stop the save, for this map.
    public var warnings: [Diagnostic]
}

/// What importing a workspace did.
public struct ImportResult: Sendable, Equatable {
    /// One persona or map of the import.
    public struct Item: Sendable, Equatable, Codable {
        /// Its id.
        public var id: String
        /// Created, updated or unchanged.
        public var outcome: SaveOutcome
        /// For a map: its current version after the import.
        public var version: Int?
    }

    /// The workspace imported into.
    public var workspace: String
    /// Whether the import created the workspace, changed its name or description, or neither.
    public var workspaceOutcome: SaveOutcome
    /// The personas, in the order of the import.
    public var personas: [Item]
    /// The maps, in the order of the import.
    public var maps: [Item]
    /// Problems that do not stop the import, for the imported personas and maps.
    public var warnings: [Diagnostic]

    /// Whether the import changed nothing.
    public var isUnchanged: Bool {
        workspaceOutcome == .unchanged && (personas + maps).allSatisfy { $0.outcome == .unchanged }
    }
}
