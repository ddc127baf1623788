/// The waifu2x networks that PyPI's `waifu2x` wheel (2024.0.1) ships pretrained anime models for,
/// as its `srcnn.py` builds them. Every convolution is 3x3 without padding, so a network's output
/// tile is its input tile less `offset` pixels (of the output) on each side.
public enum Waifu2xArchitecture: String, CaseIterable, Sendable {
    /// Six convolutions (16 to 256 channels, leaky ReLU 0.1) and a 4x4 stride-2 transposed
    /// convolution: doubles. The fastest 2x network.
    case upconv7
    /// A convolution, five residual blocks with squeeze-and-excitation, a bridge with a long skip
    /// and a 4x4 stride-2 transposed convolution: doubles. The sharpest.
    case upresnet10
    /// Seven convolutions at the input's size: the reference's noise-only networks (and 2x after a
    /// nearest-neighbour doubling).
    case vgg7
    /// UpResNet10's trunk without squeeze-and-excitation, ending in a convolution at the input's size.
    case resnet10

    /// The name the reference's `--arch` and `srcnn.archs` use.
    public var referenceName: String {
        switch self {
        case .upconv7: "UpConv7"
        case .upresnet10: "UpResNet10"
        case .vgg7: "VGG7"
        case .resnet10: "ResNet10"
        }
    }

    /// Output pixels lost on each side of a tile (`model.offset`).
    public var offset: Int {
        switch self {
        case .upconv7: 14
        case .upresnet10: 26
        case .vgg7: 7
        case .resnet10: 13
        }
    }

    /// Output pixels per input pixel along each axis (`model.inner_scale`).
    public var innerScale: Int {
        switch self {
        case .upconv7, .upresnet10: 2
        case .vgg7, .resnet10: 1
        }
    }

    /// Whether the network ends in squeeze-and-excitation blocks, whose per-tile channel averages
    /// make the result depend on where the tiles fall: such networks must be tiled exactly as the
    /// reference tiles.
    var averagesTiles: Bool { self == .upresnet10 }
}

/// What a model file was trained for: doubling, noise reduction at one of four levels, or both.
public enum Waifu2xTask: Hashable, Sendable {
    case scale
    case noise(Int)
    case noiseScale(Int)

    /// The file name in the wheel's `models/<architecture>/` folder (RGB models).
    public var fileName: String {
        switch self {
        case .scale: "anime_style_scale_rgb.npz"
        case .noise(let level): "anime_style_noise\(level)_rgb.npz"
        case .noiseScale(let level): "anime_style_noise\(level)_scale_rgb.npz"
        }
    }
}

extension Waifu2xArchitecture {
    /// The tasks the wheel has a model for with this network: the doubling networks have noise
    /// levels only combined with doubling, the others only alone.
    public var tasks: [Waifu2xTask] {
        switch self {
        case .upconv7, .upresnet10: [.scale] + (0...3).map { .noiseScale($0) }
        case .vgg7, .resnet10: [.scale] + (0...3).map { .noise($0) }
        }
    }

    /// Where the model for `task` lies inside ToonKit's models folder (scripts/fetch-models puts it there).
    public func relativePath(_ task: Waifu2xTask) -> String { "waifu2x/\(rawValue)/\(task.fileName)" }
}
