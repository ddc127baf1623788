import Foundation
import ToonCore
import ToonIO

/// What a real photo suffers and a teacher's image does not: colour shifts, blur, sensor noise and JPEG
/// artefacts. Applied to the real side of a pair only, so the student learns to see past them. Each
/// kind is applied with probability `probability`, its strength drawn uniformly up to its bound.
public struct RealDegradation: Sendable, Equatable {
    public var probability: Double
    /// Largest brightness, contrast and saturation change (0.2: factors in 0.8...1.2).
    public var colour: Double
    /// Largest Gaussian blur sigma, in pixels of the image.
    public var blur: Double
    /// Largest Gaussian noise sigma, in 8-bit codes.
    public var noise: Double
    /// Lowest JPEG quality (the highest is 95).
    public var jpegQuality: Int

    public init(probability: Double = 0.5, colour: Double = 0.2, blur: Double = 1.2, noise: Double = 6, jpegQuality: Int = 40) {
        self.probability = probability
        self.colour = colour
        self.blur = blur
        self.noise = noise
        self.jpegQuality = jpegQuality
    }

    /// None: the real side is the base network's image.
    public static let none = RealDegradation(probability: 0)

    /// `image` (RGB, 0...1) degraded by one draw of `random`.
    func apply(to image: Image, _ random: inout SplitMix64) throws(ToonIOError) -> Image {
        func chance() -> Bool { Double(random.next() >> 11) / Double(1 << 53) < probability }
        func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        var samples = image.samples
        let plane = image.width * image.height
        if chance() {
            let brightness = Float(1 + colour * (2 * unit() - 1)), contrast = Float(1 + colour * (2 * unit() - 1))
            let saturation = Float(1 + colour * (2 * unit() - 1))
            Self.jitterColour(&samples, plane: plane, brightness: brightness, contrast: contrast, saturation: saturation)
        }
        if chance() {
            let sigma = blur * unit()
            if sigma > 0.05 {
                let blurred = Image(width: image.width, height: image.height, channels: 3, samples: samples).tensor(range: 0...1)
                    .gaussianBlurred(sigma: sigma)
                samples = blurred.scalars
            }
        }
        if chance() {
            let sigma = Float(noise * unit() / 255)
            var normal = NormalStream(random: SplitMix64(state: random.next()))
            for i in samples.indices { samples[i] += sigma * normal.next() }
        }
        for i in samples.indices { samples[i] = min(max(samples[i], 0), 1) }
        var result = Image(width: image.width, height: image.height, channels: 3, samples: samples)
        if chance() {
            let quality = jpegQuality + Int(unit() * Double(95 - jpegQuality + 1)).clamped(to: 0...(95 - jpegQuality))
            result = try Image.decode(try result.encoded(as: .jpeg(quality: quality)))
        }
        return result
    }

    /// Brightness scales, contrast pulls toward the image's mean grey, saturation toward each pixel's grey.
    static func jitterColour(_ samples: inout [Float], plane: Int, brightness: Float, contrast: Float, saturation: Float) {
        var meanGrey: Float = 0
        for p in 0..<plane {
            let grey = 0.299 * samples[p] + 0.587 * samples[plane + p] + 0.114 * samples[2 * plane + p]
            meanGrey += grey
        }
        meanGrey = meanGrey * brightness / Float(plane)
        for p in 0..<plane {
            let (r, g, b) = (samples[p] * brightness, samples[plane + p] * brightness, samples[2 * plane + p] * brightness)
            let grey = 0.299 * r + 0.587 * g + 0.114 * b
            // No per-pixel array: this runs for every pixel of every degraded pair.
            samples[p] = meanGrey + contrast * (grey + saturation * (r - grey) - meanGrey)
            samples[plane + p] = meanGrey + contrast * (grey + saturation * (g - grey) - meanGrey)
            samples[2 * plane + p] = meanGrey + contrast * (grey + saturation * (b - grey) - meanGrey)
        }
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}

/// Standard normal numbers from SplitMix64 (Box-Muller, both values used).
struct NormalStream {
    var random: SplitMix64
    private var spare: Float?

    init(random: SplitMix64) { self.random = random }

    mutating func next() -> Float {
        if let spare { self.spare = nil; return spare }
        let u1 = max(Double(random.next() >> 11) / Double(1 << 53), 1e-300), u2 = Double(random.next() >> 11) / Double(1 << 53)
        let radius = (-2 * log(u1)).squareRoot()
        spare = Float(radius * sin(2 * .pi * u2))
        return Float(radius * cos(2 * .pi * u2))
    }
}

extension Tensor {
    /// A Gaussian blur of NCHW `self` (separable, taps to 3 sigma, edges mirrored).
    func gaussianBlurred(sigma: Double) -> Tensor {
        let radius = Swift.max(1, Int((3 * sigma).rounded(.up)))
        let taps: [Float] = (-radius...radius).map { offset in
            let distance = Double(offset * offset)
            return Float(Foundation.exp(-distance / (2 * sigma * sigma)))
        }
        return reflectPadded(ResamplePadding(x0: radius, x1: radius, y0: radius, y1: radius)).upfirdn2d(setupFilter(taps))
    }
}
