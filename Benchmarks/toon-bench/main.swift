import Foundation
import ToonMetrics
import StyleGAN
import ToonCore
import ToonIO
import Toonify
import Training

// ToonKit's performance harness (kept out of `swift test`: timings are measurements, not checks).
// Usage: toon-bench [gemm|conv|convgrad|convup|filter|generator|train|augment|project|all] [--runs N] [--threads T] [--json]
//                   [--cfg small|tiny|paper256...] [--resolution R] [--batch B]  (train suite: one configuration)
//                   [--aug diffaug|ada] [--augment-p P]   (train suite: augmentation; ADA starting at p, default 1)
//                   [--phases]     (train suite: each phase timed alone, iteration = weighted by its interval)
//                   [--reuse-mb M]  (any suite: ComputeConfiguration.reusableMemoryBytes in MiB; train's
//                                   default is toon train's, ComputeConfiguration.trainingReusableMemoryBytes)
//                   augment [--resolution R] [--batch B] [--augment-p P]   (ADA's pipeline alone, per call)
//                   [--resolution R] [--batch B]   (generator suite: only these configurations)
//                   stylegan3 [--resolution R] [--batch B]   (StyleGAN3-T generators, NVLabs' stylegan3-t
//                                   training config, random weights; the row's peak is the process's RSS)
//                   project [--resolution R]       (projection steps on a config-f network, LPIPS-VGG16)
//                   toonify --resolution R --steps S --photo P   (each stage of toon toonify timed on a config-f
//                                   pair with random weights: load the face models, detect and align, project
//                                   S steps, blend, draw, paste back)
//                   faces --photo P [--upsample N] [--runs N]   (dlib's CNN face detector on the photo, upsample
//                                   0 and 1 or N; Benchmarks/faces_compare.sh runs dlib's beside it)
//                   projection-quality [--runs N] [--steps S] [--w-plus]   (the built-in model's seeds 0..N-1
//                                   projected with pixel MSE + MS-SSIM: PSNR, SSIM and distance in w)
//                   alternate [--runs N]           (config-f 1024 b4, 256 b1 and 512 b2 alone, then taking turns in
//                                   one process: time and fresh pages mapped per call)
//                   [--size S] [--batch B]         (conv, convgrad and convup suites: only these layers)
//                   stylizer [--resolution R] [--batch B] [--model S]   (the student per frame and video end to
//                                   end; random weights of the default size, or the student S at degree 1)
// Prints GFLOP/s (median over runs, after one warm-up) for sgemm and the 3x3 convolutions that
// dominate StyleGAN2; docs/performance.md records results and how to compare with PyTorch.

struct Options {
    var suite = "all"
    var runs = 7
    var threads: Int? = nil
    var json = false
    var resolutions = [256, 1024]
    var batches = [1, 4]
    var sizes: [Int]? = nil
    var trainConfig = "small"
    var augment: TrainingOptions.Augmentation? = nil
    var augmentP: Float = 1
    var phases = false
    var reuseMB: Int? = nil
    var steps = 300
    var wPlus = false
    var photo: String? = nil
    var model: String? = nil
    var upsample = [0, 1]

    init(_ args: [String]) {
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--runs": runs = Int(it.next() ?? "") ?? runs
            case "--threads": threads = Int(it.next() ?? "")
            case "--json": json = true
            case "--resolution": resolutions = [Options.positive(it.next(), a)]
            case "--batch": batches = [Options.positive(it.next(), a)]
            case "--size": sizes = (sizes ?? []) + [Options.positive(it.next(), a)]
            case "--cfg": trainConfig = it.next() ?? trainConfig
            case "--aug":
                guard let choice = it.next().flatMap(TrainingOptions.Augmentation.init(rawValue:)) else {
                    FileHandle.standardError.write("toon-bench: --aug needs diffaug or ada\n".data(using: .utf8)!)
                    exit(64)
                }
                augment = choice
            case "--augment-p": augmentP = Float(it.next() ?? "") ?? augmentP
            case "--phases": phases = true
            case "--reuse-mb": reuseMB = Options.positive(it.next(), a)
            case "--steps": steps = Options.positive(it.next(), a)
            case "--w-plus": wPlus = true
            case "--photo": photo = it.next()
            case "--model": model = it.next()
            case "--upsample": upsample = [Int(it.next() ?? "") ?? 0]
            case "gemm", "conv", "convgrad", "convup", "filter", "generator", "stylegan3", "train", "augment", "project", "projection-quality", "toonify", "stylizer", "faces", "alternate", "all": suite = a
            default:
                FileHandle.standardError.write("toon-bench: unknown argument \(a)\n".data(using: .utf8)!)
                exit(64)
            }
        }
    }

    static func positive(_ value: String?, _ flag: String) -> Int {
        guard let v = value.flatMap({ Int($0) }), v > 0 else {
            FileHandle.standardError.write("toon-bench: \(flag) needs a positive integer\n".data(using: .utf8)!)
            exit(64)
        }
        return v
    }
}

struct Row {
    let name: String
    let flops: Double
    let seconds: [Double]
    var peakMB: Double? = nil
    /// Most fresh pages one call mapped (the alternate suite), in MB.
    var mappedMB: Double? = nil
    var median: Double { seconds.sorted()[seconds.count / 2] }
    var gflops: Double { flops / median / 1e9 }
}

func measure(_ name: String, flops: Double, runs: Int, _ body: () -> Void) -> Row {
    body()  // warm-up: page faults, BLAS thread start, buffer allocation
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return Row(name: name, flops: flops, seconds: times)
}

/// Each training phase run once per round (one warm-up round, then `runs`), a row per phase, and the
/// iteration as NVLabs' schedule weighs them: Gmain + Dmain + G_ema every step, Greg and Dreg once per
/// interval. The peers' per-phase timings (Benchmarks/peers/torch_train.py --phases) use the same rule.
/// Each phase's row also gives the process's peak resident memory during that phase (Linux).
func timedPhases(_ run: inout TrainingRun, name: String, runs: Int, intervals: [String: Int]) -> [Row] {
    var seconds: [String: [Double]] = [:], peakMB: [String: Double] = [:]
    for round in 0...runs {
        run.runEveryPhase { phase, body in
            resetPeakResidentMemory()
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            guard round > 0 else { return }  // the warm-up round
            seconds[phase, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            peakMB[phase] = max(peakMB[phase] ?? 0, peakResidentMegabytes())
        }
    }
    let names = ["Gmain", "Greg", "Dmain", "Dreg", "Gema"]
    let iteration = (0..<runs).map { i in names.reduce(0) { $0 + seconds[$1]![i] / Double(intervals[$1] ?? 1) } }
    return names.map { Row(name: "\(name) \($0)", flops: 0, seconds: seconds[$0]!, peakMB: peakMB[$0]) }
        + [Row(name: "\(name) (per iteration)", flops: 0, seconds: iteration)]
}

/// Starts a new peak of resident memory for this process (VmHWM; Linux's clear_refs "5").
func resetPeakResidentMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// VmHWM from /proc/self/status, in MB (0 where there is none).
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kB = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kB * 1024 / 1e6
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
// Every suite runs with one explicit configuration (TOONKIT_ISA / TOONKIT_GEMM / TOONKIT_THREADS, --threads).
var configuration = ComputeConfiguration.fromEnvironment()
if let t = options.threads { configuration.threads = t }
if options.suite == "train" { configuration = configuration.forTraining }  // as `toon train` runs
if let mb = options.reuseMB { configuration.reusableMemoryBytes = mb << 20 }
let rows: [Row] = configuration.run {
    var rows: [Row] = []

    if options.suite == "gemm" || options.suite == "all" {
        let n = 2048
        let a = Tensor.ones([n, n]), b = Tensor.ones([n, n])
        rows.append(measure("sgemm 2048x2048x2048", flops: 2 * pow(Double(n), 3), runs: options.runs) { _ = a.matmul(b) })
    }

    if options.suite == "conv" || options.suite == "all" {
        // (input channels, output channels, size): the StyleGAN2 config-f 3x3 layers named in the issue.
        let layers = [(512, 512, 4), (512, 512, 8), (512, 512, 16), (512, 512, 32), (512, 512, 64), (256, 128, 256)]
        for batch in options.batches {
            for (cin, cout, size) in layers where options.sizes?.contains(size) ?? true {
                let x = Tensor(repeating: 0.5, shape: [batch, cin, size, size])
                let w = Tensor(repeating: 0.01, shape: [cout, cin, 3, 3])
                let flops = 2.0 * Double(batch * cout * size * size * cin * 9)
                rows.append(measure("conv3x3 \(cin)->\(cout) \(size)px b\(batch)", flops: flops, runs: options.runs) {
                    _ = x.conv2d(w, padding: 1)
                })
            }
        }
    }

    if options.suite == "convgrad" || options.suite == "all" {
        // The input gradient of the same layers (training's backward pass): a transposed convolution
        // with the layer's own weight, stride 1, padding 1; and forward plus both gradients.
        let layers = [(512, 512, 8), (512, 512, 16), (512, 512, 32), (512, 512, 64), (256, 128, 256)]
        for batch in options.batches {
            for (cin, cout, size) in layers where options.sizes?.contains(size) ?? true {
                let gy = Tensor(repeating: 0.5, shape: [batch, cout, size, size])
                let w = Tensor(repeating: 0.01, shape: [cout, cin, 3, 3])
                let flops = 2.0 * Double(batch * cout * size * size * cin * 9)
                rows.append(measure("conv3x3 \(cin)->\(cout) \(size)px b\(batch) dx", flops: flops, runs: options.runs) {
                    _ = gy.transposedConv2d(w, stride: 1, padding: 1)
                })
                // A training step's share: the forward conv and both gradients (3x the FLOPs).
                let x = Tensor(repeating: 0.5, shape: [batch, cin, size, size]).requiringGrad()
                let weight = w.requiringGrad()
                rows.append(measure("conv3x3 \(cin)->\(cout) \(size)px b\(batch) fwd+bwd", flops: 3 * flops, runs: options.runs) {
                    _ = gradients(of: (x.conv2d(weight, padding: 1) * gy).sum(), wrt: [x, weight])
                })
            }
        }
    }

    if options.suite == "convup" || options.suite == "all" {
        // The up layers' stride-2 transposed convolution at inference, as ModulatedConv calls it: the
        // styles scale its input channels and the weight is the [in, out] view of the layer's [out, in] one.
        for batch in options.batches {
            for size in [4, 8, 16, 32, 64] where options.sizes?.contains(size) ?? true {
                let x = Tensor(repeating: 0.5, shape: [batch, 512, size, size])
                let styles = Tensor(repeating: 0.9, shape: [batch, 512])
                let weight = Tensor(repeating: 0.01, shape: [512, 512, 3, 3]).permuted([1, 0, 2, 3])
                let flops = 2.0 * Double(batch * 512 * size * size * 512 * 9)
                rows.append(measure("up conv 512->512 \(size)px b\(batch)", flops: flops, runs: options.runs) {
                    _ = x.transposedConv2d(weight, stride: 2, padding: 0, inputScale: styles)
                })
            }
        }
    }

    if options.suite == "filter" || options.suite == "all" {
        // The FIR after an up layer's transposed conv, then its epilogue: separate ops vs fused, interleaved.
        let filter = setupFilter([1, 3, 3, 1])
        let padding = ResamplePadding(1)
        for (channels, size) in [(64, 513), (32, 1025)] {
            let x = Tensor(repeating: 0.5, shape: [1, channels, size, size])
            let epilogue = ConvEpilogue(noise: Tensor(repeating: 0.1, shape: [size - 1, size - 1]), noiseStrength: 0.5,
                                        bias: Tensor(repeating: 0.2, shape: [channels]), activation: .leakyReLU(slope: 0.2),
                                        gain: Float(2).squareRoot(), clamp: 256)
            var separate: [Double] = [], fused: [Double] = []
            for _ in 0...options.runs {
                separate.append(measure("", flops: 0, runs: 1) {
                    var y = x.upfirdn2d(filter, padding: padding, gain: 4)
                    y.applyEpilogue(epilogue)
                }.seconds[0])
                fused.append(measure("", flops: 0, runs: 1) {
                    _ = x.filtered2d(filter, padding: padding, gain: 4, epilogue: epilogue)
                }.seconds[0])
            }
            rows.append(Row(name: "FIR+epilogue \(channels)x\(size - 1)px separate", flops: 0, seconds: separate))
            rows.append(Row(name: "FIR+epilogue \(channels)x\(size - 1)px fused", flops: 0, seconds: fused))
        }
    }

    if options.suite == "generator" || options.suite == "all" {
        // Config-f generators (NVLabs defaults) with random weights, noise const, as the peers are timed.
        for resolution in options.resolutions {
            let config = GeneratorConfig(imageResolution: resolution)
            let generator = try! Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
            for batch in options.batches {
                let z = Tensor.randomNormal(shape: [batch, 512], seed: 0)
                let row = measure("G config-f \(resolution) b\(batch) (per image)", flops: 0, runs: options.runs) {
                    _ = generator(z: z)
                }
                rows.append(Row(name: row.name, flops: 0, seconds: row.seconds.map { $0 / Double(batch) }))
            }
        }
    }

    if options.suite == "stylegan3" {
        // StyleGAN3-T as NVLabs' train.py builds it for --cfg=stylegan3-t (z = w = 512, 2 mapping
        // layers, channel_base 32768, channel_max 512, conv_clamp 256), random weights, as
        // Benchmarks/peers/torch_stylegan3.py times the official code. Weights do not change the work.
        for resolution in options.resolutions {
            var config = GeneratorConfig(imageResolution: resolution, mappingLayers: 2, mappingFeatures: 512, embedFeatures: 512,
                                         convClamp: 256)
            config.aliasFree = AliasFreeConfig()
            let generator = try! Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
            for batch in options.batches {
                let z = Tensor.randomNormal(shape: [batch, 512], seed: 0)
                var row = measure("G stylegan3-t \(resolution) b\(batch) (per image)", flops: 0, runs: options.runs) {
                    _ = generator(z: z)
                }
                row = Row(name: row.name, flops: 0, seconds: row.seconds.map { $0 / Double(batch) })
                row.peakMB = peakResidentMegabytes()  // the whole process so far, as the peer's ru_maxrss
                rows.append(row)
            }
        }
    }

    if options.suite == "augment" {
        // ADA's pipeline on random images: the forward pass (D's phases) and forward + backward (Gmain, R1).
        let pipe = AugmentPipe(seed: 1)
        for resolution in options.resolutions {
            for batch in options.batches {
                let images = Tensor.randomUniform(shape: [batch, 3, resolution, resolution], in: -1..<1, seed: 3)
                var step = 0
                rows.append(measure("ada \(resolution) b\(batch) p\(options.augmentP) forward", flops: 0, runs: options.runs) {
                    step += 1
                    _ = withoutGradients { pipe(images, probability: options.augmentP, step: step, call: 0) }
                })
                rows.append(measure("ada \(resolution) b\(batch) p\(options.augmentP) fwd+bwd", flops: 0, runs: options.runs) {
                    step += 1
                    let leaf = images.requiringGrad()
                    _ = gradients(of: pipe(leaf, probability: options.augmentP, step: step, call: 0).sum(), wrt: [leaf])
                })
            }
        }
    }

    if options.suite == "project" {
        // NVLabs' projector on a config-f network with random weights, LPIPS-VGG16 with random weights:
        // each step timed from the previous one's end (the first step is the warm-up).
        let lpips = LPIPS.random()
        for resolution in options.resolutions {
            let config = GeneratorConfig(imageResolution: resolution)
            let generator = try! Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
            var settings = ProjectionSettings()
            settings.steps = options.runs + 1
            settings.wAverageSamples = 1000
            let projector = try! Projector(generator: generator, objective: .lpips(lpips), settings: settings)
            let target = Tensor.randomUniform(shape: [1, 3, resolution, resolution], in: -1..<1, seed: 3)
            var marks = [DispatchTime.now().uptimeNanoseconds]
            _ = try! projector.project(target) { _ in marks.append(DispatchTime.now().uptimeNanoseconds) }
            let seconds = zip(marks.dropFirst(), marks).map { Double($0 - $1) / 1e9 }.dropFirst()
            rows.append(Row(name: "project config-f \(resolution) (per step)", flops: 0, seconds: Array(seconds)))
        }
    }

    if options.suite == "projection-quality" {
        projectionQuality(options)
        exit(0)
    }

    if options.suite == "toonify" {
        rows += toonifyStages(options)
    }

    if options.suite == "stylizer" {
        rows += stylizerFrames(options)
        rows += distillSteps(options)
    }

    if options.suite == "alternate" {
        rows += alternatingGenerators(options)
    }

    if options.suite == "faces" {
        rows += faceDetection(options)
    }

    if options.suite == "train" {
        // Training iterations (Gmain + Dmain, Greg and Dreg amortised on their schedule) on random images.
        // A measured run is dRegInterval (16) steps, which holds 4 Greg and 1 Dreg; reported per step.
        guard let preset = TrainingPreset(rawValue: options.trainConfig) else {
            FileHandle.standardError.write("toon-bench: unknown --cfg \(options.trainConfig)\n".data(using: .utf8)!)
            exit(64)
        }
        for resolution in options.resolutions {
            for batch in options.batches {
                var training = preset.options(resolution: resolution, batch: batch, kimg: 1e6, seed: 1)
                training.discriminator.mbstdGroupSize = min(training.discriminator.mbstdGroupSize, batch)
                training.augment = options.augment
                // ADA starts at p; its adjustments over a measured run add up to under 0.01.
                var state = TrainingState.initial(training)
                if options.augment == .ada { state.augmentP = options.augmentP }
                let images = Tensor.randomUniform(shape: [64, 3, resolution, resolution], in: -1..<1, seed: 3)
                var run = try! TrainingRun(options: training, data: InMemoryImages(images), directory: URL(fileURLWithPath: "/nonexistent"),
                                           state: state)
                let name = "train \(preset.rawValue) \(resolution) b\(batch)"
                if options.phases {
                    rows += timedPhases(&run, name: name, runs: options.runs,
                                        intervals: ["Greg": training.gRegInterval, "Dreg": training.dRegInterval])
                    continue
                }
                let steps = training.dRegInterval
                let augmentName = options.augment.map { " \($0.rawValue)" + ($0 == .ada ? " p\(options.augmentP)" : "") } ?? ""
                let row = measure("\(name)\(augmentName) (per step)", flops: 0, runs: options.runs) {
                    run.runSteps(steps)
                }
                rows.append(Row(name: row.name, flops: 0, seconds: row.seconds.map { $0 / Double(steps) }))
            }
        }
    }
    return rows
}

if options.json {
    let objects = rows.map { row in
        var object: [String: Any] = ["name": row.name, "gflops": row.gflops, "median_ms": row.median * 1e3]
        if let peak = row.peakMB { object["phase_peak_rss_mb"] = peak }
        if let mapped = row.mappedMB { object["most_fresh_mb_per_call"] = mapped }
        return object
    }
    let data = try! JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
    print(String(data: data, encoding: .utf8)!)
} else {
    print("threads \(configuration.threads), instructions \(min(configuration.instructionSet, .supported))")
    for r in rows {
        let rate = r.flops > 0 ? String(format: "  %7.1f GFLOP/s", r.gflops) : ""
        let peak = r.peakMB.map { String(format: "  peak %6.0f MB", $0) } ?? ""
        let mapped = r.mappedMB.map { String(format: "  fresh %6.0f MB", $0) } ?? ""
        print(r.name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%9.2f ms", r.median * 1e3) + rate + peak + mapped)
    }
}
