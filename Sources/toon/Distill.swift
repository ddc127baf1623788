import ArgumentParser
import Datasets
import Foundation
import ToonMetrics
import Stylizer
import ToonCore
import ToonIO

/// `toon distill`: train a stylizer student on teacher pairs (toon pairs' zip).
struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Distil a small real-time stylizer from teacher pairs (toon pairs).",
        discussion: """
            The student (docs/stylizer.md) learns the teacher's cartoon of each real
            image: L1 and 1 - MS-SSIM against it, LPIPS-VGG with --vgg16 and --lpips,
            a temporal loss (its output for a slightly moved input against its moved
            output), so video does not flicker, and with --adversarial W the
            non-saturating loss of a patch critic that learns beside it (R1 on the
            teacher's cartoons). The last --held-out share of the pairs is never
            trained on: every snapshot measures SSIM, PSNR and MSE against the teacher
            there.

            Writes in --out: student-NNNNNN.safetensors (the model toon stylize runs) and
            state-NNNNNN.safetensors (to resume exactly) every --snapshot-every steps and
            at the end, samples-NNNNNN.png (rows: real, teacher, student), log.jsonl
            (losses every 10 steps, the evaluation at each snapshot) and the same as
            TensorBoard events. --resume latest continues the newest snapshot in --out
            with its own settings (give --vgg16 and --lpips again if it used them).

            Examples:
              toon pairs --count 2000 --out pairs.zip
              toon distill --pairs pairs.zip --steps 3000 --out student
              toon distill --pairs pairs.zip --steps 6000 --resume latest --out student
              toon distill --pairs pairs.zip --adversarial 0.05 --vgg16 vgg16.pth \\
                  --lpips vgg.pth --out student
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
    @Option(parsing: .unconditional, help: "Weight of the adversarial loss (0: no critic).") var adversarial: Float = DistillSettings().adversarialWeight
    @Option(parsing: .unconditional, help: "The critic's R1 gamma (with --adversarial).") var r1: Float = DistillSettings().r1Gamma
    @Option(name: .customLong("critic-width"), parsing: .unconditional, help: "The critic's channels at full resolution.")
    var criticWidth: Int = DistillSettings().criticWidth
    @Option(help: ArgumentHelp("torchvision's VGG16 weights (vgg16-397923af.pth), for LPIPS.", valueName: "file")) var vgg16: String?
    @Option(help: ArgumentHelp("The lpips package's weights/v0.1/vgg.pth, for LPIPS.", valueName: "file")) var lpips: String?
    @Option(name: .customLong("lpips-weight"), parsing: .unconditional, help: "Weight of LPIPS (with --vgg16 and --lpips).")
    var lpipsWeight: Float = 1
    @Option(name: .customLong("held-out"), parsing: .unconditional, help: "Share of the pairs kept for evaluation.") var heldOut: Double = 0.05
    @Option(name: .customLong("snapshot-every"), parsing: .unconditional, help: "Steps between snapshots.") var snapshotEvery: Int = 500
    @Option(parsing: .unconditional, help: "Seed of the initial weights and of every step's choices.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("'latest': continue the newest snapshot in --out.", valueName: "latest")) var resume: String?

    func validate() throws {
        if !(1...10_000_000).contains(steps) { throw ValidationError("--steps must be in 1...10000000, not \(steps)") }
        if !(1...1_000_000).contains(snapshotEvery) { throw ValidationError("--snapshot-every must be in 1...1000000, not \(snapshotEvery)") }
        if !(0..<1).contains(heldOut) { throw ValidationError("--held-out must be in 0..<1, not \(heldOut)") }
        if let resume, resume != "latest" { throw ValidationError("--resume takes 'latest', not '\(resume)'") }
        if (vgg16 == nil) != (lpips == nil) { throw ValidationError("LPIPS needs both --vgg16 and --lpips") }
        if let problem = config.problem { throw ValidationError("student: \(problem)") }
        if let problem = settings.problem { throw ValidationError(problem) }
    }

    var config: StudentConfig { StudentConfig(width: width, bridgeBlocks: bridgeBlocks, levels: levels, degreeInput: degreeInput) }

    var settings: DistillSettings {
        var settings = DistillSettings()
        settings.batchSize = batch
        settings.learningRate = lr
        settings.temporalWeight = temporal
        settings.adversarialWeight = adversarial
        settings.r1Gamma = r1
        settings.criticWidth = criticWidth
        settings.lpipsWeight = lpips == nil ? 0 : lpipsWeight
        settings.seed = seed
        return settings
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.readDataset(pairs)
            if let vgg16, let lpips { try plan.read(vgg16); try plan.read(lpips) }
            let data = try PairedDataset(contentsOf: URL(fileURLWithPath: pairs))
            let perceptual = try vgg16.map { try LPIPS.load(vgg16: URL(fileURLWithPath: $0), linear: URL(fileURLWithPath: lpips!)) }
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
                distiller = try DistillCheckpoint.resume(from: folder, step: step, pairs: data, lpips: perceptual)
                print("Resuming \(folder.appendingPathComponent(DistillCheckpoint.studentName(step)).path) at step \(step) with its own settings")
            } else {
                distiller = Distiller(pairs: data, trainingPairs: training, config: config, settings: settings, lpips: perceptual)
            }
            let evaluation = Array(distiller.trainingPairs.upperBound..<data.count)
            let log = DistillLog(folder: folder)
            try log.start()
            let progress = ProgressLine("Distilling", total: steps, unit: "steps")
            var means = LossMeans(), lastLog = Date()
            while distiller.step < steps {
                means.add(distiller.takeStep().named(distiller.settings))
                if distiller.step % 10 == 0 || distiller.step == steps {
                    let seconds = Date().timeIntervalSince(lastLog) / Double(means.count)
                    try log.losses(step: distiller.step, means.values + [("sec_per_step", seconds)])
                    means = LossMeans()
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

    private func snapshot(_ distiller: Distiller, evaluation: [Int], folder: URL, log: DistillLog) throws {
        try DistillCheckpoint.write(distiller, to: folder)
        let shown = evaluation.isEmpty ? Array(distiller.trainingPairs.prefix(4)) : evaluation
        let (result, samples) = try distiller.evaluate(shown, shown: 4)
        let grid = try ImageGrid.compose(samples, rows: samples.count / 3, columns: 3)
        try Image(frame: grid).write(to: folder.appendingPathComponent(DistillCheckpoint.samplesName(distiller.step)))
        guard !evaluation.isEmpty, let e = result else { return }
        try log.evaluation(step: distiller.step, pairs: evaluation.count, e)
        print("step \(distiller.step): SSIM \(String(format: "%.4f", e.ssim)), PSNR \(String(format: "%.2f", e.psnr)) dB, MSE \(String(format: "%.1f", e.mse)) against the teacher on \(evaluation.count) held-out pairs")
    }
}
