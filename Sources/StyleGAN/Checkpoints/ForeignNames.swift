import ToonCore

/// Where a ToonKit (NVLabs-named) parameter comes from in a foreign file, and how its layout
/// differs there. The per-format tables below are the only place that knows foreign names.
struct ForeignSource {
    enum Layout {
        case same
        /// Dense [in, out] (TF) -> [out, in].
        case transposed
        /// Conv [kh, kw, in, out] (TF) -> [out, in, kh, kw].
        case tfConv
        /// The same, spatially flipped first (TF's upsampling and skip convs, as NVLabs' legacy.py).
        case tfConvFlipped
        /// Drops unit axes down to the given rank ([1,1,R,R] -> [R,R], [1,O,I,k,k] -> [O,I,k,k], [1,3,1,1] -> [3]).
        case squeezed(rank: Int)
        /// Adds one: TF adds the modulation bias's initial 1 at run time, NVLabs stores it.
        case plusOne
    }

    let name: String
    let layout: Layout

    init(_ name: String, _ layout: Layout = .same) {
        self.name = name
        self.layout = layout
    }

    func convert(_ t: Tensor) -> Tensor {
        switch layout {
        case .same: return t
        // Dense copies: loaded weights are read on every call, so they are stored in ToonKit's layout.
        case .transposed: return t.permuted([1, 0]).contiguous()
        case .tfConv: return t.permuted([3, 2, 0, 1]).contiguous()
        case .tfConvFlipped: return t.flipped(axes: [0, 1]).permuted([3, 2, 0, 1]).contiguous()
        case .squeezed(let rank):
            // Leading unit axes first (batch-like), then trailing ones ([1,3,1,1] -> [3]).
            var shape = t.shape
            while shape.count > rank, shape.first == 1 { shape.removeFirst() }
            while shape.count > rank, shape.last == 1 { shape.removeLast() }
            return t.reshaped(shape)
        case .plusOne: return t + 1
        }
    }
}

/// The parts of a ToonKit parameter name: `synthesis.b64.conv0.affine.weight` ->
/// resolution 64, layer "conv0", rest ["affine", "weight"].
struct SynthesisName {
    let resolution: Int
    let layer: String
    let rest: [String]

    init?(_ name: String) {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count >= 3, parts[0] == "synthesis", parts[1].hasPrefix("b"),
              let r = Int(parts[1].dropFirst()) else { return nil }
        resolution = r
        layer = parts[2]
        rest = Array(parts.dropFirst(3))
    }

    var log2Resolution: Int { resolution.trailingZeroBitCount }
}

enum ForeignNames {
    /// NVLabs TF1 StyleGAN2 (`Gs`), following NVLabs' own converter (legacy.py).
    static func tensorFlow(_ name: String) -> ForeignSource? {
        if name == "mapping.w_avg" { return ForeignSource("dlatent_avg") }
        if name.hasPrefix("mapping.") {
            let parts = name.split(separator: ".")
            let kind = parts.last!
            if parts[1] == "embed" { return ForeignSource("mapping/LabelEmbed/\(kind)", kind == "weight" ? .transposed : .same) }
            let index = parts[1].dropFirst(2)  // "fc3" -> "3"
            return ForeignSource("mapping/Dense\(index)/\(kind)", kind == "weight" ? .transposed : .same)
        }
        guard let s = SynthesisName(name) else { return nil }
        let r = s.resolution, block = "synthesis/\(r)x\(r)"
        if s.layer == "const" { return ForeignSource("\(block)/Const/const", .squeezed(rank: 3)) }
        if s.layer == "skip" { return ForeignSource("\(block)/Skip/weight", .tfConvFlipped) }
        let tfLayer: String
        var noiseIndex = 0
        switch s.layer {
        case "conv0": tfLayer = "Conv0_up"; noiseIndex = s.log2Resolution * 2 - 5
        case "conv1": tfLayer = r == 4 ? "Conv" : "Conv1"; noiseIndex = s.log2Resolution * 2 - 4
        case "torgb": tfLayer = "ToRGB"
        default: return nil
        }
        let layer = "\(block)/\(tfLayer)"
        switch s.rest {
        case ["weight"]: return ForeignSource("\(layer)/weight", s.layer == "conv0" ? .tfConvFlipped : .tfConv)
        case ["bias"]: return ForeignSource("\(layer)/bias")
        case ["noise_strength"]: return ForeignSource("\(layer)/noise_strength", .squeezed(rank: 0))
        case ["noise_const"]: return ForeignSource("synthesis/noise\(noiseIndex)", .squeezed(rank: 2))
        case ["affine", "weight"]: return ForeignSource("\(layer)/mod_weight", .transposed)
        case ["affine", "bias"]: return ForeignSource("\(layer)/mod_bias", .plusOne)
        default: return nil
        }
    }

    /// rosinality/stylegan2-pytorch `g_ema`: the same computation under other names. Its weights
    /// carry a leading batch axis, and its convs are numbered across blocks.
    static func rosinality(_ name: String) -> ForeignSource? {
        if name == "mapping.w_avg" { return ForeignSource("latent_avg") }
        if name.hasPrefix("mapping.fc") {
            let parts = name.split(separator: ".")
            guard let i = Int(parts[1].dropFirst(2)) else { return nil }
            return ForeignSource("style.\(i + 1).\(parts[2])")
        }
        guard let s = SynthesisName(name) else { return nil }
        let step = s.log2Resolution - 3  // block index above 4x4
        let prefix: String
        var noiseIndex = 0
        switch (s.resolution, s.layer) {
        case (4, "const"): return ForeignSource("input.input", .squeezed(rank: 3))
        case (4, "conv1"): prefix = "conv1"; noiseIndex = 0
        case (4, "torgb"): prefix = "to_rgb1"
        case (_, "conv0"): prefix = "convs.\(2 * step)"; noiseIndex = 2 * step + 1
        case (_, "conv1"): prefix = "convs.\(2 * step + 1)"; noiseIndex = 2 * step + 2
        case (_, "torgb"): prefix = "to_rgbs.\(step)"
        default: return nil
        }
        let isRGB = s.layer == "torgb"
        switch s.rest {
        case ["weight"]: return ForeignSource("\(prefix).conv.weight", .squeezed(rank: 4))
        case ["bias"]: return isRGB ? ForeignSource("\(prefix).bias", .squeezed(rank: 1)) : ForeignSource("\(prefix).activate.bias")
        case ["noise_strength"]: return ForeignSource("\(prefix).noise.weight", .squeezed(rank: 0))
        case ["noise_const"]: return ForeignSource("noises.noise_\(noiseIndex)", .squeezed(rank: 2))
        case ["affine", "weight"]: return ForeignSource("\(prefix).conv.modulation.weight")
        case ["affine", "bias"]: return ForeignSource("\(prefix).conv.modulation.bias")
        default: return nil
        }
    }
}

extension ForeignNames {
    /// NVlabs/stylegan (v1) TF1 `Gs` (G_style with its mapping and synthesis components). There is
    /// no official PyTorch v1, so ToonKit's names follow its StyleGAN2 ones where the parts agree
    /// (mapping.fc{i}, mapping.w_avg, synthesis.b{R}.const, .conv0/.conv1, .torgb) and name the v1
    /// parts plainly (the 4x4 block's `input` epilogue and `conv`, `style` for StyleMod, per-channel
    /// `noise_strength`, every resolution's toRGB, the two lod variables). `resolution` is the
    /// image's: TF names toRGBs by their level of detail (ToRGB_lod0 is the full resolution's).
    static func styleGAN1(_ name: String, resolution: Int) -> ForeignSource? {
        switch name {
        case "lod": return ForeignSource("lod")
        case "synthesis.lod": return ForeignSource("synthesis/lod")
        case "mapping.w_avg": return ForeignSource("dlatent_avg")
        case "mapping.label_concat.weight": return ForeignSource("mapping/LabelConcat/weight")
        case "synthesis.b4.const": return ForeignSource("synthesis/4x4/Const/const", .squeezed(rank: 3))
        default: break
        }
        if name.hasPrefix("mapping.fc") {
            let parts = name.split(separator: ".")
            guard parts.count == 3, let i = Int(parts[1].dropFirst(2)) else { return nil }
            return ForeignSource("mapping/Dense\(i)/\(parts[2])", parts[2] == "weight" ? .transposed : .same)
        }
        guard let s = SynthesisName(name), s.resolution <= resolution else { return nil }
        let r = s.resolution, block = "synthesis/\(r)x\(r)"
        if s.layer == "torgb" {
            let lod = resolution.trailingZeroBitCount - s.log2Resolution
            switch s.rest {
            case ["weight"]: return ForeignSource("synthesis/ToRGB_lod\(lod)/weight", .tfConv)
            case ["bias"]: return ForeignSource("synthesis/ToRGB_lod\(lod)/bias")
            default: return nil
            }
        }
        let tfLayer: String, noiseIndex: Int
        switch (r, s.layer) {
        case (4, "input"): (tfLayer, noiseIndex) = ("Const", 0)
        case (4, "conv"): (tfLayer, noiseIndex) = ("Conv", 1)
        case (_, "conv0") where r > 4: (tfLayer, noiseIndex) = ("Conv0_up", s.log2Resolution * 2 - 4)
        case (_, "conv1") where r > 4: (tfLayer, noiseIndex) = ("Conv1", s.log2Resolution * 2 - 3)
        default: return nil
        }
        let layer = "\(block)/\(tfLayer)"
        switch s.rest {
        case ["weight"]: return ForeignSource("\(layer)/weight", .tfConv)
        case ["bias"]: return ForeignSource("\(layer)/bias")
        case ["noise_strength"]: return ForeignSource("\(layer)/Noise/weight")
        case ["noise_const"]: return ForeignSource("synthesis/noise\(noiseIndex)", .squeezed(rank: 2))
        case ["style", "weight"]: return ForeignSource("\(layer)/StyleMod/weight", .transposed)
        case ["style", "bias"]: return ForeignSource("\(layer)/StyleMod/bias")
        default: return nil
        }
    }
}
