import ToonCore
import ToonIO

/// An ONNX graph being built: nodes in order, constant tensors, named inputs and outputs, and the
/// encoding of the whole as a ModelProto (opset 17, IR version 8).
struct ONNXGraph {
    struct Node {
        let op: String
        let inputs: [String]
        let outputs: [String]
        let attributes: [(String, Attribute)]
    }

    enum Attribute {
        case int(Int)
        case ints([Int])
        case float(Float)
    }

    /// An input or output: its name, and its dimensions (a number, or a symbolic name).
    struct Value {
        let name: String
        let dims: [Dimension]
    }

    enum Dimension {
        case fixed(Int)
        case symbol(String)
    }

    private(set) var nodes: [Node] = []
    private(set) var constants: [(String, Tensor)] = []
    /// INT64 constants (shapes for Reshape), with their dimensions.
    private(set) var integerConstants: [(String, [Int], [Int])] = []
    var inputs: [Value] = []
    var outputs: [Value] = []
    private var counter = 0

    /// A fresh value name.
    mutating func name(_ stem: String) -> String {
        counter += 1
        return "\(stem)_\(counter)"
    }

    /// Adds a constant and returns its name.
    mutating func constant(_ stem: String, _ tensor: Tensor) -> String {
        let name = name(stem)
        constants.append((name, tensor.contiguous()))
        return name
    }

    /// Adds an INT64 constant of `shape` and returns its name.
    mutating func integers(_ stem: String, _ values: [Int], shape: [Int]) -> String {
        let name = name(stem)
        integerConstants.append((name, values, shape))
        return name
    }

    /// Adds a node with one output and returns the output's name.
    @discardableResult
    mutating func add(_ op: String, _ inputs: [String], _ attributes: [(String, Attribute)] = [], stem: String? = nil) -> String {
        let output = name(stem ?? op.lowercased())
        nodes.append(Node(op: op, inputs: inputs, outputs: [output], attributes: attributes))
        return output
    }

    /// The ModelProto bytes.
    func encoded(producer: String) -> [UInt8] {
        var model = ProtobufWriter()
        model.int(1, 8)                    // ir_version
        model.string(2, producer)          // producer_name
        model.message(7) { graph in        // graph
            for node in nodes { graph.message(1) { Self.encode(node, into: &$0) } }
            graph.string(2, "stylizer")
            for (name, tensor) in constants { graph.message(5) { Self.encode(tensor, name: name, into: &$0) } }
            for (name, values, shape) in integerConstants {
                graph.message(5) { t in
                    for d in shape { t.int(1, d) }
                    t.int(2, 7)  // INT64
                    t.string(8, name)
                    var raw: [UInt8] = []
                    for v in values { withUnsafeBytes(of: Int64(v).littleEndian) { raw.append(contentsOf: $0) } }
                    t.bytes(9, raw)
                }
            }
            for value in inputs { graph.message(11) { Self.encode(value, into: &$0) } }
            for value in outputs { graph.message(12) { Self.encode(value, into: &$0) } }
        }
        model.message(8) { opset in        // opset_import: the default domain, version 17
            opset.string(1, "")
            opset.int(2, 17)
        }
        return model.bytes
    }

    private static func encode(_ node: Node, into w: inout ProtobufWriter) {
        for input in node.inputs { w.string(1, input) }
        for output in node.outputs { w.string(2, output) }
        w.string(3, node.outputs[0])
        w.string(4, node.op)
        for (name, attribute) in node.attributes {
            w.message(5) { a in
                a.string(1, name)
                switch attribute {
                case .float(let value):
                    a.float(2, value)
                    a.int(20, 1)
                case .int(let value):
                    a.int(3, value)
                    a.int(20, 2)
                case .ints(let values):
                    for v in values { a.int(8, v) }
                    a.int(20, 7)
                }
            }
        }
    }

    private static func encode(_ tensor: Tensor, name: String, into w: inout ProtobufWriter) {
        for d in tensor.shape { w.int(1, d) }
        w.int(2, 1)  // FLOAT
        w.string(8, name)
        var raw: [UInt8] = []
        raw.reserveCapacity(tensor.count * 4)
        for v in tensor.scalars { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        w.bytes(9, raw)
    }

    private static func encode(_ value: Value, into w: inout ProtobufWriter) {
        w.string(1, value.name)
        w.message(2) { type in
            type.message(1) { tensorType in
                tensorType.int(1, 1)  // FLOAT
                tensorType.message(2) { shape in
                    for dim in value.dims {
                        shape.message(1) { d in
                            switch dim {
                            case .fixed(let n): d.int(1, n)
                            case .symbol(let s): d.string(2, s)
                            }
                        }
                    }
                }
            }
        }
    }
}
