/// The few protocol-buffer encodings ToonKit's writers need (ONNX models, TensorBoard events):
/// varints, fixed 32- and 64-bit numbers and length-delimited fields (strings, bytes, nested
/// messages), each behind its field number's tag.
package struct ProtobufWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func tag(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    /// An int32/int64/enum field (negative values as ten-byte two's complement, as protobuf does).
    package mutating func int(_ field: Int, _ value: Int) {
        tag(field, wireType: 0)
        varint(UInt64(bitPattern: Int64(value)))
    }

    /// A uint64 field.
    package mutating func unsigned(_ field: Int, _ value: UInt64) {
        tag(field, wireType: 0)
        varint(value)
    }

    package mutating func float(_ field: Int, _ value: Float) {
        tag(field, wireType: 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func double(_ field: Int, _ value: Double) {
        tag(field, wireType: 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func bytes(_ field: Int, _ data: [UInt8]) {
        tag(field, wireType: 2)
        varint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    package mutating func string(_ field: Int, _ text: String) { bytes(field, Array(text.utf8)) }

    package mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field, inner.bytes)
    }
}
