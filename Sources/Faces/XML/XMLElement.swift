/// One element of an XML file: its name, attributes, child elements in order, and the character
/// data directly inside it (entities decoded, pieces between children joined).
struct XMLElement: Sendable {
    var name: String
    var attributes: [String: String]
    var children: [XMLElement]
    var text: String
    /// The line its start tag is on, for messages.
    var line: Int

    /// The first child called `name`.
    func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }
}
