/// Core ML's weight storage (`weights/weight.bin` in an `.mlpackage`): a 64-byte header (the blob
/// count and storage version 2, both UInt32), then for each blob a 64-byte record (the sentinel
/// 0xDEADBEEF, the data type, the data's size and absolute offset) followed by its data, every record
/// starting on a 64-byte boundary. A program's `const` refers to a blob by its record's offset.
/// All numbers are little-endian.
struct CoreMLWeightFile {
    private(set) var bytes = [UInt8](repeating: 0, count: 64)
    private(set) var count = 0

    static let alignment = 64
    static let sentinel: UInt32 = 0xDEAD_BEEF
    /// The storage's data type code for Float32.
    static let float32: UInt32 = 2

    init() { patchHeader() }

    /// Appends `values` as one Float32 blob and returns the offset of its record.
    mutating func append(_ values: [Float]) -> UInt64 {
        let record = bytes.count
        let data = record + Self.alignment
        append32(Self.sentinel)
        append32(Self.float32)
        append64(UInt64(values.count * 4))
        append64(UInt64(data))
        bytes.append(contentsOf: repeatElement(0, count: data - bytes.count))
        bytes.reserveCapacity(bytes.count + values.count * 4 + Self.alignment)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let padding = (Self.alignment - bytes.count % Self.alignment) % Self.alignment
        bytes.append(contentsOf: repeatElement(0, count: padding))
        count += 1
        patchHeader()
        return UInt64(record)
    }

    private mutating func patchHeader() {
        withUnsafeBytes(of: UInt32(count).littleEndian) { bytes.replaceSubrange(0..<4, with: $0) }
        withUnsafeBytes(of: UInt32(2).littleEndian) { bytes.replaceSubrange(4..<8, with: $0) }
    }

    private mutating func append32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    private mutating func append64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
}
