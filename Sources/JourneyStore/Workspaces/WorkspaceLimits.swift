/// Sizes the workspace store accepts, whatever its database.
public enum WorkspaceLimits {
    /// The pictures a persona's photo may be, by media type.
    public static let personaPhotoTypes = ["image/png", "image/jpeg", "image/webp"]
    /// The largest photo kept, in bytes.
    public static let maximumPersonaPhoto = 2 * 1024 * 1024
    /// The most card moves one call takes.
    public static let maximumCardMoves = 1000
}
