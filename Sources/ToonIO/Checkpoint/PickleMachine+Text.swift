/// Protocol 0 spells numbers and strings as text lines; these turn them into values.
extension PickleRun {
    /// INT: a decimal integer, where `00` and `01` mean False and True.
    func textInt(_ line: ByteSlice) throws(ToonIOError) -> PickleValue {
        let text = try utf8(line)
        if text == "00" { return .bool(false) }
        if text == "01" { return .bool(true) }
        guard let i = Int(text) else { throw bad("bad INT literal") }
        return .int(i)
    }

    /// LONG: a decimal integer with an optional trailing `L`.
    func textLong(_ line: ByteSlice) throws(ToonIOError) -> PickleValue {
        var text = try utf8(line)
        if text.hasSuffix("L") { text.removeLast() }
        guard let i = Int(text) else { throw bad("LONG literal is not a 64-bit integer") }
        return .int(i)
    }

    /// GET / PUT: a decimal memo index.
    func textIndex(_ line: ByteSlice) throws(ToonIOError) -> Int {
        guard let i = Int(try utf8(line)), i >= 0 else { throw bad("bad memo index") }
        return i
    }

    /// A Python 2 `str`: text when it is ASCII (what Python 3 gives with its default encoding),
    /// otherwise the raw bytes (as with `encoding='bytes'`, which is how NumPy data survives).
    func python2String(_ slice: ByteSlice) -> PickleValue {
        for i in 0..<slice.count where slice[i] >= 0x80 { return .bytes(slice) }
        return .string(String(decoding: slice.withUnsafeBytes { Array($0) }, as: UTF8.self))
    }

    /// STRING: a quoted literal with backslash escapes, as Python 2's repr wrote it.
    func quotedString(_ line: ByteSlice) throws(ToonIOError) -> ByteSlice {
        let raw = line.bytes
        guard raw.count >= 2, let quote = raw.first, quote == 0x27 || quote == 0x22, raw.last == quote else {
            throw bad("STRING argument is not quoted")
        }
        var out: [UInt8] = []
        var i = 1
        let end = raw.count - 1
        while i < end {
            let c = raw[i]
            i += 1
            guard c == 0x5c else { out.append(c); continue }
            guard i < end else { throw bad("dangling backslash in STRING") }
            let e = raw[i]
            i += 1
            switch e {
            case 0x6e: out.append(0x0a)                    // \n
            case 0x74: out.append(0x09)                    // \t
            case 0x72: out.append(0x0d)                    // \r
            case 0x30...0x37:                              // \ooo
                var v = Int(e - 0x30)
                var digits = 1
                while digits < 3, i < end, (0x30...0x37).contains(raw[i]) {
                    v = v * 8 + Int(raw[i] - 0x30)
                    i += 1
                    digits += 1
                }
                out.append(UInt8(v & 0xff))
            case 0x78:                                     // \xHH
                guard i + 2 <= end, let v = UInt8(String(decoding: raw[i..<(i + 2)], as: UTF8.self), radix: 16) else {
                    throw bad("bad \\x escape in STRING")
                }
                out.append(v)
                i += 2
            default: out.append(e)                         // \\ \' \" and anything else literally
            }
        }
        return FileBytes(name: source, copying: out).all
    }

    /// UNICODE: raw-unicode-escape, where only \uXXXX and \UXXXXXXXX are escapes and every other
    /// byte is a Latin-1 character.
    func rawUnicodeEscape(_ line: ByteSlice) throws(ToonIOError) -> String {
        let raw = line.bytes
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < raw.count {
            if raw[i] == 0x5c, i + 1 < raw.count, raw[i + 1] == 0x75 || raw[i + 1] == 0x55 {
                let width = raw[i + 1] == 0x75 ? 4 : 8
                guard i + 2 + width <= raw.count,
                      let code = UInt32(String(decoding: raw[(i + 2)..<(i + 2 + width)], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(code) else {
                    throw bad("bad escape in UNICODE")
                }
                scalars.append(scalar)
                i += 2 + width
            } else {
                scalars.append(Unicode.Scalar(raw[i]))
                i += 1
            }
        }
        return String(scalars)
    }
}
