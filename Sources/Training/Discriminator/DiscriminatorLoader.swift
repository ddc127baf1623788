import Foundation
import ToonCore
import ToonIO
import ToonNN

/// A discriminator's weights from a foreign checkpoint (NVLabs PyTorch or TF pickles hold one beside
/// G), renamed to NVLabs' PyTorch names by one table per format, with the widths read from the shapes.
public enum DiscriminatorLoader {
    /// The file's D as (config, parameters), or nil when the file has none (rosinality and ToonKit
    /// generator files).
    public static func load(_ checkpoint: ForeignCheckpoint, resolution: Int) throws(TrainingError) -> (DiscriminatorConfig, ParameterStore)? {
        guard let set = checkpoint.networks["D"] else { return nil }
        let tf: Bool
        switch checkpoint.format {
        case .tfStyleGAN2: tf = true
        case .nvlabsPyTorch: tf = false
        // StyleGAN (v1)'s D_basic is another network (progressive growing, no residual blocks).
        case .tfStyleGAN1: return try BasicDiscriminatorLoader.load(checkpoint)
        default: return nil
        }
        return try load(set, tf: tf, resolution: resolution, source: checkpoint.source)
    }

    /// D from one network's tensors by the file's names (TF's, or NVLabs' PyTorch state-dict names);
    /// `source` names the file in errors.
    static func load(_ set: TensorSet, tf: Bool, resolution: Int, source: String) throws(TrainingError) -> (DiscriminatorConfig, ParameterStore) {
        let config = try inferConfig(set, resolution: resolution, tf: tf)
        let spec = try Discriminator(config).spec
        var store = ParameterStore()
        for entry in spec.entries {
            let stored = tf ? tfName(entry.name) : entry.name
            guard let raw = set[stored] else {
                throw TrainingError(.underlying("\(source): discriminator has no \(stored)"))
            }
            let t = (tf ? (raw.rank == 4 ? raw.permuted([3, 2, 0, 1]) : raw.rank == 2 ? raw.permuted([1, 0]) : raw) : raw).contiguous()
            guard t.shape == entry.shape else {
                throw TrainingError(.underlying("\(source): discriminator \(stored) has shape \(t.shape), expected \(entry.shape)"))
            }
            store.insert(t, named: entry.name)
        }
        return (config, store)
    }

    /// TF StyleGAN2's name for an NVLabs D parameter (`b64.conv1.weight` -> `64x64/Conv1_down/weight`).
    static func tfName(_ name: String) -> String {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 3, let r = Int(parts[0].dropFirst()) else { return name }
        let layer: String = switch (r, parts[1]) {
        case (4, "conv"): "4x4/Conv"
        case (4, "fc"): "4x4/Dense0"
        case (4, "out"): "Output"
        case (_, "fromrgb"): "\(r)x\(r)/FromRGB"
        case (_, "conv0"): "\(r)x\(r)/Conv0"
        case (_, "conv1"): "\(r)x\(r)/Conv1_down"
        case (_, "skip"): "\(r)x\(r)/Skip"
        default: parts[1]
        }
        return r == 4 && parts[1] == "out" ? "Output/\(parts[2])" : "\(layer)/\(parts[2])"
    }

    /// Channel base and max that give the widths stored in the file.
    static func inferConfig(_ set: TensorSet, resolution r: Int, tf: Bool) throws(TrainingError) -> DiscriminatorConfig {
        /// (out, in) channels of a conv weight ([kh, kw, in, out] in TF files, [out, in, kh, kw] in NVLabs').
        func channels(_ name: String) -> (out: Int, in: Int)? {
            guard let t = set[tf ? tfName(name) : name], t.rank == 4 else { return nil }
            return tf ? (t.shape[3], t.shape[2]) : (t.shape[0], t.shape[1])
        }
        func outChannels(_ name: String) -> Int? { channels(name)?.out }
        guard let top = outChannels("b\(r).fromrgb.weight"), let bottom = outChannels("b4.conv.weight") else {
            throw TrainingError(.underlying("the discriminator in this file is not a \(r)px resnet D"))
        }
        var config = DiscriminatorConfig(imageResolution: r, channelBase: top * r, channelMax: bottom)
        for res in config.blockResolutions {
            guard outChannels("b\(res).conv0.weight") == config.channels(at: res) else {
                throw TrainingError(.underlying("the discriminator's widths do not follow min(base / r, max)"))
            }
        }
        config.imageChannels = channels("b\(r).fromrgb.weight")!.in
        // A conditional NVLabs D keeps its label network under mapping.*: [cmap, c] embed weight, fc0, fc1, ...
        // (TF StyleGAN2's conditional D has no such network and is not read.)
        if !tf, let embed = set["mapping.embed.weight"], embed.rank == 2 {
            config.cDim = embed.shape[1]
            config.cmapDim = embed.shape[0]
            var layers = 0
            while set["mapping.fc\(layers).weight"] != nil { layers += 1 }
            config.mappingLayers = layers
        }
        return config
    }
}
