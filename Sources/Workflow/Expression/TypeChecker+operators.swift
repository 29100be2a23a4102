extension TypeChecker {
    func unaryType(_ op: UnaryOperator, _ operand: ExpressionNode, at span: ExpressionSpan,
                   errors: inout [ExpressionError]) -> ValueType? {
        guard let type = infer(operand, errors: &errors) else { return op == .not ? .bool : nil }
        switch op {
        case .not:
            if type != .bool {
                errors.append(ExpressionError(
                    .typeMismatch, "'not' takes a condition (true or false), not \(type.withArticle)", at: operand.span))
            }
            return .bool
        case .negate:
            if type.isNumeric { return type }
            let hint = type == .duration ? "; subtract the duration instead, like 'x - 10d'" : ""
            errors.append(ExpressionError(
                .typeMismatch, "cannot negate \(type.withArticle); '-' takes a number\(hint)", at: span))
            return nil
        }
    }

    func binaryType(_ op: BinaryOperator, _ left: ExpressionNode, _ right: ExpressionNode, operatorSpan: ExpressionSpan,
                    errors: inout [ExpressionError]) -> ValueType? {
        if op == .equal || op == .notEqual, let null = [left, right].first(where: { $0.kind == .literal(.null) }) {
            let other = left.kind == .literal(.null) ? right : left
            if other.kind != .literal(.null) { _ = infer(other, errors: &errors) }
            errors.append(ExpressionError(
                .typeMismatch,
                "a missing field is not null here; to test whether a field is present, write exists(x) "
                    + "or not exists(x)",
                at: null.span))
            return .bool
        }
        let leftType = infer(left, errors: &errors)
        let rightType = infer(right, errors: &errors)
        func mismatch(_ message: String) {
            errors.append(ExpressionError(.typeMismatch, message, at: operatorSpan))
        }
        switch op {
        case .and, .or:
            for (side, type, name) in [(left, leftType, "left"), (right, rightType, "right")] {
                if let type, type != .bool {
                    errors.append(ExpressionError(
                        .typeMismatch,
                        "'\(op.rawValue)' joins conditions (true or false), but its \(name) side is \(type.withArticle)",
                        at: side.span))
                }
            }
            return .bool
        case .equal, .notEqual:
            guard let leftType, let rightType else { return .bool }
            if ValueType.common(leftType, rightType) == nil {
                mismatch("cannot compare \(leftType) with \(rightType)\(comparisonHint(leftType, rightType))")
            } else {
                checkEnumComparison(left, leftType, right, rightType, errors: &errors)
            }
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let leftType, let rightType else { return .bool }
            let ordered = (leftType.isNumeric && rightType.isNumeric)
                || (leftType == rightType && (leftType == .date || leftType == .datetime))
            if !ordered {
                if ValueType.common(leftType, rightType) == nil {
                    mismatch("cannot compare \(leftType) with \(rightType)\(comparisonHint(leftType, rightType))")
                } else {
                    mismatch("'\(op.rawValue)' orders numbers, dates and datetimes, not \(leftType) values; "
                             + "use '==' or '!=' to compare them")
                }
            }
            return .bool
        case .in:
            guard let leftType, let rightType else { return .bool }
            guard case .list(let element) = rightType else {
                errors.append(ExpressionError(
                    .typeMismatch,
                    "'in' needs a list on its right, like x in [\"a\", \"b\"], not \(rightType.withArticle)",
                    at: right.span))
                return .bool
            }
            checkMembership(needle: left, leftType, list: right, element, operatorSpan: operatorSpan, errors: &errors)
            return .bool
        case .contains:
            guard let leftType, let rightType else { return .bool }
            guard case .list(let element) = leftType else {
                errors.append(ExpressionError(
                    .typeMismatch,
                    "'contains' needs a list on its left, like carriere.statuts contains \"contractuel\", "
                        + "not \(leftType.withArticle)",
                    at: left.span))
                return .bool
            }
            checkMembership(needle: right, rightType, list: left, element, operatorSpan: operatorSpan, errors: &errors)
            return .bool
        case .add, .subtract, .multiply, .divide:
            guard let leftType, let rightType else { return nil }
            return arithmeticType(op, left, leftType, right, rightType, operatorSpan: operatorSpan, errors: &errors)
        }
    }

    private func comparisonHint(_ a: ValueType, _ b: ValueType) -> String {
        let pair = Set([a, b])
        if pair == [.date, .datetime] { return "; use today() with dates and now() with datetimes" }
        if pair.contains(.string), pair.contains(where: \.isNumeric) {
            return "; write the number without quotes, or compare with a string in quotes"
        }
        return ""
    }

    /// Checks `needle in list` / `list contains needle`: the needle must mix with the elements,
    /// and string literals must be among an enum's values.
    private func checkMembership(needle: ExpressionNode, _ needleType: ValueType,
                                 list: ExpressionNode, _ element: ValueType,
                                 operatorSpan: ExpressionSpan, errors: inout [ExpressionError]) {
        guard ValueType.common(needleType, element) != nil else {
            errors.append(ExpressionError(
                .typeMismatch, "cannot look for \(needleType.withArticle) in a list of \(element)", at: operatorSpan))
            return
        }
        if case .enumeration(let values) = element {
            checkEnumLiteral(needle, values: values, owner: enumOwner(list), errors: &errors)
        }
        if case .enumeration(let values) = needleType, case .list(let elements) = list.kind {
            for literal in elements {
                checkEnumLiteral(literal, values: values, owner: enumOwner(needle), errors: &errors)
            }
        }
    }

    private func arithmeticType(_ op: BinaryOperator, _ left: ExpressionNode, _ leftType: ValueType,
                                _ right: ExpressionNode, _ rightType: ValueType, operatorSpan: ExpressionSpan,
                                errors: inout [ExpressionError]) -> ValueType? {
        if leftType.isNumeric && rightType.isNumeric {
            if op == .divide { return .decimal }
            return leftType == .int && rightType == .int ? .int : .decimal
        }
        let temporal: Set<ValueType> = [.date, .datetime]
        if op == .add || op == .subtract {
            if temporal.contains(leftType), rightType == .duration {
                return checkedDuration(on: leftType, duration: right, errors: &errors)
            }
            if op == .add, leftType == .duration, temporal.contains(rightType) {
                return checkedDuration(on: rightType, duration: left, errors: &errors)
            }
        }
        let verb: String
        switch op {
        case .add: verb = "cannot add \(leftType) and \(rightType)"
        case .subtract: verb = "cannot subtract \(rightType) from \(leftType)"
        case .multiply: verb = "cannot multiply \(leftType) by \(rightType)"
        default: verb = "cannot divide \(leftType) by \(rightType)"
        }
        var hint = ""
        if temporal.contains(leftType) && temporal.contains(rightType) {
            hint = "; add a duration to one of them and compare, like 'usager.date_naissance + 62y > date_depart'"
        } else if temporal.contains(leftType) || temporal.contains(rightType) {
            hint = "; a date or datetime takes '+' or '-' with a duration, like 'x + 10d'"
        }
        errors.append(ExpressionError(.typeMismatch, verb + hint, at: operatorSpan))
        return nil
    }

    /// A date moved by a duration stays a date, so the duration must not have hours, minutes or seconds.
    private func checkedDuration(on type: ValueType, duration: ExpressionNode,
                                 errors: inout [ExpressionError]) -> ValueType? {
        if type == .date, case .literal(.duration(let value)) = duration.kind, value.hasTimeOfDay {
            errors.append(ExpressionError(
                .typeMismatch,
                "a date has no time of day, so '\(value)' cannot move it; use days (d, w, bd), months (mo) or years (y)",
                at: duration.span))
            return nil
        }
        return type
    }
}
