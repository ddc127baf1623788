import ToonMetrics
import ToonIO

/// LPIPS-VGG16 with every weight from `FormulaWeights`, under torchvision's and the lpips package's
/// names, as Tests/ToonMetricsTests/Reference/make_lpips_reference.py fills the lpips package's model.
public enum FormulaLPIPS {
    public static let stateDicts: (vgg: TensorSet, linear: TensorSet) = {
        var vgg = TensorSet(), linear = TensorSet()
        for layer in VGG16Features.layers {
            for (suffix, shape) in [("weight", [layer.output, layer.input, 3, 3]), ("bias", [layer.output])] {
                let name = "features.\(layer.index).\(suffix)"
                try! vgg.insert(FormulaWeights.tensor(name, shape), named: name, source: "formula")
            }
        }
        for (tap, channels) in VGG16Features.tapChannels.enumerated() {
            let name = "lin\(tap).model.1.weight"
            try! linear.insert(FormulaWeights.tensor(name, [1, channels, 1, 1]), named: name, source: "formula")
        }
        return (vgg, linear)
    }()

    public static let metric: LPIPS = try! LPIPS(network: VGG16Features(stateDict: stateDicts.vgg, source: "formula"),
                                                 linearStateDict: stateDicts.linear, source: "formula")
}
