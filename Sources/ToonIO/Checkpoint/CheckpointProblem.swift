extension ToonIOError {
    /// Why a checkpoint could not be read, with the byte offset or tensor name where that is known.
    public enum CheckpointProblem: Equatable, Sendable {
        /// The file could not be opened or mapped.
        case cannotRead(String)
        /// The pickle ended before STOP; `at` is the offset where more bytes were needed.
        case truncatedPickle(at: Int)
        /// A byte that is not a pickle opcode, or one this reader never accepts.
        case unknownOpcode(UInt8, at: Int)
        /// A global outside the allow-list, as `module.name`.
        case refusedGlobal(String)
        /// A pickle that is well formed byte-wise but not a valid program.
        case badPickle(String, at: Int)
        /// A size, count or nesting limit that keeps hostile input from exhausting memory or stack;
        /// `at` is the pickle offset where one is known.
        case limitExceeded(String, at: Int?)
        /// A broken container: zip directory, legacy torch stream, numpy array header.
        case badContainer(String)
        /// The content parsed but is none of the StyleGAN layouts this reader knows.
        case notStyleGAN(String)
        /// A tensor whose description or data is inconsistent.
        case badTensor(String, String)
        /// A valid feature of a format that this reader does not implement.
        case unsupported(String)

        var message: String {
            switch self {
            case .cannotRead(let why): "cannot read: \(why)"
            case .truncatedPickle(let at): "truncated pickle at byte \(at)"
            case .unknownOpcode(let op, let at): "unknown opcode 0x\(Self.hex(op)) at byte \(at)"
            case .refusedGlobal(let name): "refused global \(name)"
            case .badPickle(let why, let at): "bad pickle at byte \(at): \(why)"
            case .limitExceeded(let why, let at?): "limit exceeded at byte \(at): \(why)"
            case .limitExceeded(let why, nil): "limit exceeded: \(why)"
            case .badContainer(let why): why
            case .notStyleGAN(let why): "not a StyleGAN checkpoint: \(why)"
            case .badTensor(let name, let why): "tensor \(name): \(why)"
            case .unsupported(let why): "unsupported: \(why)"
            }
        }

        private static func hex(_ byte: UInt8) -> String {
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }
    }
}
