extension WorkflowDefinition {
    /// The declared fields as the expression type checker sees them.
    public var fieldTypes: [String: ValueType] {
        Dictionary(fields.map { ($0.path.value, $0.type.valueType) }, uniquingKeysWith: { first, _ in first })
    }

    /// Parses and type-checks every expression against `fields`, storing the result in
    /// each `ExpressionSource.compiled`; returns the problems at the offending token.
    public mutating func compileExpressions() -> [Diagnostic] {
        var compiler = ExpressionCompiler(fields: fieldTypes, fieldsWithErrors: namesWithErrors)
        for index in globalActions.indices {
            compiler.compile(&globalActions[index], context: "global action '\(globalActions[index].action.value)'")
        }
        for index in states.indices {
            compiler.compile(&states[index])
        }
        return compiler.diagnostics
    }
}

/// Walks a workflow's expressions, compiling each for the place it stands in.
struct ExpressionCompiler {
    let fields: [String: ValueType]
    let fieldsWithErrors: Set<String>
    var diagnostics: [Diagnostic] = []

    mutating func compile(_ state: inout StateDefinition) {
        let name = "state '\(state.id.value)'"
        for index in state.actions.indices {
            compile(&state.actions[index], context: "action '\(state.actions[index].action.value)'")
        }
        switch state.kind {
        case .auto(var rules, let otherwise):
            for index in rules.indices {
                compile(&rules[index].when, expecting: .condition, context: "rule \(index + 1) of \(name)")
            }
            state.kind = .auto(rules: rules, otherwise: otherwise)
        case .parallel(var parallel):
            for trackIndex in parallel.tracks.indices {
                let track = "track '\(parallel.tracks[trackIndex].id.value)'"
                if var when = parallel.tracks[trackIndex].when {
                    compile(&when, expecting: .condition, context: "the 'when' of \(track)")
                    parallel.tracks[trackIndex].when = when
                }
                for stateIndex in parallel.tracks[trackIndex].states.indices {
                    compile(&parallel.tracks[trackIndex].states[stateIndex])
                }
            }
            state.kind = .parallel(parallel)
        case .final, .human, .wait:
            break
        }
    }

    mutating func compile(_ transition: inout TransitionDefinition, context: String) {
        if var when = transition.when {
            compile(&when, expecting: .condition, context: "the guard of \(context)")
            transition.when = when
        }
        for index in transition.assignments.indices {
            let field = transition.assignments[index].field.value
            // An undeclared field is reported by the validator; its value has no type to check.
            guard let type = fields[field] else { continue }
            compile(&transition.assignments[index].value, expecting: .value(type), context: "the value set to '\(field)' by \(context)")
        }
    }

    mutating func compile(_ source: inout ExpressionSource, expecting expected: ExpectedType, context: String) {
        do {
            source.compiled = try CompiledExpression(source.text, fields: fields, expecting: expected)
        } catch {
            for problem in error.errors where !refersToBrokenField(problem) {
                diagnostics.append(.error("in \(context): \(problem.message)", at: source.location(ofOffset: problem.offset)))
            }
        }
    }

    /// A field declared with an error is reported once, at its declaration.
    private func refersToBrokenField(_ problem: ExpressionError) -> Bool {
        problem.code == .unknownField && fieldsWithErrors.contains { problem.message.contains("'\($0)'") }
    }
}

extension FieldType {
    /// The type expressions see for a field of this type.
    public var valueType: ValueType {
        switch self {
        case .string: .string
        case .int: .int
        case .decimal: .decimal
        case .bool: .bool
        case .date: .date
        case .datetime: .datetime
        case .enumeration(let values): .enumeration(values)
        case .list(let element): .list(element.valueType)
        case .document: .document
        }
    }
}
