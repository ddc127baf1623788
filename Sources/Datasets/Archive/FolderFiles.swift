import Foundation

/// Files found below a folder, for datasets read from or prepared out of a folder tree.
enum FolderFiles {
    /// Paths relative to `base` of everything below it that is not a folder (symbolic links to
    /// files included; folders are not followed through links), in the walker's order.
    static func relativePaths(under base: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var names: [String] = []
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                names.append(relative)
            }
        }
        return names
    }
}
