/// Rules for names taken from a source: which are safe, how they sort and how they are shown.
enum PrepareNames {
    /// False for names that could point outside a folder if ever extracted: absolute paths, drive
    /// letters, backslashes (Windows separators), `.` or `..` components, empty components, NUL.
    static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\\"), !name.contains("\0") else { return false }
        if name.count >= 2, name.dropFirst().first == ":" { return false }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Byte order, as Python's sorted() orders NVLabs' names: the same order on every machine.
    static func sorted(_ names: [String]) -> [String] {
        names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The name with control characters escaped and very long names cut, so that a hostile name
    /// cannot break the one-line messages.
    static func printable(_ name: String, limit: Int = 200) -> String {
        var text = String(name.unicodeScalars.prefix(limit).map { scalar -> String in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined())
        if name.unicodeScalars.count > limit { text += "…" }
        return text
    }
}
