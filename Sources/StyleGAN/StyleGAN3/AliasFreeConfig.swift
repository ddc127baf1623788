import Foundation

/// The synthesis settings of a StyleGAN3 ("alias-free") generator, as NVLabs' `synthesis_kwargs`
/// name them, with the defaults of networks_stylegan3.py. Config T has 3x3 convolutions and
/// separable filters; config R has 1x1 convolutions and radially symmetric downsampling filters.
public struct AliasFreeConfig: Codable, Equatable, Sendable {
    /// Layers between the Fourier input and the toRGB layer.
    public var layerCount: Int = 14
    /// Critically sampled layers at the end.
    public var criticalLayerCount: Int = 2
    /// Cutoff frequency of the first layer.
    public var firstCutoff: Double = 2
    /// Minimum stopband of the first layer.
    public var firstStopband: Double = pow(2, 2.1)
    /// Minimum stopband of the last layer, relative to its cutoff.
    public var lastStopbandRelative: Double = pow(2, 0.3)
    /// Extra pixels kept around the image in the inner layers.
    public var marginSize: Int = 10
    /// Scale applied to the toRGB output.
    public var outputScale: Float = 0.25
    /// Convolution kernel size: 3 for config T, 1 for config R (the toRGB layer is always 1x1).
    public var convKernel: Int = 3
    /// Low-pass filter length relative to the lower of the two sampling rates.
    public var filterSize: Int = 6
    /// How much the leaky ReLU's sampling rate exceeds the layer's.
    public var leakyReLUUpsampling: Int = 2
    /// Radially symmetric (jinc) downsampling filters in the layers that are not critically sampled.
    public var radialFilters: Bool = false

    /// NVLabs' defaults: config T.
    public init() {}

    /// "T" or "R", as NVLabs names the two configurations.
    public var name: String { radialFilters ? "R" : "T" }

    /// w vectors the synthesis network consumes: the input, each layer and the toRGB layer.
    public var numWs: Int { layerCount + 2 }

    /// Checks the values a file could get wrong before anything is allocated from them.
    func validate(resolution: Int) throws(StyleGANError) {
        guard (1...64).contains(layerCount), (0..<layerCount).contains(criticalLayerCount) else {
            throw .config(.invalid("StyleGAN3 with \(layerCount) layers, \(criticalLayerCount) critically sampled"))
        }
        guard [1, 3, 5, 7].contains(convKernel), (1...32).contains(filterSize), (1...8).contains(leakyReLUUpsampling) else {
            throw .config(.invalid("StyleGAN3 conv kernel \(convKernel), filter size \(filterSize), lrelu upsampling \(leakyReLUUpsampling)"))
        }
        guard firstCutoff > 0, firstStopband > firstCutoff, lastStopbandRelative > 1, (0...1024).contains(marginSize),
              outputScale.isFinite else {
            throw .config(.invalid("StyleGAN3 cutoffs, stopbands, margin or output scale out of range"))
        }
        guard resolution >= 8, Double(resolution) / 2 > firstCutoff else {
            throw .config(.invalid("StyleGAN3 resolution \(resolution) with first cutoff \(firstCutoff)"))
        }
    }
}
