extension WorkflowValidator {
    /// `summary` names declared fields only: a page cannot show, nor filter by `visible_to`,
    /// data the workflow does not declare.
    mutating func checkSummary() {
        var seen = Set<String>()
        for path in workflow.summary {
            if workflow.field(path.value) == nil {
                unknown("field", path, among: fieldPaths, context: "'summary'")
            } else if !seen.insert(path.value).inserted {
                warning("'summary' lists field '\(path.value)' twice; remove one", at: path.location)
            }
        }
    }
}
