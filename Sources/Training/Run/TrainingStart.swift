import Foundation
import StyleGAN
import ToonIO
import ToonNN

/// How a run begins: fresh weights, a snapshot's complete state continued in place or in a new
/// folder, or a generator from any checkpoint format (transfer learning).
public enum TrainingStart {
    /// Where a run's weights come from.
    public enum Source: Sendable {
        /// Fresh weights from the options' seed, in a new run folder.
        case fresh
        /// The newest snapshot of the highest-numbered run under the root, continued in its folder.
        case latest
        /// A file: a training snapshot (its whole state, in a new folder) or any generator file
        /// `GeneratorLoader` reads (G and G_ema from it; D from NVLabs' pickles, else fresh).
        case file(URL)
    }

    /// The run for `source` under `root`; `options` are used for new runs (a snapshot brings its own,
    /// where only `totalKimg` is taken from `kimg` when given). `resumed` is true when an existing run
    /// folder goes on. `parallel` spreads the run over a job's ranks (nothing in a snapshot depends on them).
    /// A StyleGAN (v1) pickle continues with v1's recipe (`StyleGAN1Recipe`), where `batch` and `gamma`
    /// (the command line's, nil when not given) replace its own.
    public static func run(_ source: Source, options: TrainingOptions, kimg: Double?, data: any TrainingImages,
                           dataName: String, root: URL, batch: Int? = nil, gamma: Float? = nil,
                           parallel: DataParallel = .single) throws -> (run: TrainingRun, resumed: Bool) {
        try options.validate()  // before any state is built from the options
        let newFolder = { RunDirectory.next(in: root, dataName: dataName, configName: options.configName) }
        func continued(_ snapshot: URL) throws -> (TrainingOptions, TrainingState) {
            var (saved, state) = try TrainingSnapshot.read(snapshot)
            if let kimg { saved.totalKimg = kimg }
            return (saved, state)
        }
        switch source {
        case .fresh:
            return (try TrainingRun(options: options, data: data, directory: newFolder(), state: .initial(options), parallel: parallel), false)
        case .latest:
            guard let (folder, snapshot) = RunDirectory.latestSnapshot(under: root) else {
                throw TrainingError(url: root, .config("no run with a snapshot to resume"))
            }
            let (saved, state) = try continued(snapshot)
            AtomicFile.removeLeftovers(in: folder)  // a SIGKILLed run's half-written snapshot, grid or log
            return (try TrainingRun(options: saved, data: data, directory: folder, state: state, parallel: parallel), true)
        case .file(let url):
            if TrainingSnapshot.isSnapshot(url) {
                let (saved, state) = try continued(url)
                return (try TrainingRun(options: saved, data: data, directory: newFolder(), state: state, parallel: parallel), false)
            }
            let loaded = try GeneratorLoader.load(url).generator
            if loaded.config.isStyleGAN1 {
                var (v1, state) = try StyleGAN1Start.state(url, gs: loaded, base: options, overrides: .init(batch: batch, gamma: gamma))
                if let kimg { v1.totalKimg = kimg }
                let folder = RunDirectory.next(in: root, dataName: dataName, configName: v1.configName)
                return (try TrainingRun(options: v1, data: data, directory: folder, state: state, parallel: parallel), false)
            }
            guard loaded.config.isStyleGAN2 else {
                throw TrainingError(url: url, .config("a \(loaded.config.generation) generator; training continues StyleGAN2 and StyleGAN (v1) networks only"))
            }
            // NVLabs' pickles carry D beside G; other formats hold a generator alone, and D starts fresh.
            let foreign = try? ForeignCheckpoint.load(from: url)
            let d = try foreign.flatMap { try DiscriminatorLoader.load($0, resolution: loaded.config.imageResolution) }
            let transferred = transferOptions(loaded.config, discriminator: d?.0, base: options)
            return (try TrainingRun(options: transferred, data: data, directory: newFolder(),
                                    state: transferState(loaded, discriminator: d?.1, options: transferred), parallel: parallel), false)
        }
    }

    /// Options for a generator loaded from a file: its architecture, with `base`'s training settings
    /// and the file's discriminator widths (`discriminator`), or a fresh D as wide as the generator.
    public static func transferOptions(_ generator: GeneratorConfig, discriminator: DiscriminatorConfig? = nil,
                                       base: TrainingOptions) -> TrainingOptions {
        var options = base
        options.generator = generator
        if let discriminator {
            options.discriminator = discriminator
            options.discriminator.mbstdGroupSize = base.discriminator.mbstdGroupSize
            return options
        }
        options.discriminator.imageResolution = generator.imageResolution
        options.discriminator.imageChannels = generator.imageChannels
        options.discriminator.channelBase = generator.channelBase
        options.discriminator.channelMax = generator.channelMax
        options.discriminator.cDim = generator.cDim > 0 ? generator.cDim : nil
        return options
    }

    /// The state to start from for `loaded` generator weights: G and G_ema both the file's; D the
    /// file's when it has one (`discriminator`), else fresh from the seed.
    public static func transferState(_ loaded: Generator, discriminator: ParameterStore? = nil,
                                     options: TrainingOptions) -> TrainingState {
        var state = TrainingState.initial(options)
        if let discriminator { state.discriminator = discriminator }
        // Memory-mapped weights are copied by the first optimizer step that writes them.
        state.generator = loaded.parameters
        state.generatorEMA = loaded.parameters
        return state
    }
}
