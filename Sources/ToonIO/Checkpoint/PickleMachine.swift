/// Bounds that keep a hostile pickle from exhausting memory or the stack: every one is far above
/// what real checkpoints use (a 1024px TF1 StyleGAN2 pickle needs a few thousand of each).
public struct PickleLimits: Sendable {
    public var maxStackItems = 1 << 20
    public var maxMarks = 1 << 16
    public var maxMemoEntries = 1 << 20
    /// Lists, tuples, dicts, sets and objects made in one run.
    public var maxContainers = 1 << 21
    /// Depth of nested containers in the result.
    public var maxNesting = 200

    public init() {}
    public static let standard = PickleLimits()
}

/// What one pickle program built.
public struct PickleResult: Sendable {
    public let value: PickleValue
    /// Offset just past STOP, relative to the bytes given: where a following pickle starts.
    public let end: Int
    /// Every persistent id the program referenced, in order.
    public let persistentIDs: [PickleValue]
}

/// A pickle interpreter that only builds data. Globals must be on the allow-list and are recorded,
/// never imported or called; REDUCE / NEWOBJ / BUILD on them make `PickleObject` nodes.
public struct PickleMachine: Sendable {
    public var allowList: PickleAllowList
    public var limits: PickleLimits

    public init(allowList: PickleAllowList = .styleGANCheckpoints, limits: PickleLimits = .standard) {
        self.allowList = allowList
        self.limits = limits
    }

    /// Runs the pickle at the start of `bytes`; `source` names the file (and part) in errors.
    public func run(_ bytes: ByteSlice, source: String) throws(ToonIOError) -> PickleResult {
        let run = PickleRun(bytes: bytes, source: source, allowList: allowList, limits: limits)
        defer { run.tearDown() }
        return try run.execute()
    }
}

final class PickleRun {
    let bytes: ByteSlice
    let source: String
    let allowList: PickleAllowList
    let limits: PickleLimits
    var pos = 0
    var opStart = 0
    var stack: [PickleNode] = []
    var marks: [Int] = []
    var memo: [Int: PickleNode] = [:]
    var boxes: [PickleBox] = []
    var persistentIDs: [PickleNode] = []

    init(bytes: ByteSlice, source: String, allowList: PickleAllowList, limits: PickleLimits) {
        self.bytes = bytes
        self.source = source
        self.allowList = allowList
        self.limits = limits
    }

    func tearDown() {
        for box in boxes { box.clear() }
        boxes = []
        stack = []
        memo = [:]
        persistentIDs = []
    }

    // MARK: errors

    func bad(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badPickle(why, at: opStart))) }
    func limit(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.limitExceeded(why, at: opStart))) }
    var truncated: ToonIOError { ToonIOError(file: source, .checkpoint(.truncatedPickle(at: bytes.count))) }

    // MARK: reading

    func readByte() throws(ToonIOError) -> UInt8 {
        guard pos < bytes.count else { throw truncated }
        defer { pos += 1 }
        return bytes[pos]
    }

    func readUnsigned(_ size: Int) throws(ToonIOError) -> UInt64 {
        guard let v = bytes.unsigned(at: pos, size: size) else { throw truncated }
        pos += size
        return v
    }

    /// A length field followed by that many bytes; the length is checked against what is left
    /// before anything is allocated.
    func readCounted(lengthSize: Int) throws(ToonIOError) -> ByteSlice {
        let length = try readUnsigned(lengthSize)
        guard length <= UInt64(bytes.count - pos) else { throw truncated }
        let slice = bytes.slice(at: pos, length: Int(length))!
        pos += Int(length)
        return slice
    }

    func readRaw(_ length: Int) throws(ToonIOError) -> ByteSlice {
        guard length >= 0, length <= bytes.count - pos else { throw truncated }
        defer { pos += length }
        return bytes.slice(at: pos, length: length)!
    }

    /// A protocol-0 argument line, without its newline.
    func readLine() throws(ToonIOError) -> ByteSlice {
        var end = pos
        while end < bytes.count, bytes[end] != 0x0a { end += 1 }
        guard end < bytes.count else { throw truncated }
        defer { pos = end + 1 }
        return bytes.slice(at: pos, length: end - pos)!
    }

    func utf8(_ slice: ByteSlice) throws(ToonIOError) -> String {
        guard let s = slice.withUnsafeBytes({ String(validating: $0, as: UTF8.self) }) else {
            throw bad("string is not valid UTF-8")
        }
        return s
    }

    // MARK: stack

    func push(_ node: PickleNode) throws(ToonIOError) {
        guard stack.count < limits.maxStackItems else { throw limit("more than \(limits.maxStackItems) stack items") }
        stack.append(node)
    }

    func push(_ value: PickleValue) throws(ToonIOError) { try push(.value(value)) }

    func pop() throws(ToonIOError) -> PickleNode {
        guard stack.count > (marks.last ?? 0) else { throw bad("stack underflow") }
        return stack.removeLast()
    }

    func top() throws(ToonIOError) -> PickleNode {
        guard stack.count > (marks.last ?? 0) else { throw bad("stack underflow") }
        return stack[stack.count - 1]
    }

    /// The items pushed since the last MARK, removing them and the mark.
    func popMark() throws(ToonIOError) -> [PickleNode] {
        guard let mark = marks.popLast() else { throw bad("no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    func newBox(_ kind: PickleBox.Kind) throws(ToonIOError) -> PickleBox {
        guard boxes.count < limits.maxContainers else { throw limit("more than \(limits.maxContainers) containers") }
        let box = PickleBox(kind)
        boxes.append(box)
        return box
    }

    func pushBox(_ kind: PickleBox.Kind, items: [PickleNode] = []) throws(ToonIOError) {
        let box = try newBox(kind)
        box.items = items
        try push(.box(box))
    }

    func pairs(_ items: [PickleNode]) throws(ToonIOError) -> [(PickleNode, PickleNode)] {
        guard items.count % 2 == 0 else { throw bad("odd number of items for key-value pairs") }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }

    func memoPut(_ index: Int) throws(ToonIOError) {
        guard index >= 0 else { throw bad("negative memo index") }
        if memo[index] == nil, memo.count >= limits.maxMemoEntries {
            throw limit("more than \(limits.maxMemoEntries) memo entries")
        }
        memo[index] = try top()
    }

    func memoGet(_ index: Int) throws(ToonIOError) {
        guard let node = memo[index] else { throw bad("memo entry \(index) is missing") }
        try push(node)
    }

    // MARK: the loop

    func execute() throws(ToonIOError) -> PickleResult {
        while true {
            opStart = pos
            let byte = try readByte()
            guard let op = PickleOpcode(rawValue: byte) else {
                throw ToonIOError(file: source, .checkpoint(.unknownOpcode(byte, at: opStart)))
            }
            if op == .stop { return try finish() }
            try step(op)
        }
    }

    private func finish() throws(ToonIOError) -> PickleResult {
        let root = try pop()
        let freezer = PickleFreezer(maxNesting: limits.maxNesting) { why in self.bad(why) }
        let value = try freezer.freeze(root)
        var pids: [PickleValue] = []
        for pid in persistentIDs { pids.append(try freezer.freeze(pid)) }
        return PickleResult(value: value, end: pos, persistentIDs: pids)
    }

    func step(_ op: PickleOpcode) throws(ToonIOError) {
        switch op {
        case .proto:
            let version = try readByte()
            guard version <= 5 else { throw ToonIOError(file: source, .checkpoint(.unsupported("pickle protocol \(version)"))) }
        case .frame:
            // Frames only group opcodes for buffered reading; the bytes are contiguous anyway.
            let length = try readUnsigned(8)
            guard length <= UInt64(bytes.count - pos) else { throw truncated }
        case .stop:
            break
        case .mark:
            guard marks.count < limits.maxMarks else { throw limit("more than \(limits.maxMarks) open MARKs") }
            marks.append(stack.count)
        case .pop:
            if stack.count > (marks.last ?? 0) { stack.removeLast() } else { _ = try popMark() }
        case .popMark:
            _ = try popMark()
        case .dup:
            try push(try top())

        // Numbers.
        case .none: try push(.none)
        case .newTrue: try push(.bool(true))
        case .newFalse: try push(.bool(false))
        case .binInt: try push(.int(Int(Int32(bitPattern: UInt32(try readUnsigned(4))))))
        case .binInt1: try push(.int(Int(try readByte())))
        case .binInt2: try push(.int(Int(try readUnsigned(2))))
        case .long1: try push(PickleRun.integer(try readRaw(Int(try readByte()))))
        case .long4:
            let length = Int32(bitPattern: UInt32(try readUnsigned(4)))
            guard length >= 0 else { throw bad("negative LONG4 length") }
            try push(PickleRun.integer(try readRaw(Int(length))))
        case .binFloat:
            try push(.float(Double(bitPattern: UInt64(bigEndian: UInt64(littleEndian: try readUnsigned(8))))))
        case .int: try push(try textInt(try readLine()))
        case .long: try push(try textLong(try readLine()))
        case .float:
            guard let d = Double(try utf8(try readLine()).filter { $0 != " " }) else { throw bad("bad FLOAT literal") }
            try push(.float(d))

        // Strings and bytes.
        case .binUnicode: try push(.string(try utf8(try readCounted(lengthSize: 4))))
        case .shortBinUnicode: try push(.string(try utf8(try readCounted(lengthSize: 1))))
        case .binUnicode8: try push(.string(try utf8(try readCounted(lengthSize: 8))))
        case .unicode: try push(.string(try rawUnicodeEscape(try readLine())))
        case .binBytes: try push(.bytes(try readCounted(lengthSize: 4)))
        case .shortBinBytes: try push(.bytes(try readCounted(lengthSize: 1)))
        case .binBytes8, .byteArray8: try push(.bytes(try readCounted(lengthSize: 8)))
        case .binString: try push(python2String(try readCounted(lengthSize: 4)))
        case .shortBinString: try push(python2String(try readCounted(lengthSize: 1)))
        case .string: try push(python2String(try quotedString(try readLine())))
        case .nextBuffer, .readOnlyBuffer:
            throw ToonIOError(file: source, .checkpoint(.unsupported("out-of-band pickle buffers (NEXT_BUFFER) at byte \(opStart)")))

        // Containers.
        case .emptyList: try pushBox(.list)
        case .emptyTuple: try pushBox(.tuple)
        case .emptyDict: try pushBox(.dict)
        case .emptySet: try pushBox(.set)
        case .list: try pushBox(.list, items: try popMark())
        case .tuple: try pushBox(.tuple, items: try popMark())
        case .frozenSet: try pushBox(.frozenSet, items: try popMark())
        case .tuple1, .tuple2, .tuple3:
            let n = Int(op.rawValue - PickleOpcode.tuple1.rawValue) + 1
            var items: [PickleNode] = []
            for _ in 0..<n { items.append(try pop()) }
            try pushBox(.tuple, items: items.reversed())
        case .dict:
            let box = try newBox(.dict)
            box.pairs = try pairs(try popMark())
            try push(.box(box))
        case .append:
            let item = try pop()
            try appendItems([item])
        case .appends:
            let items = try popMark()
            try appendItems(items)
        case .setItem:
            let value = try pop()
            let key = try pop()
            try setItems([(key, value)])
        case .setItems:
            let items = try pairs(try popMark())
            try setItems(items)
        case .addItems:
            let items = try popMark()
            guard case .box(let box) = try top(), box.kind == .set else { throw bad("ADDITEMS on something that is not a set") }
            box.items.append(contentsOf: items)

        // Memo.
        case .memoize: try memoPut(memo.count)
        case .binPut: try memoPut(Int(try readByte()))
        case .longBinPut: try memoPut(Int(try readUnsigned(4)))
        case .put: try memoPut(try textIndex(try readLine()))
        case .binGet: try memoGet(Int(try readByte()))
        case .longBinGet: try memoGet(Int(try readUnsigned(4)))
        case .get: try memoGet(try textIndex(try readLine()))

        // Globals and objects.
        case .global:
            let module = try utf8(try readLine())
            let name = try utf8(try readLine())
            try push(.global(try resolve(module: module, name: name)))
        case .stackGlobal:
            let name = try pop()
            let module = try pop()
            guard case .value(.string(let n)) = name, case .value(.string(let m)) = module else {
                throw bad("STACK_GLOBAL needs two strings")
            }
            try push(.global(try resolve(module: m, name: n)))
        case .reduce:
            let args = try pop()
            let callable = try pop()
            try push(try reduce(callable, args: try tupleItems(args, for: "REDUCE")))
        case .newObj:
            let args = try pop()
            let cls = try pop()
            try push(try makeObject(cls, args: try tupleItems(args, for: "NEWOBJ"), keywordArgs: []))
        case .newObjEx:
            let kwargs = try pop()
            let args = try pop()
            let cls = try pop()
            guard case .box(let kw) = kwargs, kw.kind == .dict else { throw bad("NEWOBJ_EX keyword arguments are not a dict") }
            try push(try makeObject(cls, args: try tupleItems(args, for: "NEWOBJ_EX"), keywordArgs: kw.pairs))
        case .inst:
            let module = try utf8(try readLine())
            let name = try utf8(try readLine())
            let global = try resolve(module: module, name: name)
            try push(try makeObject(.value(.global(global)), args: try popMark(), keywordArgs: []))
        case .obj:
            let items = try popMark()
            guard let cls = items.first else { throw bad("OBJ without a class") }
            try push(try makeObject(cls, args: Array(items.dropFirst()), keywordArgs: []))
        case .build:
            let state = try pop()
            guard case .box(let box) = try top(), box.kind == .object else { throw bad("BUILD on something that is not an allow-listed object") }
            box.state = state
        case .binPersID:
            let pid = try pop()
            let box = try newBox(.persistentID)
            box.items = [pid]
            persistentIDs.append(pid)
            try push(.box(box))
        case .persID:
            let pid = PickleNode.value(.string(try utf8(try readLine())))
            let box = try newBox(.persistentID)
            box.items = [pid]
            persistentIDs.append(pid)
            try push(.box(box))
        case .ext1, .ext2, .ext4:
            throw ToonIOError(file: source, .checkpoint(.unsupported("extension registry codes (EXT opcodes) at byte \(opStart)")))
        }
    }

    // MARK: semantics

    func resolve(module: String, name: String) throws(ToonIOError) -> PickleGlobal {
        let global = PickleAllowList.canonical(module: module, name: name)
        guard allowList.contains(global) else {
            throw ToonIOError(file: source, .checkpoint(.refusedGlobal("\(module).\(name)")))
        }
        return global
    }

    func tupleItems(_ node: PickleNode, for op: String) throws(ToonIOError) -> [PickleNode] {
        guard case .box(let box) = node, box.kind == .tuple else { throw bad("\(op) arguments are not a tuple") }
        return box.items
    }

    func appendItems(_ items: [PickleNode]) throws(ToonIOError) {
        guard case .box(let box) = try top(), box.kind == .list || box.kind == .object else {
            throw bad("APPEND on something that is not a list")
        }
        box.items.append(contentsOf: items)
    }

    func setItems(_ pairs: [(PickleNode, PickleNode)]) throws(ToonIOError) {
        guard case .box(let box) = try top(), box.kind == .dict || box.kind == .object else {
            throw bad("SETITEM on something that is not a dict")
        }
        box.pairs.append(contentsOf: pairs)
    }

    func makeObject(_ cls: PickleNode, args: [PickleNode], keywordArgs: [(PickleNode, PickleNode)]) throws(ToonIOError) -> PickleNode {
        guard case .value(.global(let global)) = cls else { throw bad("object class is not a global") }
        let box = try newBox(.object)
        box.global = global
        box.args = args
        box.keywordArgs = keywordArgs
        return .box(box)
    }

    /// REDUCE. Three pure data constructors are evaluated (they only rearrange values already in the
    /// file); every other allow-listed callable becomes an object node.
    func reduce(_ callable: PickleNode, args: [PickleNode]) throws(ToonIOError) -> PickleNode {
        guard case .value(.global(let global)) = callable else { throw bad("REDUCE on something that is not a global") }
        switch (global.module, global.name) {
        case ("builtins", "set"), ("builtins", "frozenset"):
            let box = try newBox(global.name == "set" ? .set : .frozenSet)
            if let first = args.first {
                guard case .box(let source) = first, [.list, .tuple, .set, .frozenSet].contains(source.kind) else {
                    throw bad("\(global) of something that is not a list")
                }
                box.items = source.items
            }
            return .box(box)
        case ("_codecs", "encode"):
            return .value(.bytes(try latin1(args)))
        default:
            return try makeObject(callable, args: args, keywordArgs: [])
        }
    }

    /// `_codecs.encode(text, 'latin1')`: how protocol-2 pickles spell a byte string.
    func latin1(_ args: [PickleNode]) throws(ToonIOError) -> ByteSlice {
        guard args.count == 2, case .value(.string(let text)) = args[0], case .value(.string(let codec)) = args[1],
              ["latin1", "latin-1", "iso-8859-1", "iso8859-1"].contains(codec.lowercased()) else {
            throw bad("_codecs.encode is only read as encode(str, 'latin1')")
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard scalar.value <= 0xff else { throw bad("character beyond latin-1 in _codecs.encode") }
            out.append(UInt8(scalar.value))
        }
        return FileBytes(name: source, copying: out).all
    }

    /// LONG1 / LONG4 payload: little-endian two's complement.
    static func integer(_ slice: ByteSlice) -> PickleValue {
        let n = slice.count
        if n == 0 { return .int(0) }
        if n <= 8 {
            var v: UInt64 = 0
            for i in stride(from: n - 1, through: 0, by: -1) { v = v << 8 | UInt64(slice[i]) }
            if n < 8, slice[n - 1] & 0x80 != 0 { v |= ~UInt64(0) << UInt64(8 * n) }
            return .int(Int(Int64(bitPattern: v)))
        }
        return .bigInt(slice.bytes)
    }
}
