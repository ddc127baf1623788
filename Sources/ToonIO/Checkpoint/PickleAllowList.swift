/// The globals a pickle may name. Naming one never runs it: the machine records the name, and
/// decoders interpret the resulting data. Everything else is refused with its `module.name`.
public struct PickleAllowList: Sendable {
    public private(set) var globals: Set<PickleGlobal>

    public init(_ globals: some Sequence<PickleGlobal>) {
        self.globals = Set(globals)
    }

    public func contains(_ global: PickleGlobal) -> Bool { globals.contains(global) }

    /// One spelling for names that moved between versions: numpy 2's `numpy._core`, Python 2's
    /// `__builtin__` and `copy_reg`.
    public static func canonical(module: String, name: String) -> PickleGlobal {
        var module = module
        if module == "numpy._core" || module.hasPrefix("numpy._core.") {
            module = "numpy.core" + module.dropFirst("numpy._core".count)
        } else if module == "__builtin__" {
            module = "builtins"
        } else if module == "copy_reg" {
            module = "copyreg"
        }
        return PickleGlobal(module, name)
    }

    /// The typed storage classes torch writes into its pickles to say a storage's element type.
    public static let torchStorageClasses: [PickleGlobal] = [
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    ].map { PickleGlobal("torch", $0) }

    /// What TF1 StyleGAN2, NVLabs PyTorch (StyleGAN2-ADA, StyleGAN3), rosinality and plain torch
    /// state dicts need. Each entry is a data constructor; see docs/checkpoints.md for why each is here.
    public static let styleGANCheckpoints = PickleAllowList([
        // Containers and numbers.
        PickleGlobal("collections", "OrderedDict"),
        PickleGlobal("builtins", "set"),
        PickleGlobal("builtins", "frozenset"),
        PickleGlobal("_codecs", "encode"),
        PickleGlobal("argparse", "Namespace"),
        // NumPy arrays, dtypes and scalars (TF1 variables; numbers inside NVLabs modules).
        PickleGlobal("numpy.core.multiarray", "_reconstruct"),
        PickleGlobal("numpy.core.numeric", "_frombuffer"),
        PickleGlobal("numpy.core.multiarray", "scalar"),
        PickleGlobal("numpy", "ndarray"),
        PickleGlobal("numpy", "dtype"),
        // torch tensors and storages.
        PickleGlobal("torch._utils", "_rebuild_tensor_v2"),
        PickleGlobal("torch._utils", "_rebuild_parameter"),
        PickleGlobal("torch.storage", "_load_from_bytes"),
        // NVLabs dnnlib / torch_utils.
        PickleGlobal("dnnlib.tflib.network", "Network"),
        PickleGlobal("dnnlib.util", "EasyDict"),
        PickleGlobal("torch_utils.persistence", "_reconstruct_persistent_obj"),
    ] + torchStorageClasses)
}
