import ArgumentParser
import Datasets
import Foundation
import Stylizer
import ToonCore
import ToonIO

/// `toon distill`: train a stylizer student on teacher pairs (toon pairs' zip).
struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Distil a small real-time stylizer from teacher pairs (toon pairs).",
        discussion: """
            The student (docs/stylizer.md) learns the teacher's cartoon of each real
            image: L1 and 1 - MS-SSIM against it, and a temporal loss (its output for a
            slightly moved input against its moved output), so video does not flicker.
            The last --held-out share of the pairs is never trained on: every snapshot
            measures SSIM, PSNR and MSE against the teacher there.

            Writes in --out: student-NNNNNN.safetensors (the model toon stylize runs) and
            state-NNNNNN.safetensors (to resume exactly) every --snapshot-every steps and
            at the end, samples-NNNNNN.png (rows: real, teacher, student), and log.jsonl
            (losses every 10 steps, the evaluation at each snapshot). --resume latest
            continues the newest snapshot in --out with its own settings.

            Examples:
              toon pairs --count 2000 --out pairs.zip
              toon distill --pairs pairs.zip --steps 3000 --out student
              toon distill --pairs pairs.zip --steps 6000 --resume latest --out student
            """
    )

    @Option(help: ArgumentHelp("Teacher pairs (toon pairs' zip).", valueName: "zip")) var pairs: String
    @Option(help: ArgumentHelp("Run folder (created if missing).", valueName: "dir")) var out: String
    @Option(parsing: .unconditional, help: "Train until this many steps in all.") var steps: Int = 3000
    @Option(parsing: .unconditional, help: "Channels at full resolution.") var width: Int = StudentConfig().width
    @Option(name: .customLong("bridge-blocks"), parsing: .unconditional, help: "Residual blocks at the lowest resolution.")
    var bridgeBlocks: Int = StudentConfig().bridgeBlocks
    @Option(parsing: .unconditional, help: "Times the encoder halves the resolution.") var levels: Int = StudentConfig().levels
    @Flag(name: .customLong("degree-input"), help: "Feed each pair's degree, so one student covers the slider.") var degreeInput = false
    @Option(parsing: .unconditional, help: "Pairs per step.") var batch: Int = DistillSettings().batchSize
    @Option(parsing: .unconditional, help: "Adam's learning rate.") var lr: Float = DistillSettings().learningRate
    @Option(parsing: .unconditional, help: "Weight of the temporal loss (0: none).") var temporal: Float = DistillSettings().temporalWeight
    @Option(name: .customLong("held-out"), parsing: .unconditional, help: "Share of the pairs kept for evaluation.") var heldOut: Double = 0.05
    @Option(name: .customLong("snapshot-every"), parsing: .unconditional, help: "Steps between snapshots.") var snapshotEvery: Int = 500
    @Option(parsing: .unconditional, help: "Seed of the initial weights and of every step's choices.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("'latest': continue the newest snapshot in --out.", valueName: "latest")) var resume: String?

    func validate() throws {
        if !(1...10_000_000).contains(steps) { throw ValidationError("--steps must be in 1...10000000, not \(steps)") }
        if !(1...1_000_000).contains(snapshotEvery) { throw ValidationError("--snapshot-every must be in 1...1000000, not \(snapshotEvery)") }
        if !(0..<1).contains(heldOut) { throw ValidationError("--held-out must be in 0..<1, not \(heldOut)") }
        if let resume, resume != "latest" { throw ValidationError("--resume takes 'latest', not '\(resume)'") }
        if let problem = config.problem { throw ValidationError("student: \(problem)") }
        if let problem = settings.problem { throw ValidationError(problem) }
    }

    var config: StudentConfig { StudentConfig(width: width, bridgeBlocks: bridgeBlocks, levels: levels, degreeInput: degreeInput) }

    var settings: DistillSettings {
        var settings = DistillSettings()
        settings.batchSize = batch
        settings.learningRate = lr
        settings.temporalWeight = temporal
        settings.seed = seed
        return settings
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.readDataset(pairs)
            let data = try PairedDataset(contentsOf: URL(fileURLWithPath: pairs))
            let side = 1 << config.levels
            guard data.resolution % side == 0 else {
                throw UsageProblem("\(pairs): \(data.resolution) px pairs do not divide by \(side) (2^--levels)")
            }
            var resumeStep: Int?
            if resume != nil {
                resumeStep = DistillCheckpoint.latestStep(in: URL(fileURLWithPath: out))
                if resumeStep == nil { throw RunFailure("\(out): no snapshot to resume (student-*.safetensors with its state-*)") }
            }
            // Created only once the pairs and the snapshot are known: a refused run leaves no folder behind.
            let folder = try plan.createFolder(out)
            let held = data.count >= 2 ? max(1, Int((Double(data.count) * heldOut).rounded())) : 0
            let training = 0..<(data.count - held)
            var distiller: Distiller
            if let step = resumeStep {
                distiller = try DistillCheckpoint.resume(from: folder, step: step, pairs: data)
                print("Resuming \(folder.appendingPathComponent(DistillCheckpoint.studentName(step)).path) at step \(step) with its own settings")
            } else {
                distiller = Distiller(pairs: data, trainingPairs: training, config: config, settings: settings)
            }
            let evaluation = Array(distiller.trainingPairs.upperBound..<data.count)
            let log = AppendOnlyLog(folder.appendingPathComponent("log.jsonl"))
            let progress = ProgressLine("Distilling", total: steps, unit: "steps")
            var sums = (l1: 0.0, ssim: 0.0, temporal: 0.0, count: 0), lastLog = Date()
            while distiller.step < steps {
                let losses = distiller.takeStep()
                sums = (sums.l1 + Double(losses.l1), sums.ssim + Double(losses.ssim), sums.temporal + Double(losses.temporal), sums.count + 1)
                if distiller.step % 10 == 0 || distiller.step == steps {
                    let n = Double(sums.count), seconds = Date().timeIntervalSince(lastLog) / n
                    try log.append("{\"step\": \(distiller.step), \"l1\": \(sums.l1 / n), \"ms_ssim_loss\": \(sums.ssim / n), \"temporal\": \(sums.temporal / n), \"sec_per_step\": \(seconds)}")
                    sums = (0, 0, 0, 0)
                    lastLog = Date()
                }
                if distiller.step % snapshotEvery == 0 || distiller.step == steps {
                    progress.clear()
                    try snapshot(distiller, evaluation: evaluation, folder: folder, log: log)
                }
                progress.update(distiller.step)
            }
            progress.clear()
            print("\(folder.appendingPathComponent(DistillCheckpoint.studentName(distiller.step)).path): the student after \(distiller.step) steps")
        }
    }

    private func snapshot(_ distiller: Distiller, evaluation: [Int], folder: URL, log: AppendOnlyLog) throws {
        try DistillCheckpoint.write(distiller, to: folder)
        let shown = Array(evaluation.prefix(4)).isEmpty ? Array(distiller.trainingPairs.prefix(4)) : Array(evaluation.prefix(4))
        let grid = try ImageGrid.compose(try distiller.samples(shown), rows: shown.count, columns: 3)
        try Image(frame: grid).write(to: folder.appendingPathComponent(DistillCheckpoint.samplesName(distiller.step)))
        guard !evaluation.isEmpty else { return }
        let e = try distiller.evaluate(evaluation)
        try log.append("{\"step\": \(distiller.step), \"eval\": {\"pairs\": \(evaluation.count), \"ssim\": \(e.ssim), \"psnr\": \(e.psnr), \"mse\": \(e.mse)}}")
        print("step \(distiller.step): SSIM \(String(format: "%.4f", e.ssim)), PSNR \(String(format: "%.2f", e.psnr)) dB, MSE \(String(format: "%.1f", e.mse)) against the teacher on \(evaluation.count) held-out pairs")
    }
}

/// log.jsonl of a distillation run.
struct AppendOnlyLog {
    let url: URL

    init(_ url: URL) { self.url = url }

    func append(_ line: String) throws {
        if let reason = AppendedLine.append(line + "\n", to: url) { throw RunFailure("\(url.path): cannot append to the log: \(reason)") }
    }
}
