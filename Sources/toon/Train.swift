import ArgumentParser
import Datasets
import Foundation
import ToonMetrics
import StyleGAN
import ToonCore
import Training

/// `toon train`: StyleGAN2 training in NVLabs' run-folder layout, with exact resume.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a StyleGAN2 generator on a dataset (NVLabs' recipe; exact resume).",
        discussion: """
            Each run writes RUNS/00000-<data>-<cfg>/: training_options.json,
            log.jsonl (a line per tick), reals.png, fakes<kimg>.png from fixed
            seeds, TensorBoard events and network-snapshot-<kimg>.safetensors
            (G, G_ema, D, optimizer state, counters). A snapshot is a generator
            file for `toon generate`.

            --resume latest continues the newest run in RUNS where it stopped and
            ends with the weights of a run never stopped. --resume FILE starts a
            new run from a snapshot, or fine-tunes a generator from any file
            toon reads (D from NVLabs pickles, else fresh). An original StyleGAN
            (v1) pickle continues with v1's recipe and D_basic at its full
            resolution (lod 0); see docs/stylegan1.md.

            --cond trains a conditional G and D on the labels in the dataset's
            dataset.json (one-hot classes or float vectors, as NVLabs stores them);
            without it labels are ignored. Generate a class with
            `toon generate --network SNAPSHOT --class K`.

            Ctrl-C finishes the current step, writes a snapshot and exits with
            status 130 (143 for SIGTERM); a second one stops at once.

            Under `mpirun -np N` the run is data-parallel (docs/distributed.md):
            each rank takes every Nth image of each batch, gradients are summed
            across ranks, and rank 0 alone writes; the batch must be a multiple
            of N x the minibatch-stddev group. A run resumes with any N.

            Examples:
              toon dataset synth --count 20000 --resolution 64 \\
                  --style anime --out anime64.zip
              toon train --data anime64.zip --outdir runs --cfg small \\
                  --kimg 200 --mirror
              toon train --data anime64.zip --outdir runs --resume latest
            """
    )

    @Option(help: ArgumentHelp("Dataset: an NVLabs zip or a folder of square images.", valueName: "path")) var data: String
    @Option(help: ArgumentHelp("Folder of run folders (created if missing).", valueName: "dir")) var outdir: String
    @Option(help: "Configuration: \(TrainingPreset.allCases.map(\.rawValue).joined(separator: ", ")).") var cfg: String = "auto"
    @Option(help: "Images per step (default: the configuration's).") var batch: Int?
    @Option(help: "R1 weight gamma (default: the configuration's).") var gamma: Float?
    @Option(help: "Length of the run in thousands of images (fractions allowed; default 25000).") var kimg: Double?
    @Option(help: "Thousands of images per tick: log line and sample grid.") var tick: Double = 4
    @Option(help: "A snapshot every this many ticks (and at the end).") var snap: Int = 50
    @Flag(help: "Add left-right mirrored copies of the images.") var mirror = false
    @Flag(help: "Condition G and D on the dataset's labels (dataset.json), as NVLabs' --cond=1.") var cond = false
    @Option(help: """
        Augment what D sees: none; diffaug (colour, translation, cutout, always on); or ada (NVLabs' adaptive \
        geometric and colour pipeline, its probability tuned to --target; for sets of a few thousand images or fewer).
        """)
    var aug: AugmentChoice = .none
    enum AugmentChoice: String, ExpressibleByArgument, CaseIterable { case none, diffaug, ada }
    @Option(help: "With --aug ada: the target for the mean sign of D's real logits (ADA's r_t, -1...1); p rises while r_t is above it (default 0.6, NVLabs').")
    var target: Float?
    @Option(name: .customLong("freeze-d"), help: ArgumentHelp("Freeze-D: keep D's first N layers fixed (transfer learning).", valueName: "N"))
    var freezeD: Int?
    @Option(help: ArgumentHelp("""
        Measured at each snapshot, into log.jsonl and TensorBoard, comma-separated: swd (sliced Wasserstein \
        distance of 512 images), fid (pytorch-fid's FID of --fid-images a side; needs --inception), or none.
        """, valueName: "swd,fid|none"))
    var metrics: SnapshotMetrics = SnapshotMetrics(swd: true, fid: false)
    @Option(help: ArgumentHelp("With --metrics fid: pytorch-fid's Inception weights, pt_inception-2015-12-05-6726825d.pth.", valueName: "file"),
            completion: .file(extensions: ["pth"]))
    var inception: String?
    @Option(name: .customLong("fid-images"), help: "With --metrics fid: generated and real images a side (default 1000; reals: at most the data's).")
    var fidImages: Int?
    @Option(help: ArgumentHelp("'latest' (continue the newest run in --outdir), or a snapshot or generator file.", valueName: "latest|file"))
    var resume: String?
    @Option(help: "Seed of everything random in the run.") var seed: UInt64 = 0
    @Option(name: .customLong("bucket-mb"), help: ArgumentHelp("Under mpirun: megabytes of gradients summed per all-reduce call (default 16).", valueName: "MB"))
    var bucketMB: Double?

    func validate() throws {
        guard TrainingPreset(rawValue: cfg) != nil else { throw ValidationError("--cfg must be one of \(TrainingPreset.allCases.map(\.rawValue).joined(separator: ", ")), not '\(cfg)'") }
        if let batch, !(1...4096).contains(batch) { throw ValidationError("--batch must be in 1...4096, not \(batch)") }
        if let gamma, !(gamma >= 0 && gamma.isFinite) { throw ValidationError("--gamma must be a number of 0 or more") }
        if let kimg, !(kimg > 0 && kimg.isFinite) { throw ValidationError("--kimg must be a number above 0") }
        if let target {
            guard aug == .ada else { throw ValidationError("--target is for --aug ada") }
            guard target >= 0 && target <= 1 else { throw ValidationError("--target must be a number in 0...1, not \(target)") }
        }
        guard tick > 0, tick.isFinite else { throw ValidationError("--tick must be a number above 0") }
        guard snap >= 1 else { throw ValidationError("--snap must be at least 1") }
        guard !outdir.isEmpty else { throw ValidationError("--outdir must name a folder") }
        if let freezeD, freezeD < 0 { throw ValidationError("--freeze-d must be 0 or more") }
        if metrics.fid && inception == nil { throw ValidationError("--metrics fid needs --inception FILE (pytorch-fid's pt_inception-2015-12-05-6726825d.pth)") }
        if !metrics.fid && (inception != nil || fidImages != nil) { throw ValidationError("--inception and --fid-images go with --metrics fid") }
        if let fidImages, !(2...1_000_000).contains(fidImages) { throw ValidationError("--fid-images must be in 2...1000000, not \(fidImages)") }
        if let bucketMB, !(bucketMB >= 0.001 && bucketMB <= 4096) { throw ValidationError("--bucket-mb must be in 0.001...4096") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.readDataset(data)
            if let resume, resume != "latest" { try plan.read(resume) }
            if let inception { try plan.read(inception) }
            try plan.writeFolder(outdir, names: [])
            let dataset = try ImageDataset(contentsOf: URL(fileURLWithPath: data))
            let root = URL(fileURLWithPath: outdir)
            let ranks = ClusterJob.world.flatMap { $0.size > 1 ? MPITrainingRanks($0) : nil }
            let bucketBytes = bucketMB.map { Int($0 * 1_048_576) } ?? DataParallel.defaultBucketBytes
            var (trainingRun, resumed) = try makeRun(dataset: dataset, root: root, parallel: DataParallel(ranks: ranks, bucketBytes: bucketBytes))
            // Every rank has named the run folder before rank 0 creates it (a later look would see it taken).
            try ranks?.world.barrier()
            if let inception { trainingRun.inception = try FIDInception.load(from: URL(fileURLWithPath: inception)) }
            if trainingRun.options.fidImages != nil && trainingRun.inception == nil {
                throw UsageProblem("this run measures FID at snapshots: pass --inception FILE (pytorch-fid's weights)")
            }
            if !resumed && trainingRun.isRoot {
                try trainingRun.prepareDirectory(extra: ["dataset": data, "command": CommandLine.arguments.joined(separator: " ")])
            }
            Interrupts.allowGracefulStop()
            let progress = ProgressLine("Training", total: trainingRun.options.totalImages)
            let labels = trainingRun.options.generator.cDim > 0 ? ", conditional on \(trainingRun.options.generator.cDim) labels" : ""
            if trainingRun.isRoot { say("\(resumed ? "Resuming" : "Starting") \(trainingRun.directory.path) at \(kimgText(trainingRun.state.imagesSeen)) kimg: \(dataset.count) images of \(dataset.resolution)px, cfg \(trainingRun.options.configName), batch \(trainingRun.options.batch)\(labels)\(ranks.map { " over \($0.size) ranks" } ?? "")") }
            let stepsBefore = trainingRun.state.step, start = Date(), isRoot = trainingRun.isRoot
            var stopped = false
            try ComputeConfiguration.current.forTraining.run {
                try trainingRun.run(
                    report: { tick in
                        guard isRoot else { return }
                        progress.clear()
                        say(tickLine(tick))
                    },
                    stepDone: { state in progress.update(state.imagesSeen) },
                    // Ranks stop after the same step: a signal may reach them at different times.
                    shouldStop: {
                        stopped = ranks?.anyRank(Interrupts.isStopRequested) ?? Interrupts.isStopRequested
                        return stopped
                    })
            }
            if let ranks, trainingRun.isRoot {
                say(reductionLine(ranks, steps: trainingRun.state.step - stepsBefore, seconds: Date().timeIntervalSince(start)))
            }
            guard stopped else {
                if trainingRun.isRoot { progress.finish("Trained \(kimgText(trainingRun.options.totalImages)) kimg") }
                return
            }
            if trainingRun.isRoot {
                let url = trainingRun.directory.appendingPathComponent(RunDirectory.snapshotName(imagesSeen: trainingRun.state.imagesSeen))
                try TrainingSnapshot.write(trainingRun.state, options: trainingRun.options, to: url)
                progress.clear()
                say("Stopped at \(kimgText(trainingRun.state.imagesSeen)) kimg; wrote \(url.lastPathComponent). Continue with --resume latest.")
            }
            // mpirun ends the whole job as soon as one rank exits non-zero: no rank leaves with the stop
            // status before rank 0 has written its snapshot (a failed write ends rank 0, and so the job).
            try ranks?.world.barrier()
            throw ExitCode(Interrupts.stopExitStatus)
        }
    }

    /// The run to carry on: resumed in place, from a file, or fresh.
    private func makeRun(dataset: ImageDataset, root: URL, parallel: DataParallel) throws -> (TrainingRun, resumed: Bool) {
        guard let preset = TrainingPreset(rawValue: cfg) else { throw ValidationError("unknown --cfg \(cfg)") }
        var options = preset.options(resolution: dataset.resolution, batch: batch, gamma: gamma, kimg: kimg ?? 25000,
                                     tickKimg: tick, snapshotTicks: snap, mirror: mirror, seed: seed)
        options.augment = switch aug {
        case .none: nil
        case .diffaug: .diffaug
        case .ada: .ada
        }
        options.adaTarget = target
        options.swdImages = metrics.swd ? 512 : nil
        options.fidImages = metrics.fid ? (fidImages ?? 1000) : nil
        options.freezeDiscriminatorLayers = freezeD
        if cond {
            guard dataset.labelDimension > 0 else {
                throw UsageProblem("\(data): --cond needs labels, and this dataset has no dataset.json labels")
            }
            options.generator.cDim = dataset.labelDimension
            options.discriminator.cDim = dataset.labelDimension
        }
        let source: TrainingStart.Source = switch resume {
        case nil: .fresh
        case "latest": .latest
        case let path?: .file(URL(fileURLWithPath: path))
        }
        if case .latest = source, RunDirectory.latestSnapshot(under: root) == nil {
            throw UsageProblem("\(outdir): no run with a snapshot to resume")
        }
        let made = try TrainingStart.run(source, options: options, kimg: kimg, data: dataset, dataName: dataset.name, root: root,
                                         batch: batch, gamma: gamma, parallel: parallel)
        // A resumed network keeps its own architecture; --cond cannot add labels to an unconditional one.
        if cond && made.run.options.generator.cDim == 0 {
            throw UsageProblem("\(resume ?? data): --cond, but the network resumed from it is unconditional")
        }
        return made
    }

    private func tickLine(_ t: TickReport) -> String {
        let m = t.means
        func f(_ key: String) -> String { m[key].map { String(format: "%.3f", $0) } ?? "-" }
        var line = String(format: "tick %-4d kimg %-8.1f", t.tick, t.kimg)
        line += "loss G \(f("loss_G")) D \(f("loss_D"))  R1 \(f("r1"))  pl \(f("pl"))  "
        line += String(format: "sec/kimg %.1f  maxrss %.0f MB", t.secondsPerKimg, t.maxResidentMB)
        if let swd = m["swd_mean"] { line += String(format: "  swd %.2f", swd) }
        if let fid = m["fid"] { line += String(format: "  fid %.2f", fid) }
        if let s = t.snapshot { line += "  -> \(s.lastPathComponent)" }
        return line
    }

    /// What the all-reduce cost over `steps` steps: its bytes a step and its share of the time.
    private func reductionLine(_ ranks: MPITrainingRanks, steps: Int, seconds: Double) -> String {
        let perStep = steps > 0 ? Double(ranks.floatsReduced * 4) / Double(steps) / 1_048_576 : 0
        return String(format: "%d ranks, %d steps: %.2f s a step, all-reduce %.3f MB a step, %.1f%% of the time",
                      ranks.size, steps, seconds / Double(max(steps, 1)), perStep, 100 * ranks.secondsReducing / max(seconds, 1e-9))
    }

    private func kimgText(_ images: Int) -> String { String(format: "%.1f", Double(images) / 1000) }
}

/// A line on stdout, flushed at once so logs of long runs are current.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// `--metrics`: which metrics each snapshot measures, e.g. "swd", "swd,fid" or "none".
struct SnapshotMetrics: ExpressibleByArgument {
    var swd: Bool
    var fid: Bool

    init(swd: Bool, fid: Bool) {
        (self.swd, self.fid) = (swd, fid)
    }

    init?(argument: String) {
        let names = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if names == ["none"] { self.init(swd: false, fid: false); return }
        guard names.allSatisfy({ $0 == "swd" || $0 == "fid" }), Set(names).count == names.count else { return nil }
        self.init(swd: names.contains("swd"), fid: names.contains("fid"))
    }

    var defaultValueDescription: String { [swd ? "swd" : nil, fid ? "fid" : nil].compactMap { $0 }.joined(separator: ",") }
}
