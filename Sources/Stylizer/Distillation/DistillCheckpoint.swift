import Foundation
import Datasets
import ToonMetrics
import ToonCore
import ToonIO
import ToonNN

/// A distillation run's snapshot at step k, two files in its folder: `student-k.safetensors` (the
/// model, what `toon stylize` runs) and `state-k.safetensors` (Adam's moments and step count, the
/// critic's weights and optimiser when there is one, the settings and the training pairs), which
/// together resume the run exactly.
public enum DistillCheckpoint {
    static let kind = "stylizer-distill-state"

    public static func studentName(_ step: Int) -> String { "student-\(padded(step)).safetensors" }
    public static func stateName(_ step: Int) -> String { "state-\(padded(step)).safetensors" }
    /// The picture of held-out pairs written beside step `step`'s snapshot.
    public static func samplesName(_ step: Int) -> String { "samples-\(padded(step)).png" }

    private static func padded(_ step: Int) -> String {
        let text = String(step)
        return String(repeating: "0", count: max(0, 6 - text.count)) + text
    }

    /// Writes step `distiller.step`'s two files into `folder` (state first, so a student file always has its state).
    public static func write(_ distiller: Distiller, to folder: URL) throws(ToonIOError) {
        var tensors = moments(distiller.optimizer, prefix: "")
        var metadata = ["toonkit.kind": kind, "step": "\(distiller.step)", "adam_steps": "\(distiller.optimizer.stepCount)",
                        "settings": String(data: try! StudentModel.sortedJSON.encode(distiller.settings), encoding: .utf8)!,
                        "training_pairs": "\(distiller.trainingPairs.lowerBound) \(distiller.trainingPairs.upperBound)"]
        if let critic = distiller.critic {
            tensors.merge(moments(critic.optimizer, prefix: "critic."), uniquingKeysWith: { a, _ in a })
            for (name, tensor) in critic.parameters.pairs { tensors["critic.w." + name] = tensor }
            metadata["critic_adam_steps"] = "\(critic.optimizer.stepCount)"
        }
        try SafeTensors.write(tensors, metadata: metadata, to: folder.appendingPathComponent(stateName(distiller.step)))
        try distiller.model.write(to: folder.appendingPathComponent(studentName(distiller.step)))
    }

    private static func moments(_ optimizer: Adam, prefix: String) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in optimizer.firstMoments { tensors[prefix + "m." + name] = tensor }
        for (name, tensor) in optimizer.secondMoments { tensors[prefix + "v." + name] = tensor }
        return tensors
    }

    /// The highest step with both files in `folder`, or nil.
    public static func latestStep(in folder: URL) -> Int? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let steps = names.compactMap { name -> Int? in
            guard name.hasPrefix("student-"), name.hasSuffix(".safetensors") else { return nil }
            return Int(name.dropFirst("student-".count).dropLast(".safetensors".count))
        }
        return steps.filter { names.contains(stateName($0)) }.max()
    }

    /// The run resumed from step `step` in `folder`, on `pairs` (the same pairs it was started on);
    /// `lpips` when the run weighs LPIPS.
    public static func resume(from folder: URL, step: Int, pairs: PairedDataset, lpips: LPIPS? = nil) throws(ToonIOError) -> Distiller {
        let stateURL = folder.appendingPathComponent(stateName(step))
        func bad(_ why: String) -> ToonIOError { ToonIOError(url: stateURL, .checkpoint(.unsupported(why))) }
        let file = try SafeTensorsFile(url: stateURL)
        guard file.metadata["toonkit.kind"] == kind else { throw bad("not a distillation state (toon distill writes them)") }
        guard let saved = file.metadata["settings"], let settings = try? JSONDecoder().decode(DistillSettings.self, from: Data(saved.utf8)),
              settings.problem == nil,
              let savedStep = file.metadata["step"].flatMap(Int.init), savedStep == step,
              let adamSteps = file.metadata["adam_steps"].flatMap(Int.init),
              let bounds = file.metadata["training_pairs"]?.split(separator: " ").compactMap({ Int($0) }), bounds.count == 2,
              bounds[0] >= 0, bounds[0] < bounds[1] else { throw bad("its metadata is incomplete or damaged") }
        guard bounds[1] <= pairs.count else {
            throw bad("it trained on pairs \(bounds[0])..<\(bounds[1]) but the pairs file has \(pairs.count)")
        }
        guard (settings.lpipsWeight > 0) == (lpips != nil) else {
            throw bad(lpips == nil ? "the run weighs LPIPS: give the VGG16 and LPIPS weights again"
                                   : "the run does not weigh LPIPS: leave out the VGG16 and LPIPS weights")
        }
        let model = try StudentModel.read(from: folder.appendingPathComponent(studentName(step)))
        let tensors = try file.tensors()
        func optimizer(prefix: String, steps: Int, names: [String], _ fresh: Adam) throws(ToonIOError) -> Adam {
            var first: [String: Tensor] = [:], second: [String: Tensor] = [:]
            for (name, tensor) in tensors where name.hasPrefix(prefix) {
                let rest = name.dropFirst(prefix.count)
                if rest.hasPrefix("m.") { first[String(rest.dropFirst(2))] = tensor } else if rest.hasPrefix("v.") { second[String(rest.dropFirst(2))] = tensor }
            }
            guard Set(first.keys).isSubset(of: Set(names)), Set(first.keys) == Set(second.keys) else {
                throw bad("its optimizer moments do not match the \(prefix.isEmpty ? "student" : "critic")'s parameters")
            }
            var optimizer = fresh
            optimizer.restore(stepCount: steps, firstMoments: first, secondMoments: second)
            return optimizer
        }
        let student = try optimizer(prefix: "", steps: adamSteps, names: model.parameters.names, settings.studentOptimizer)
        var critic: DistillCritic?
        if settings.adversarialWeight > 0 {
            guard let criticSteps = file.metadata["critic_adam_steps"].flatMap(Int.init) else { throw bad("its critic is missing") }
            let weights = ParameterStore(tensors.filter { $0.key.hasPrefix("critic.w.") }.sorted { $0.key < $1.key }
                .map { (String($0.key.dropFirst("critic.w.".count)), $0.value) })
            let criticOptimizer = try optimizer(prefix: "critic.", steps: criticSteps, names: weights.names, settings.criticOptimizer)
            do {
                critic = try DistillCritic(for: model.config, settings: settings, parameters: weights, optimizer: criticOptimizer)
            } catch { throw bad("its critic: \(error.description)") }
        }
        return Distiller(pairs: pairs, trainingPairs: bounds[0]..<bounds[1], config: model.config, settings: settings,
                         lpips: lpips, resume: Distiller.Resumed(model: model, optimizer: student, critic: critic, step: step))
    }
}
