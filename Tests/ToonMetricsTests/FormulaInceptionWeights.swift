import ToonMetrics
import ToonIO
import ToonTestSupport

/// pytorch-fid's Inception state dict filled by `FormulaWeights`, as make_fid_reference.py fills it.
enum FormulaInceptionWeights {
    /// Every tensor ToonKit reads (no fc, no num_batches_tracked), in the loader's order.
    static func stateDict() -> TensorSet {
        var set = TensorSet()
        for (name, shape) in FIDInception.stateDictShapes {
            try! set.insert(FormulaWeights.tensor(name, shape), named: name, source: "formula")
        }
        return set
    }
}
