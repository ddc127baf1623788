/// A small, strict XML reader for the files OpenCV's FileStorage writes: elements, attributes,
/// character data, comments and the `<?xml ...?>` declaration.
///
/// Why not Foundation's XMLParser: on Linux it is libxml2, which expands DTD entities; a hostile
/// cascade file could then make megabytes of text out of a few lines. Cascades never use a DTD,
/// CDATA or custom entities, so this reader refuses them, bounds the nesting depth, and reports
/// every problem as a `FacesError` with the line, never a trap.
enum XMLReader {
    /// Deeper nesting than any cascade uses (old-format trees reach about 12); guards the stack.
    static let maximumDepth = 128

    /// The root element of `bytes`; `file` names the source in errors.
    static func parse(_ bytes: [UInt8], file: String) throws(FacesError) -> XMLElement {
        var reader = Cursor(bytes: bytes, file: file)
        return try reader.document()
    }

    private struct Open {
        var name: String
        var attributes: [String: String]
        var children: [XMLElement] = []
        var text: [UInt8] = []
        var line: Int
    }

    private struct Cursor {
        let bytes: [UInt8]
        let file: String
        var index = 0
        // Lines are counted lazily up to `countedTo`, so a line number costs nothing until asked for.
        var countedTo = 0
        var countedLine = 1

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // UTF-8 byte order mark
        }

        mutating func line(at position: Int) -> Int {
            if position < countedTo { countedTo = 0; countedLine = 1 }
            while countedTo < position && countedTo < bytes.count {
                if bytes[countedTo] == UInt8(ascii: "\n") { countedLine += 1 }
                countedTo += 1
            }
            return countedLine
        }

        mutating func fail(_ reason: String, at position: Int? = nil) -> FacesError {
            FacesError(file: file, .malformedXML(line: line(at: position ?? index), reason))
        }

        func starts(with literal: String, at position: Int) -> Bool {
            var p = position
            for byte in literal.utf8 {
                guard p < bytes.count, bytes[p] == byte else { return false }
                p += 1
            }
            return true
        }

        /// Moves past the next `terminator`, or fails with `what` when the file ends first.
        mutating func skip(past terminator: String, what: String) throws(FacesError) {
            let start = index
            let first = terminator.utf8.first!
            while index < bytes.count {
                if bytes[index] == first && starts(with: terminator, at: index) {
                    index += terminator.utf8.count
                    return
                }
                index += 1
            }
            throw fail("the file ends inside \(what)", at: start)
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "_"), UInt8(ascii: ":"): true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): !first
            default: false
            }
        }

        mutating func skipSpaces() {
            while index < bytes.count && Self.isSpace(bytes[index]) { index += 1 }
        }

        mutating func name() throws(FacesError) -> String {
            let start = index
            while index < bytes.count && Self.isNameByte(bytes[index], first: index == start) { index += 1 }
            if index == start {
                if index >= bytes.count { throw fail("the file ends inside a tag") }
                throw fail("expected a name, found \(FacesError.quoted(Substring(Self.printable(bytes[index]))))")
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        static func printable(_ byte: UInt8) -> String {
            byte < 0x80 ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }

        /// Decodes the five predefined entities and character references into `out`.
        mutating func appendDecoded(from start: Int, to end: Int, into out: inout [UInt8]) throws(FacesError) {
            var p = start
            while p < end {
                let byte = bytes[p]
                if byte != UInt8(ascii: "&") {
                    out.append(byte)
                    p += 1
                    continue
                }
                var q = p + 1
                while q < end && q - p <= 12 && bytes[q] != UInt8(ascii: ";") { q += 1 }
                guard q < end, bytes[q] == UInt8(ascii: ";") else { throw fail("an '&' that starts no entity", at: p) }
                let entity = String(decoding: bytes[(p + 1)..<q], as: UTF8.self)
                switch entity {
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "amp": out.append(UInt8(ascii: "&"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    let scalar: UInt32? = if entity.hasPrefix("#x") { UInt32(entity.dropFirst(2), radix: 16) }
                        else if entity.hasPrefix("#") { UInt32(entity.dropFirst(), radix: 10) } else { nil }
                    guard let scalar, let character = Unicode.Scalar(scalar), scalar != 0 else {
                        throw fail("unknown entity \(FacesError.quoted(Substring("&" + entity + ";")))", at: p)
                    }
                    out.append(contentsOf: Array(String(Character(character)).utf8))
                }
                p = q + 1
            }
        }

        mutating func attributes() throws(FacesError) -> (attributes: [String: String], selfClosing: Bool) {
            var attributes: [String: String] = [:]
            while true {
                let before = index
                skipSpaces()
                guard index < bytes.count else { throw fail("the file ends inside a tag") }
                if bytes[index] == UInt8(ascii: ">") { index += 1; return (attributes, false) }
                if starts(with: "/>", at: index) { index += 2; return (attributes, true) }
                if index == before { throw fail("attributes must be separated by spaces") }
                let key = try name()
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                    throw fail("attribute \(FacesError.quoted(Substring(key))) has no value")
                }
                index += 1
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw fail("attribute \(FacesError.quoted(Substring(key))) has an unquoted value")
                }
                let quote = bytes[index]
                let start = index + 1
                var end = start
                while end < bytes.count && bytes[end] != quote {
                    if bytes[end] == UInt8(ascii: "<") { throw fail("'<' inside an attribute value", at: end) }
                    end += 1
                }
                guard end < bytes.count else { throw fail("the file ends inside an attribute value", at: start) }
                var value: [UInt8] = []
                try appendDecoded(from: start, to: end, into: &value)
                index = end + 1
                if attributes.updateValue(String(decoding: value, as: UTF8.self), forKey: key) != nil {
                    throw fail("attribute \(FacesError.quoted(Substring(key))) given twice")
                }
            }
        }

        mutating func document() throws(FacesError) -> XMLElement {
            var stack: [Open] = []
            var root: XMLElement?
            while index < bytes.count {
                let byte = bytes[index]
                if byte != UInt8(ascii: "<") {
                    let start = index
                    while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                    if stack.isEmpty {
                        if bytes[start..<index].contains(where: { !Self.isSpace($0) }) {
                            throw fail("text outside the root element", at: start)
                        }
                    } else {
                        try appendDecoded(from: start, to: index, into: &stack[stack.count - 1].text)
                    }
                    continue
                }
                if starts(with: "<?", at: index) {
                    try skip(past: "?>", what: "a processing instruction")
                } else if starts(with: "<!--", at: index) {
                    try skip(past: "-->", what: "a comment")
                } else if starts(with: "<!", at: index) {
                    throw fail("DOCTYPE, ENTITY and CDATA sections are not accepted in a cascade file")
                } else if starts(with: "</", at: index) {
                    let position = index
                    index += 2
                    let closing = try name()
                    skipSpaces()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                        throw fail("the end tag </\(closing)> is not closed with '>'", at: position)
                    }
                    index += 1
                    guard let open = stack.popLast() else {
                        throw fail("</\(closing)> closes nothing", at: position)
                    }
                    guard open.name == closing else {
                        throw fail("</\(closing)> closes <\(open.name)>, opened on line \(open.line)", at: position)
                    }
                    let element = XMLElement(name: open.name, attributes: open.attributes, children: open.children,
                                             text: String(decoding: open.text, as: UTF8.self), line: open.line)
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                } else {
                    let position = index
                    index += 1
                    if root != nil && stack.isEmpty { throw fail("a second root element", at: position) }
                    let elementName = try name()
                    let (attributes, selfClosing) = try self.attributes()
                    let line = line(at: position)
                    if selfClosing {
                        let element = XMLElement(name: elementName, attributes: attributes, children: [], text: "", line: line)
                        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                    } else {
                        if stack.count >= XMLReader.maximumDepth {
                            throw fail("elements nested deeper than \(XMLReader.maximumDepth)", at: position)
                        }
                        stack.append(Open(name: elementName, attributes: attributes, line: line))
                    }
                }
            }
            if let open = stack.last {
                throw fail("the file ends inside <\(open.name)> (opened on line \(open.line)); truncated?")
            }
            guard let root else { throw fail("no root element") }
            return root
        }
    }
}
