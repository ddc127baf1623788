import ToonIO

/// A Core ML ML Program being built: one function `main` of a single block, its operations in
/// order, constants (small ones inline, tensors in the weight file), and the encoding of the whole
/// as a `CoreML.Specification.Model` (specification version 7, opset CoreML6: iOS 16 / macOS 13).
/// Field numbers follow coremltools' mlmodel/format Model.proto, MIL.proto and FeatureTypes.proto.
struct MILProgram {
    /// MIL.proto's DataType codes for the types used here.
    enum DataType: Int {
        case bool = 1, string = 2, float32 = 11, int32 = 23
    }

    /// A tensor type; a nil dimension is unknown (a flexible size).
    struct TensorType: Equatable {
        var dataType: DataType
        var shape: [Int?]

        static func float(_ shape: [Int?]) -> TensorType { TensorType(dataType: .float32, shape: shape) }
    }

    /// A named value in the program and its type.
    struct Value {
        let name: String
        let type: TensorType
    }

    enum Literal {
        case floats([Float], shape: [Int])
        case ints([Int], shape: [Int])
        case string(String)
        case bool(Bool)
    }

    struct Operation {
        let type: String
        /// Parameter name and the values bound to it (several for a variadic input such as concat's).
        let inputs: [(String, [String])]
        let outputs: [Value]
        /// A `const`'s value, and its record's offset in the weight file when it is stored there.
        var literal: (Literal, blob: UInt64?)? = nil
    }

    /// Constants with at least this many elements go to the weight file, smaller ones inline.
    static let inlineLimit = 16
    static let specificationVersion = 7
    static let opset = "CoreML6"
    static let weightPath = "@model_path/weights/weight.bin"

    private(set) var operations: [Operation] = []
    private(set) var weights = CoreMLWeightFile()
    var inputs: [Value] = []
    var outputs: [Value] = []
    private var counter = 0

    /// A fresh value name (MIL names are identifiers: no dots).
    mutating func name(_ stem: String) -> String {
        counter += 1
        return "\(stem.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined())_\(counter)"
    }

    /// Adds a constant and returns it.
    mutating func constant(_ stem: String, _ literal: Literal) -> Value {
        let type: TensorType
        var blob: UInt64?
        switch literal {
        case .floats(let values, let shape):
            precondition(values.count == shape.reduce(1, *), "MIL constant \(stem): \(values.count) values for shape \(shape)")
            type = .float(shape)
            if values.count >= Self.inlineLimit { blob = weights.append(values) }
        case .ints(let values, let shape):
            precondition(values.count == shape.reduce(1, *), "MIL constant \(stem): \(values.count) values for shape \(shape)")
            type = TensorType(dataType: .int32, shape: shape)
        case .string: type = TensorType(dataType: .string, shape: [])
        case .bool: type = TensorType(dataType: .bool, shape: [])
        }
        let value = Value(name: name(stem), type: type)
        operations.append(Operation(type: "const", inputs: [], outputs: [value], literal: (literal, blob)))
        return value
    }

    /// A scalar Float32 constant.
    mutating func scalar(_ stem: String, _ x: Float) -> Value { constant(stem, .floats([x], shape: [])) }

    /// Adds an operation with one output of `type` and returns that output, named `exactName` or a
    /// fresh name.
    mutating func add(_ op: String, _ inputs: [(String, Value)], _ type: TensorType, exactName: String? = nil) -> Value {
        add(op, inputs.map { ($0.0, [$0.1]) }, type, exactName: exactName)
    }

    /// Adds an operation whose inputs may bind several values, and returns its output.
    mutating func add(_ op: String, _ inputs: [(String, [Value])], _ type: TensorType, exactName: String? = nil) -> Value {
        let output = Value(name: exactName ?? name(op), type: type)
        operations.append(Operation(type: op, inputs: inputs.map { ($0.0, $0.1.map(\.name)) }, outputs: [output]))
        return output
    }

    /// The Model protobuf's bytes (`Data/com.apple.CoreML/model.mlmodel`); `description` writes the
    /// ModelDescription (the features' names, shapes and enumerated sizes, metadata).
    func encoded(description: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var model = ProtobufWriter()
        model.int(1, Self.specificationVersion)
        model.message(2, description)
        model.message(502) { program in
            program.int(1, 1)  // version
            program.message(2) { entry in  // functions["main"]
                entry.string(1, "main")
                entry.message(2) { function in
                    for input in inputs { function.message(1) { Self.encode(input, into: &$0) } }
                    function.string(2, Self.opset)
                    function.message(3) { specialization in  // block_specializations[opset]
                        specialization.string(1, Self.opset)
                        specialization.message(2) { block in
                            for output in outputs { block.string(2, output.name) }
                            for operation in operations { block.message(3) { Self.encode(operation, into: &$0) } }
                        }
                    }
                }
            }
        }
        return model.bytes
    }

    private static func encode(_ operation: Operation, into w: inout ProtobufWriter) {
        w.string(1, operation.type)
        for (parameter, names) in operation.inputs {
            w.message(2) { entry in
                entry.string(1, parameter)
                entry.message(2) { argument in
                    for name in names { argument.message(1) { $0.string(1, name) } }
                }
            }
        }
        for output in operation.outputs { w.message(3) { Self.encode(output, into: &$0) } }
        if let (literal, blob) = operation.literal {
            w.message(5) { entry in
                entry.string(1, "val")
                entry.message(2) { v in
                    v.message(2) { Self.encode(operation.outputs[0].type, into: &$0) }
                    if let blob {
                        v.message(5) { file in
                            file.string(1, Self.weightPath)
                            file.unsigned(2, blob)
                        }
                    } else {
                        v.message(3) { immediate in immediate.message(1) { Self.encode(literal, into: &$0) } }
                    }
                }
            }
        }
        w.message(5) { entry in
            entry.string(1, "name")
            entry.message(2) { v in
                v.message(2) { Self.encode(TensorType(dataType: .string, shape: []), into: &$0) }
                v.message(3) { immediate in immediate.message(1) { Self.encode(.string(operation.outputs[0].name), into: &$0) } }
            }
        }
    }

    /// A TensorValue: floats packed (little-endian Float32s), the rest as repeated fields.
    private static func encode(_ literal: Literal, into w: inout ProtobufWriter) {
        switch literal {
        case .floats(let values, _):
            var raw: [UInt8] = []
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
            w.message(1) { $0.bytes(1, raw) }
        case .ints(let values, _): w.message(2) { ints in for v in values { ints.int(1, v) } }
        case .bool(let value): w.message(3) { $0.int(1, value ? 1 : 0) }
        case .string(let text): w.message(4) { $0.string(1, text) }
        }
    }

    private static func encode(_ value: Value, into w: inout ProtobufWriter) {
        w.string(1, value.name)
        w.message(2) { encode(value.type, into: &$0) }
    }

    /// A ValueType holding a TensorType.
    static func encode(_ type: TensorType, into w: inout ProtobufWriter) {
        w.message(1) { tensor in
            tensor.int(1, type.dataType.rawValue)
            tensor.int(2, type.shape.count)
            for size in type.shape {
                tensor.message(3) { dimension in
                    if let size {
                        dimension.message(1) { $0.int(1, size) }
                    } else {
                        dimension.message(2) { $0.int(1, 0) }  // unknown, not variadic
                    }
                }
            }
        }
    }
}
