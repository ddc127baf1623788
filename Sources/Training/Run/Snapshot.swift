import Foundation
import StyleGAN
import ToonCore
import ToonIO
import ToonNN

/// A training snapshot: one safetensors file with G, G_ema, D, both optimizers' moments and the
/// run's counters. Its ToonKit header points at G_ema, so `toon generate --network` reads it as a
/// generator; `TrainingSnapshot.read` restores the whole state.
public enum TrainingSnapshot {
    static let stateKey = "toonkit.training"

    struct Counters: Codable {
        var format = "toonkit-training"
        var version = 1
        var options: TrainingOptions
        var step: Int
        var imagesSeen: Int
        var tick: Int
        var generatorSteps: Int
        var discriminatorSteps: Int
        /// ADA's tally of real-logit signs since its last adjustment (absent in older snapshots: none).
        var augmentSignSum: Int?
        var augmentSignCount: Int?
    }

    public static func write(_ state: TrainingState, options: TrainingOptions, to url: URL) throws(TrainingError) {
        var tensors: [String: Tensor] = [:]
        func add(_ prefix: String, _ pairs: [(name: String, tensor: Tensor)]) {
            for (name, t) in pairs { tensors[prefix + name] = t }
        }
        add("G.", state.generator.pairs)
        add("G_ema.", state.generatorEMA.pairs)
        add("D.", state.discriminator.pairs)
        add("G_opt.m.", state.generatorOptimizer.firstMoments.map { ($0.key, $0.value) })
        add("G_opt.v.", state.generatorOptimizer.secondMoments.map { ($0.key, $0.value) })
        add("D_opt.m.", state.discriminatorOptimizer.firstMoments.map { ($0.key, $0.value) })
        add("D_opt.v.", state.discriminatorOptimizer.secondMoments.map { ($0.key, $0.value) })
        // Floats go in as tensors: JSON would round them.
        tensors["state.pl_mean"] = Tensor(state.plMean)
        tensors["state.augment_p"] = Tensor(state.augmentP)
        let counters = Counters(options: options, step: state.step, imagesSeen: state.imagesSeen, tick: state.tick,
                                generatorSteps: state.generatorOptimizer.stepCount,
                                discriminatorSteps: state.discriminatorOptimizer.stepCount,
                                augmentSignSum: state.augmentSignSum, augmentSignCount: state.augmentSignCount)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [
            SafeTensors.configKey: ToonKitFormat.headerJSON(options.generator, source: "ToonKit training snapshot",
                                                             tensorPrefix: "G_ema."),
            stateKey: String(decoding: try! encoder.encode(counters), as: UTF8.self),
        ]
        do { try SafeTensors.write(tensors, metadata: metadata, to: url) } catch { throw TrainingError(error) }
    }

    /// A snapshot's counters and configuration for a one-screen description (`toon info`), without
    /// reading its tensors; nil when `url` is no training snapshot.
    public static func summary(_ url: URL) -> [(String, String)]? {
        guard let file = try? SafeTensorsFile(url: url), let text = file.metadata[stateKey],
              let counters = try? JSONDecoder().decode(Counters.self, from: Data(text.utf8)) else { return nil }
        let o = counters.options
        var lines = [
            ("training", "\(String(format: "%.1f", Double(counters.imagesSeen) / 1000)) of \(o.totalKimg) kimg, step \(counters.step), tick \(counters.tick)"),
            ("recipe", "cfg \(o.configName), batch \(o.batch), gamma \(o.r1Gamma), pl weight \(o.plWeight), lr \(o.generatorLearningRate), seed \(o.seed)"),
            ("discriminator", "channels " + o.discriminator.blockResolutions.map { "\($0):\(o.discriminator.channels(at: $0))" }.joined(separator: " ")),
        ]
        var extras: [String] = []
        if o.generator.cDim > 0 { extras.append("cond (\(o.generator.cDim) labels)") }
        if o.mirror { extras.append("mirror") }
        if let a = o.augment {
            // ADA's p at the snapshot: one scalar tensor, read on its own.
            let p = a == .ada ? (try? file.tensor("state.augment_p"))?.scalar : nil
            let detail = a == .ada ? " (target \(o.adaTargetValue)" + (p.map { String(format: ", p %.4f", $0) } ?? "") + ")" : ""
            extras.append("aug \(a.rawValue)" + detail)
        }
        if let f = o.freezeDiscriminatorLayers { extras.append("freeze-d \(f)") }
        if !extras.isEmpty { lines.append(("options", extras.joined(separator: ", "))) }
        return lines
    }

    /// Whether `url` is a readable safetensors file holding a training state (not just a generator).
    public static func isSnapshot(_ url: URL) -> Bool {
        (try? SafeTensorsFile(url: url))?.metadata[stateKey] != nil
    }

    /// The options and state a snapshot holds.
    public static func read(_ url: URL) throws(TrainingError) -> (options: TrainingOptions, state: TrainingState) {
        do {
            let file = try SafeTensorsFile(url: url)
            guard let text = file.metadata[stateKey] else {
                throw TrainingError(url: url, .snapshot("not a ToonKit training snapshot (no \(stateKey) metadata)"))
            }
            let counters: Counters
            do { counters = try JSONDecoder().decode(Counters.self, from: Data(text.utf8)) } catch {
                throw TrainingError(url: url, .snapshot("unreadable training state: \(error)"))
            }
            guard counters.format == "toonkit-training", counters.version == 1 else {
                throw TrainingError(url: url, .snapshot("training state \(counters.format) v\(counters.version) is not one this toon reads"))
            }
            let options = counters.options
            try options.validate()
            func store(_ prefix: String, _ spec: ParameterSpec) throws -> ParameterStore {
                var s = ParameterStore()
                for entry in spec.entries {
                    let t = try file.tensor(prefix + entry.name)
                    guard t.shape == entry.shape else {
                        throw TrainingError(url: url, .snapshot("\(prefix + entry.name) has shape \(t.shape), expected \(entry.shape)"))
                    }
                    s.insert(t, named: entry.name)
                }
                return s
            }
            func moments(_ prefix: String, _ spec: ParameterSpec) throws -> [String: Tensor] {
                var m: [String: Tensor] = [:]
                for entry in spec.entries where file.entry(prefix + entry.name) != nil {
                    m[entry.name] = try file.tensor(prefix + entry.name)
                }
                return m
            }
            let gSpec = Generator.spec(options.generator)
            let dSpec = try Discriminator(options.discriminator).spec
            var state = TrainingState.initial(options)
            state.generator = try store("G.", gSpec)
            state.generatorEMA = try store("G_ema.", gSpec)
            state.discriminator = try store("D.", dSpec)
            state.generatorOptimizer.restore(stepCount: counters.generatorSteps, firstMoments: try moments("G_opt.m.", gSpec),
                                             secondMoments: try moments("G_opt.v.", gSpec))
            state.discriminatorOptimizer.restore(stepCount: counters.discriminatorSteps, firstMoments: try moments("D_opt.m.", dSpec),
                                                 secondMoments: try moments("D_opt.v.", dSpec))
            state.plMean = try file.tensor("state.pl_mean").scalar
            state.augmentP = try file.tensor("state.augment_p").scalar
            state.step = counters.step
            state.imagesSeen = counters.imagesSeen
            state.tick = counters.tick
            state.augmentSignSum = counters.augmentSignSum ?? 0
            state.augmentSignCount = counters.augmentSignCount ?? 0
            return (options, state)
        } catch let error as TrainingError {
            throw error
        } catch let error as ToonIOError {
            throw TrainingError(error)
        } catch {
            throw TrainingError(url: url, .snapshot(SystemErrorText.reason(error)))
        }
    }
}
