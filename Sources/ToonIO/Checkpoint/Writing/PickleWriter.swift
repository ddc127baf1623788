/// A value to pickle: the small part of Python's object model that torch.save state dicts use.
/// Objects are made by calling a global (`reduce`), never by naming a class to instantiate with state.
public indirect enum PickleItem: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([PickleItem])
    /// A plain `dict`, keys in order.
    case dict([(PickleItem, PickleItem)])
    /// `module.name`, written once and memoised.
    case global(module: String, name: String)
    /// `callable(*args)`, e.g. `collections.OrderedDict()`.
    case reduce(PickleItem, args: [PickleItem])
    /// `callable(*args)` whose result then receives `items` by SETITEMS (OrderedDict with entries).
    case reduceWithItems(PickleItem, args: [PickleItem], items: [(PickleItem, PickleItem)])
    /// An object resolved by the loader's `persistent_load` (torch: storages).
    case persistentID(PickleItem)
}

/// Writes protocol-2 pickles, as torch.save's `data.pkl` is written: BINUNICODE strings,
/// the smallest BININT form, TUPLE1-3 / MARK TUPLE, SETITEMS in batches of 1000, and globals
/// memoised with BINPUT / LONG_BINPUT so each is spelled out only once.
public struct PickleWriter {
    public private(set) var bytes: [UInt8] = []
    private var memo: [String: UInt32] = [:]
    private var nextMemo: UInt32 = 0

    /// Python's pickle batches SETITEMS / APPENDS in runs of this many.
    static let batchSize = 1000

    public init() {}

    /// The complete pickle of `item`: PROTO 2, the item, STOP.
    public static func pickle(_ item: PickleItem) -> [UInt8] {
        var writer = PickleWriter()
        writer.op(.proto)
        writer.bytes.append(2)
        writer.write(item)
        writer.op(.stop)
        return writer.bytes
    }

    mutating func write(_ item: PickleItem) {
        switch item {
        case .none: op(.none)
        case .bool(let b): op(b ? .newTrue : .newFalse)
        case .int(let i): writeInt(i)
        case .float(let d):
            op(.binFloat)
            append(d.bitPattern.bigEndian)
        case .string(let s):
            let utf8 = Array(s.utf8)
            op(.binUnicode)
            append(UInt32(utf8.count).littleEndian)
            bytes += utf8
        case .tuple(let items):
            switch items.count {
            case 0: op(.emptyTuple)
            case 1...3:
                items.forEach { write($0) }
                op([PickleOpcode.tuple1, .tuple2, .tuple3][items.count - 1])
            default:
                op(.mark)
                items.forEach { write($0) }
                op(.tuple)
            }
        case .dict(let pairs):
            op(.emptyDict)
            writeItems(pairs)
        case .global(let module, let name):
            let key = "\(module)\n\(name)"
            if let index = memo[key] {
                get(index)
            } else {
                op(.global)
                bytes += Array("\(module)\n\(name)\n".utf8)
                put(key)
            }
        case .reduce(let callable, let args):
            write(callable)
            write(.tuple(args))
            op(.reduce)
        case .reduceWithItems(let callable, let args, let items):
            write(.reduce(callable, args: args))
            writeItems(items)
        case .persistentID(let id):
            write(id)
            op(.binPersID)
        }
    }

    private mutating func writeItems(_ pairs: [(PickleItem, PickleItem)]) {
        var start = 0
        while start < pairs.count {
            let batch = pairs[start..<min(start + Self.batchSize, pairs.count)]
            if batch.count == 1 {
                write(batch.first!.0)
                write(batch.first!.1)
                op(.setItem)
            } else {
                op(.mark)
                for (k, v) in batch {
                    write(k)
                    write(v)
                }
                op(.setItems)
            }
            start += batch.count
        }
    }

    private mutating func writeInt(_ i: Int) {
        switch i {
        case 0...0xff:
            op(.binInt1)
            bytes.append(UInt8(i))
        case 0x100...0xffff:
            op(.binInt2)
            append(UInt16(i).littleEndian)
        case Int(Int32.min)...Int(Int32.max):
            op(.binInt)
            append(Int32(i).littleEndian)
        default:
            // LONG1: little-endian two's complement, as few bytes as keep the sign.
            var le = withUnsafeBytes(of: Int64(i).littleEndian, Array.init)
            while le.count > 1, (le[le.count - 1] == 0 && le[le.count - 2] & 0x80 == 0)
                || (le[le.count - 1] == 0xff && le[le.count - 2] & 0x80 != 0) {
                le.removeLast()
            }
            op(.long1)
            bytes.append(UInt8(le.count))
            bytes += le
        }
    }

    private mutating func put(_ key: String) {
        let index = nextMemo
        nextMemo += 1
        memo[key] = index
        if index < 256 {
            op(.binPut)
            bytes.append(UInt8(index))
        } else {
            op(.longBinPut)
            append(index.littleEndian)
        }
    }

    private mutating func get(_ index: UInt32) {
        if index < 256 {
            op(.binGet)
            bytes.append(UInt8(index))
        } else {
            op(.longBinGet)
            append(index.littleEndian)
        }
    }

    private mutating func op(_ code: PickleOpcode) { bytes.append(code.rawValue) }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes += $0 }
    }
}
