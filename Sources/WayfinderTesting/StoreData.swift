import JourneyStore

extension JourneyStore {
    /// The customer data of the store's only workspace: `default`, created in a store without workspaces.
    public var data: WorkspaceData {
        get throws { try resolveWorkspace(nil, creatingDefault: true) }
    }
}
