import Foundation
import StyleGAN

/// The memory one run may plan to use: half of the machine's memory, or of the container's limit
/// when that is lower. A plan over it is refused before any work, with the limit in the message,
/// instead of dying later in an allocation (SIGABRT or SIGILL, a backtrace, nothing useful).
struct MemoryBudget {
    let bytes: Double

    static let machine = MemoryBudget(bytes: Double(min(ProcessInfo.processInfo.physicalMemory, containerLimit() ?? .max)) / 2)

    /// cgroup v2's memory.max for this process's group, when one is set.
    private static func containerLimit() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8) else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Refuses `needed` bytes for `what` (e.g. "--grid 1000x1000 (a 64000x64000 image)") when over
    /// budget; `hint` says what would fit.
    func require(_ needed: Double, for what: String, hint: String? = nil) throws {
        guard needed > bytes else { return }
        var message = "\(what) needs about \(Self.format(needed)) of memory; the limit is \(Self.format(bytes)) (half of this machine's memory)"
        if let hint { message += "; \(hint)" }
        throw UsageProblem(message)
    }

    static func format(_ bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(Int(value)) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}

/// Rough peak sizes of what the commands hold, in bytes (Double: option values can make them
/// overflow Int). They only need to be right within a small factor: they decide between "fits"
/// and "would take the machine down".
enum MemoryEstimate {
    /// Activations of one image through the synthesis network: the largest block's feature maps
    /// times the copies alive at once (input, upsampled input, output, Winograd tiles, noise, skip
    /// image). Measured on the 64x64 fixture (channels 64...32): 2.8 MB of peak memory per image
    /// of batch; this gives 4.2 MB.
    static func synthesis(_ config: GeneratorConfig) -> Double {
        if let layers = config.styleGAN3Layers {
            // StyleGAN3: the largest layer's maps alive at once (input, padded input, conv output,
            // output), the filtered activation's rows aside.
            let largest = layers.map { Double($0.size) * Double($0.size) * Double($0.channels) }.max() ?? 0
            return largest * 4 * 4
        }
        let largest = config.blockResolutions.map { Double($0) * Double($0) * Double(config.channels(at: $0)) }.max() ?? 0
        return largest * 4 * 8
    }

    /// A projection step: the synthesis network's activations kept for the backward pass (about 20
    /// float copies of every block's feature maps), plus LPIPS-VGG16 at 256 px at most, the weights
    /// and the reuse pool's working set, about 1 GB. Measured: config-f at 256 px peaks at 1.9 GB;
    /// this gives 2.2 GB.
    static func projection(_ config: GeneratorConfig) -> Double {
        let maps = config.blockResolutions.reduce(0.0) { $0 + Double($1) * Double($1) * Double(config.channels(at: $1)) }
        return maps * 4 * 20 + 1e9
    }

    /// An image of `pixels` pixels as it is composed and written: 8-bit RGB frame, planar Float
    /// image for the encoder, and the encoder's own buffer.
    static func writtenImage(pixels: Double) -> Double { pixels * (3 + 12 + 4) }

    /// One video frame of `pixels` pixels: the composed frame plus the GIF encoder's palette index
    /// and dithering error rows (MP4 frames go straight to ffmpeg, which needs far less).
    static func videoFrame(pixels: Double) -> Double { pixels * (3 + 4 + 12) }
}
