/// People's words for the things of a workflow: the `label` a designer wrote, the id otherwise.
extension WorkflowDefinition {
    /// A field's name for people: the label of the declared field at `path`, or the path.
    public func label(ofField path: String) -> String {
        field(path)?.label ?? path
    }
}
