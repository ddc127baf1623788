import Foundation

/// Reference files made once by the scripts beside them (see Tests/ToonCoreTests/Reference).
enum Reference {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Reference")

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

extension Dictionary where Key == String, Value == Any {
    func floats(_ key: String) -> [Float] { (self[key] as! [NSNumber]).map { $0.floatValue } }
    func ints(_ key: String) -> [Int] { (self[key] as! [NSNumber]).map { $0.intValue } }
    func int(_ key: String) -> Int { (self[key] as! NSNumber).intValue }
    func bool(_ key: String) -> Bool { (self[key] as! NSNumber).boolValue }
    func string(_ key: String) -> String { self[key] as! String }
}

/// Largest absolute difference between two equally long arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
    return zip(a, b).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}
