import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

@Suite("Pickle machine", .computeFromEnvironment)
struct PickleMachineTests {
    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    static func run(_ bytes: [UInt8]) throws(ToonIOError) -> PickleValue {
        try PickleMachine().run(FileBytes(name: "test.pkl", copying: bytes).all, source: "test.pkl").value
    }

    @Test("protocol 0 text opcodes: INT, bools, FLOAT, quoted STRING, raw-unicode-escape UNICODE, PUT/GET")
    func protocol0() throws {
        let text = "(lp0\nI7\naI01\naF1.5\naS'ab\\n\\x41'\np1\naVh\\u00e9\np2\nag1\na."
        let items = try #require(try Self.run(Array(text.utf8)).elements)
        #expect(items.count == 6)
        #expect(items[0].int == 7)
        #expect(items[1].bool == true)
        #expect(items[2].double == 1.5)
        #expect(items[3].string == "ab\nA")
        #expect(items[4].string == "hé")
        #expect(items[5].string == "ab\nA")
    }

    @Test("binary integers and floats, including negative LONG1 and integers wider than 64 bits")
    func numbers() throws {
        var p = PickleBytes()
        p.op(0x28)                                   // MARK
        p.int(-5)                                    // BININT
        p.op(0x4b, [200])                            // BININT1
        p.op(0x4d, [0x34, 0x12])                     // BININT2
        p.op(0x8a, [1, 0xff])                        // LONG1 -1
        p.op(0x8a, [10] + TorchLegacyStream.magic)   // LONG1, 80 bits
        p.op(0x8b, [2, 0, 0, 0, 0x00, 0x80])         // LONG4 -32768
        p.op(0x47, [0x3f, 0xf8, 0, 0, 0, 0, 0, 0])   // BINFLOAT 1.5
        p.op(0x74)                                   // TUPLE
        p.stop()
        let items = try #require(try p.run().elements)
        #expect(items[0].int == -5)
        #expect(items[1].int == 200)
        #expect(items[2].int == 0x1234)
        #expect(items[3].int == -1)
        guard case .bigInt(let wide) = items[4] else { Issue.record("expected a big int"); return }
        #expect(wide == TorchLegacyStream.magic)
        #expect(items[5].int == -32768)
        #expect(items[6].double == 1.5)
    }

    @Test("memo entries share containers that are filled after they were memoised")
    func memoSharing() throws {
        var p = PickleBytes()
        p.op(0x7d); p.op(0x94)                       // {} memo 0
        p.op(0x28)
        p.string("a"); p.op(0x5d); p.op(0x94)        // [] memo 1
        p.string("b"); p.op(0x68, [1])               // BINGET 1
        p.op(0x75)                                   // SETITEMS
        p.op(0x68, [1]); p.int(5); p.op(0x61)        // memo[1].append(5)
        p.op(0x30)                                   // POP
        p.stop()
        let value = try p.run()
        #expect(value["a"]?.elements?.first?.int == 5)
        #expect(value["b"]?.elements?.first?.int == 5)
    }

    @Test("sets: EMPTY_SET + ADDITEMS, FROZENSET, and builtins.set applied to a list")
    func sets() throws {
        var p = PickleBytes()
        p.op(0x8f); p.op(0x28); p.int(1); p.int(2); p.op(0x90)
        p.op(0x28); p.int(3); p.op(0x91)
        p.global("builtins", "set"); p.op(0x28); p.int(4); p.op(0x6c); p.op(0x85); p.op(0x52)
        p.op(0x87)
        p.stop()
        let items = try #require(try p.run().elements)
        guard case .set(let a, false) = items[0], case .set(let b, true) = items[1], case .set(let c, false) = items[2] else {
            Issue.record("expected set, frozenset, set: \(items.map(\.kindName))"); return
        }
        #expect(a.compactMap(\.int) == [1, 2])
        #expect(b.compactMap(\.int) == [3])
        #expect(c.compactMap(\.int) == [4])
    }

    @Test("allow-listed callables become data: OrderedDict items and BUILD state are recorded, nothing is called")
    func objectsAreData() throws {
        var p = PickleBytes()
        p.global("collections", "OrderedDict"); p.op(0x29); p.op(0x52)     // OrderedDict()
        p.op(0x28); p.string("k"); p.int(1); p.op(0x75)                     // SETITEMS
        p.op(0x7d); p.op(0x28); p.string("_metadata"); p.op(0x4e); p.op(0x75)
        p.op(0x62)                                                          // BUILD
        p.stop()
        let value = try p.run()
        let object = try #require(value.object(of: PickleGlobal("collections", "OrderedDict")))
        #expect(value["k"]?.int == 1)
        #expect(object.state?["_metadata"]?.isNone == true)
    }

    @Test("OrderedDict given a list of [key, value] pairs, as old torch.save files write one, has those pairs")
    func orderedDictFromPairs() throws {
        var p = PickleBytes()
        p.global("collections", "OrderedDict")
        p.op(0x5d); p.op(0x28)                                              // [ (
        p.op(0x5d); p.op(0x28); p.string("a"); p.int(1); p.op(0x65)        //   [a, 1]
        p.op(0x5d); p.op(0x28); p.string("b"); p.int(2); p.op(0x65)        //   [b, 2]
        p.op(0x65); p.op(0x85); p.op(0x52)                                  // ] -> (list,) REDUCE
        p.op(0x28); p.string("c"); p.int(3); p.op(0x75)                     // SETITEMS c: 3
        p.stop()
        let value = try p.run()
        #expect(value.dictPairs?.compactMap(\.0.string) == ["a", "b", "c"])
        #expect(value["b"]?.int == 2)
    }

    @Test("NEWOBJ_EX keeps keyword arguments, OBJ and INST make objects, persistent ids are reported")
    func newObjAndPersistentIDs() throws {
        var p = PickleBytes()
        p.op(0x28)
        p.global("argparse", "Namespace"); p.op(0x29); p.op(0x7d); p.string("size"); p.int(256); p.op(0x73); p.op(0x92)
        p.op(0x28); p.global("dnnlib.util", "EasyDict"); p.int(1); p.op(0x6f)
        p.op(0x28); p.raw(Array("idnnlib.util\nEasyDict\n".utf8))
        p.string("storage"); p.op(0x85); p.op(0x51)
        p.raw(Array("Pkey7\n".utf8))
        p.op(0x74)
        p.stop()
        let result = try PickleMachine().run(p.slice, source: "t")
        let items = try #require(result.value.elements)
        let namespace = try #require(items[0].object(of: PickleGlobal("argparse", "Namespace")))
        #expect(namespace.keywordArgs.first?.1.int == 256)
        #expect(items[1].object(of: PickleGlobal("dnnlib.util", "EasyDict"))?.args.first?.int == 1)
        #expect(items[2].object(of: PickleGlobal("dnnlib.util", "EasyDict"))?.args.isEmpty == true)
        guard case .persistentID(let pid) = items[3] else { Issue.record("expected a persistent id"); return }
        #expect(pid.elements?.first?.string == "storage")
        #expect(result.persistentIDs.count == 2)
        #expect(result.persistentIDs[1].string == "key7")
    }

    @Test("numpy 2 module names are read as numpy.core, and _codecs.encode gives latin-1 bytes")
    func canonicalNames() throws {
        var p = PickleBytes()
        p.global("numpy._core.multiarray", "scalar")
        p.global("_codecs", "encode"); p.string("a\u{ff}"); p.string("latin1"); p.op(0x86); p.op(0x52)
        p.op(0x86)
        p.stop()
        let items = try #require(try p.run().elements)
        guard case .global(let g) = items[0], case .bytes(let b) = items[1] else { Issue.record("unexpected \(items)"); return }
        #expect(g == NumpyArrays.scalar)
        #expect(b.bytes == [0x61, 0xff])
    }

    @Test("pickles that call os.system, eval or subprocess are refused by name, at every protocol",
          arguments: [
              ("80049525000000000000008c05706f736978948c0673797374656d9493948c0a6563686f2070776e656494859452942e", "posix.system"),
              ("800263706f7369780a73797374656d0a7100580a0000006563686f2070776e656471018571025271032e", "posix.system"),
              ("63706f7369780a73797374656d0a70300a28566563686f2070776e65640a70310a7470320a5270330a2e", "posix.system"),
              ("8004951f000000000000008c086275696c74696e73948c046576616c9493948c03312b3194859452942e", "builtins.eval"),
              ("8002635f5f6275696c74696e5f5f0a6576616c0a71005803000000312b3171018571025271032e", "__builtin__.eval"),
              ("80049526000000000000008c0a73756270726f63657373948c05506f70656e9493945d948c04747275659461859452942e", "subprocess.Popen"),
              ("636f730a73797374656d0a2e", "os.system"),
              ("28696f730a73797374656d0a2e", "os.system"),
          ])
    func refusedGlobals(hex: String, name: String) {
        let error = ToonIOError.checkpointFailure { _ = try Self.run(Self.hex(hex)) }
        #expect(error?.checkpointProblem == .refusedGlobal(name))
        #expect(error?.description == "test.pkl: refused global \(name)")
    }

    @Test("a refused global inside an embedded torch storage stream names the stream")
    func refusedInsideLegacyStream() throws {
        var stream: [UInt8] = [0x80, 0x02, 0x8a, 0x0a] + TorchLegacyStream.magic + [0x2e]
        stream += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]                          // 1001
        stream += [0x80, 0x02, 0x7d, 0x2e]                                      // {}
        stream += [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x2e]
        var p = PickleBytes()
        p.global("torch.storage", "_load_from_bytes")
        p.op(0x42, p.le32(stream.count) + stream); p.op(0x85); p.op(0x52)
        p.stop()
        let value = try p.run()
        let error = ToonIOError.checkpointFailure { _ = try TorchTensorReader(source: "evil.pkl").storage(value) }
        #expect(error?.checkpointProblem == .refusedGlobal("os.system"))
        #expect(error?.file?.hasPrefix("evil.pkl (storage stream at byte") == true)
    }

    @Test("unknown opcodes, NEXT_BUFFER and EXT codes are errors with their offset")
    func badOpcodes() {
        #expect(ToonIOError.checkpointFailure { _ = try Self.run([0x80, 0x04, 0xff]) }?.description == "test.pkl: unknown opcode 0xff at byte 2")
        #expect(ToonIOError.checkpointFailure { _ = try Self.run([0x80, 0x05, 0x97, 0x2e]) }?.description.contains("NEXT_BUFFER") == true)
        #expect(ToonIOError.checkpointFailure { _ = try Self.run([0x80, 0x02, 0x82, 0x01, 0x2e]) }?.description.contains("EXT") == true)
    }

    @Test("lengths beyond the remaining bytes fail before anything is allocated",
          arguments: [
              [0x80, 0x04, 0x8e] + [0, 0, 0, 0, 0, 0, 0, 0x40],   // BINBYTES8 2^62
              [0x80, 0x04, 0x8d] + [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],   // BINUNICODE8 2^64-1
              [0x80, 0x04, 0x96] + [0, 0, 0, 0, 0, 0, 0, 0x80],   // BYTEARRAY8
              [0x80, 0x04, 0x58, 0xff, 0xff, 0xff, 0x7f],         // BINUNICODE 2^31
              [0x80, 0x02, 0x54, 0xff, 0xff, 0xff, 0xff],         // BINSTRING -1
              [0x80, 0x02, 0x8b, 0xff, 0xff, 0xff, 0x7f],         // LONG4 2^31
              [0x80, 0x02, 0x8b, 0xff, 0xff, 0xff, 0xff],         // LONG4 negative
              [0x80, 0x04, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // FRAME
          ] as [[UInt8]])
    func absurdLengths(bytes: [UInt8]) {
        #expect(ToonIOError.checkpointFailure { _ = try Self.run(bytes) } != nil)
    }

    @Test("malformed programs: underflow, missing MARK, missing memo entry, BUILD on a list, REDUCE on a str")
    func malformed() {
        let cases: [[UInt8]] = [
            [0x80, 0x04, 0x2e],                                  // STOP on an empty stack
            [0x80, 0x04, 0x61, 0x2e],                            // APPEND with nothing
            [0x80, 0x04, 0x5d, 0x65, 0x2e],                      // APPENDS without MARK
            [0x80, 0x04, 0x68, 0x07, 0x2e],                      // BINGET of nothing
            [0x80, 0x04, 0x5d, 0x7d, 0x62, 0x2e],                // BUILD on a list
            [0x80, 0x04, 0x8c, 0x01, 0x61, 0x29, 0x52, 0x2e],    // REDUCE on 'a'
            [0x80, 0x04, 0x28, 0x4e, 0x64, 0x2e],                // DICT with an odd count
            [0x80, 0x04, 0x8c, 0x02, 0xc3, 0x28, 0x2e],          // invalid UTF-8
        ]
        for bytes in cases {
            #expect(ToonIOError.checkpointFailure { _ = try Self.run(bytes) } != nil, "\(bytes)")
        }
    }

    @Test("a list that contains itself is an error, not a hang or a leak")
    func recursive() {
        let error = ToonIOError.checkpointFailure { _ = try Self.run([0x80, 0x04, 0x5d, 0x94, 0x68, 0x00, 0x61, 0x2e]) }
        #expect(error?.description.contains("recursive") == true)
    }

    @Test("deep nesting is refused and torn down without exhausting the stack")
    func deepNesting() {
        var p = PickleBytes()
        let depth = 200_000
        p.raw([UInt8](repeating: 0x5d, count: depth))            // 200k empty lists
        p.raw([UInt8](repeating: 0x61, count: depth - 1))        // each appended into the one below
        p.stop()
        let error = ToonIOError.checkpointFailure { _ = try p.run() }
        #expect(error?.description.contains("nesting deeper than") == true)

        var marks = PickleBytes()
        marks.raw([UInt8](repeating: 0x28, count: 100_000))
        marks.stop()
        #expect(ToonIOError.checkpointFailure { _ = try marks.run() }?.description.contains("MARK") == true)
    }

    @Test("a structure shared 2^60 times over is built in linear time")
    func sharedExplosion() throws {
        var p = PickleBytes()
        p.op(0x29); p.op(0x94)
        for i in 0..<60 {
            p.op(0x6a, p.le32(i)); p.op(0x32); p.op(0x86); p.op(0x94)   // LONG_BINGET i, DUP, TUPLE2, MEMOIZE
            p.op(0x30)
            p.op(0x6a, p.le32(i + 1))
            p.op(0x30)
        }
        p.op(0x6a, p.le32(60))
        p.stop()
        let value = try p.run()
        #expect(value.elements?.count == 2)
        let error = ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(p.slice, source: "shared.pkl") }
        #expect(error?.checkpointProblem == .notStyleGAN("a pickle of a tuple, not TF (G, D, Gs) networks or an NVLabs snapshot"))
    }

    @Test("limits are configurable: memo, stack and container counts")
    func limits() {
        var limits = PickleLimits()
        limits.maxStackItems = 10
        limits.maxMemoEntries = 2
        limits.maxContainers = 3
        let machine = PickleMachine(limits: limits)
        func run(_ bytes: [UInt8]) -> ToonIOError? {
            ToonIOError.checkpointFailure { _ = try machine.run(FileBytes(name: "t", copying: bytes).all, source: "t") }
        }
        #expect(run([0x80, 0x04] + [UInt8](repeating: 0x4e, count: 11) + [0x2e])?.description.contains("stack items") == true)
        #expect(run([0x80, 0x04, 0x4e, 0x94, 0x94, 0x94, 0x2e])?.description.contains("memo") == true)
        #expect(run([0x80, 0x04, 0x5d, 0x5d, 0x5d, 0x5d, 0x2e])?.description.contains("containers") == true)
    }
}
