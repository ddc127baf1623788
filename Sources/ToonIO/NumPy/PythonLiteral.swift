/// The subset of Python literal syntax that .npy headers use (`ast.literal_eval` of a dict):
/// strings, integers, True/False/None, tuples, lists and dicts. Nothing is evaluated.
enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case none
    case sequence([PythonLiteral])
    case dict([(key: PythonLiteral, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): x == y
        case let (.integer(x), .integer(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.none, .none): true
        case let (.sequence(x), .sequence(y)): x == y
        case let (.dict(x), .dict(y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// Parses `text`, which must hold exactly one literal (surrounding whitespace allowed).
    /// The error text says what was expected and where.
    static func parse(_ text: String) -> Result<PythonLiteral, ParseError> {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        do throws(ParseError) {
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.index == parser.scalars.count else { throw parser.failure("unexpected text after the literal") }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        // Headers are one flat dict; deep nesting can only be hostile.
        static let maximumDepth = 16

        func failure(_ what: String) -> ParseError {
            ParseError(description: "\(what) at character \(index)")
        }

        mutating func skipSpace() {
            while index < scalars.count {
                switch scalars[index] {
                case " ", "\t", "\n", "\r": index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> PythonLiteral {
            guard depth < Self.maximumDepth else { throw failure("nesting too deep") }
            skipSpace()
            guard index < scalars.count else { throw failure("unexpected end") }
            switch scalars[index] {
            case "'", "\"": return .string(try string())
            case "(": return .sequence(try items(closing: ")", depth: depth))
            case "[": return .sequence(try items(closing: "]", depth: depth))
            case "{": return try dict(depth: depth)
            case "-", "+", "0"..."9": return .integer(try integer())
            default:
                let start = index
                while index < scalars.count, scalars[index].properties.isAlphabetic { index += 1 }
                switch String(String.UnicodeScalarView(scalars[start..<index])) {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default:
                    index = start
                    throw failure("unexpected character")
                }
            }
        }

        mutating func string() throws(ParseError) -> String {
            let quote = scalars[index]
            index += 1
            var result = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if scalar == quote { return String(result) }
                if scalar == "\\" {
                    guard index < scalars.count else { break }
                    // dtype strings never need escapes beyond a quoted character.
                    result.append(scalars[index])
                    index += 1
                } else {
                    result.append(scalar)
                }
            }
            throw failure("unterminated string")
        }

        mutating func integer() throws(ParseError) -> Int {
            let start = index
            if scalars[index] == "-" || scalars[index] == "+" { index += 1 }
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
            let text = String(String.UnicodeScalarView(scalars[start..<index]))
            // Python 2 wrote long integers with an L suffix.
            if index < scalars.count, scalars[index] == "L" { index += 1 }
            guard let value = Int(text) else {
                index = start
                throw failure("integer out of range or malformed")
            }
            return value
        }

        mutating func items(closing: Unicode.Scalar, depth: Int) throws(ParseError) -> [PythonLiteral] {
            index += 1
            var values: [PythonLiteral] = []
            while true {
                skipSpace()
                guard index < scalars.count else { throw failure("unexpected end") }
                if scalars[index] == closing { index += 1; return values }
                values.append(try value(depth: depth + 1))
                skipSpace()
                guard index < scalars.count else { throw failure("unexpected end") }
                if scalars[index] == "," { index += 1 } else if scalars[index] != closing {
                    throw failure("expected ',' or '\(closing)'")
                }
            }
        }

        mutating func dict(depth: Int) throws(ParseError) -> PythonLiteral {
            index += 1
            var entries: [(key: PythonLiteral, value: PythonLiteral)] = []
            while true {
                skipSpace()
                guard index < scalars.count else { throw failure("unexpected end") }
                if scalars[index] == "}" { index += 1; return .dict(entries) }
                let key = try value(depth: depth + 1)
                skipSpace()
                guard index < scalars.count, scalars[index] == ":" else { throw failure("expected ':'") }
                index += 1
                entries.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard index < scalars.count else { throw failure("unexpected end") }
                if scalars[index] == "," { index += 1 } else if scalars[index] != "}" {
                    throw failure("expected ',' or '}'")
                }
            }
        }
    }
}
