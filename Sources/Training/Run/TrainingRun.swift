import Foundation
import ToonMetrics
import StyleGAN
import ToonCore
import ToonIO
import ToonNN

/// One training run in its folder: the step loop, and per tick a log line, a sample grid and (every
/// `snapshotTicks` and at the end) a snapshot. Files are written whole or not at all.
public struct TrainingRun {
    public let directory: URL
    public let options: TrainingOptions
    public private(set) var state: TrainingState
    let phases: TrainingPhases
    let data: any TrainingImages
    let order: DataOrder
    private var orderCache: (epoch: Int, order: [Int])?
    /// The reals' side of the snapshot metric, gathered at the first snapshot.
    private var swdEvaluation: SWDEvaluation?
    /// pytorch-fid's Inception network, which FID at snapshots (`options.fidImages`) needs.
    public var inception: FIDInception?
    /// The reals' Inception statistics, gathered at the first snapshot that measures FID.
    private var fidReals: FeatureStatistics?
    /// Whether this rank took its share of the reals' features (rank 0 keeps them in `fidReals`).
    private var fidRealsGathered = false
    /// The reals shown in reals.png, whose labels the fakes grids use in a conditional run.
    let grid: SnapshotGrid

    /// A run in `directory` (created if missing) from `state` (fresh, resumed or transferred);
    /// `parallel` spreads every batch over a job's ranks (docs/distributed.md), of which only rank 0
    /// writes files.
    public init(options: TrainingOptions, data: any TrainingImages, directory: URL, state: TrainingState,
                parallel: DataParallel = .single) throws(TrainingError) {
        try options.validate()
        guard data.resolution == options.generator.imageResolution, data.channels == options.generator.imageChannels else {
            throw .config("the data has \(data.channels)-channel \(data.resolution)px images, the networks \(options.generator.imageChannels)-channel \(options.generator.imageResolution)px")
        }
        guard data.count > 0 else { throw .config("the data has no images") }
        if options.fidImages != nil, data.count < 2 { throw .config("FID needs 2 or more real images; the data has 1") }
        let conditional = options.generator.cDim > 0
        guard !conditional || data.labelDimension == options.generator.cDim else {
            throw .config("the networks are conditional on \(options.generator.cDim) labels, the data has \(data.labelDimension == 0 ? "none" : "\(data.labelDimension)")")
        }
        self.options = options
        self.data = data
        self.directory = directory
        self.state = state
        // Without conditioning the labels are not read, as NVLabs ignores them without --cond.
        let labels = conditional ? data.labels(Array(0..<data.count)) : nil
        phases = try TrainingPhases(options: options, initialGenerator: state.generator, labels: labels, parallel: parallel)
        order = DataOrder(count: data.count, mirror: options.mirror, random: phases.random)
        grid = SnapshotGrid(imageCount: data.count, labels: labels, cells: options.gridSeeds.count, columns: SnapshotGrid.columns)
    }

    public var isFinished: Bool { state.imagesSeen >= options.totalImages }

    /// Whether this process writes the run's files and reports ticks (rank 0, or a process alone).
    public var isRoot: Bool { phases.parallel.isRoot }

    /// Writes `training_options.json` and the grid of reals; called once when a run starts.
    public func prepareDirectory(extra: [String: String] = [:]) throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrainingError(url: directory, .config("cannot create the run folder: \(SystemErrorText.reason(error))"))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var json = try! JSONSerialization.jsonObject(with: try! encoder.encode(options)) as! [String: Any]
        for (k, v) in extra { json[k] = v }
        let data = try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .prettyPrinted])
        do {
            try AtomicFile.write(data, to: directory.appendingPathComponent("training_options.json"))
            try writeRealsGrid()
        } catch { throw TrainingError(error) }
    }

    /// Runs steps until the run is done or `shouldStop` says so, calling `report` after each tick
    /// and `stepDone` after each step. Under data parallelism `shouldStop` must answer the same on
    /// every rank; only rank 0 writes (the others count ticks).
    public mutating func run(report: (TickReport) -> Void = { _ in }, stepDone: (TrainingState) -> Void = { _ in },
                             shouldStop: () -> Bool = { false }) throws(TrainingError) {
        var statistics = TickStatistics()
        let events = TensorBoardEvents(folder: directory)
        if isRoot { do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try events.start(wallTime: Date().timeIntervalSince1970)
        } catch {
            throw TrainingError(url: events.url, .snapshot("cannot write the TensorBoard log: \(SystemErrorText.reason(error))"))
        } }
        var tickStart = Date()
        var tickStartImages = state.imagesSeen
        while !isFinished && !shouldStop() {
            trainStep(&statistics)
            stepDone(state)
            let tickEnd = (state.tick + 1) * options.tickImages
            guard state.imagesSeen >= tickEnd || isFinished else { continue }
            state.tick += 1
            let seconds = Date().timeIntervalSince(tickStart)
            var snapshot: URL? = nil
            if state.tick % options.snapshotTicks == 0 || isFinished {
                snapshot = directory.appendingPathComponent(RunDirectory.snapshotName(imagesSeen: state.imagesSeen))
                if isRoot { try TrainingSnapshot.write(state, options: options, to: snapshot!) }
                // Every rank measures its share; rank 0 gets the values.
                if let n = options.swdImages, let swd = try measureSWD(images: n) { statistics.record(measured: swd) }
                if let n = options.fidImages, let fid = try measureFID(images: n) { statistics.record(measured: ["fid": fid]) }
            }
            guard isRoot else { continue }
            if options.augment == .ada { statistics.record(measured: ["augment": Double(state.augmentP)]) }
            try writeFakesGrid()
            let images = Double(state.imagesSeen - tickStartImages)
            let tick = TickReport(tick: state.tick, kimg: Double(state.imagesSeen) / 1000, totalKimg: options.totalKimg,
                                  secondsPerKimg: images > 0 ? seconds / images * 1000 : 0, tickSeconds: seconds,
                                  means: statistics.means, maxResidentMB: maxResidentMegabytes(), snapshot: snapshot)
            try appendLog(tick.jsonLine)
            do {
                try events.append(step: state.imagesSeen / 1000, wallTime: Date().timeIntervalSince1970, scalars: tick.scalars)
            } catch {
                throw TrainingError(url: events.url, .snapshot("cannot write the TensorBoard log: \(SystemErrorText.reason(error))"))
            }
            report(tick)
            statistics = TickStatistics()
            tickStart = Date()
            tickStartImages = state.imagesSeen
        }
    }

    /// `count` steps with no ticks, logs or snapshots (for benchmarks and experiments).
    public mutating func runSteps(_ count: Int) {
        var statistics = TickStatistics()
        for _ in 0..<count { trainStep(&statistics) }
    }

    /// One step with every phase (Gmain, Greg, Dmain, Dreg, G_ema) run once whatever the schedule, each
    /// through `each(name, phase)`, which must call `phase()` once: for benchmarks that time (or measure)
    /// the phases alone and weigh them by their intervals, as the peers' per-phase timings do.
    public mutating func runEveryPhase(_ each: (String, () -> Void) -> Void) {
        let (reals, realLabels) = nextReals()
        each("Gmain") { _ = phases.generatorMain(&state) }
        each("Greg") { _ = phases.generatorRegularization(&state) }
        each("Dmain") { _ = phases.discriminatorMain(&state, reals: reals, realLabels: realLabels) }
        each("Dreg") { _ = phases.discriminatorRegularization(&state, reals: reals, realLabels: realLabels) }
        each("Gema") { phases.updateEMA(&state) }
        state.imagesSeen += options.batch
        state.step += 1
    }

    /// This step's real images (mirrored where the order says so) and their labels.
    private mutating func nextReals() -> (images: Tensor, labels: Tensor?) {
        let items = phases.parallel.share(order.items(from: state.step * options.batch, count: options.batch, cache: &orderCache))
        let reals = data.batch(items.map(\.index), mirrored: items.map(\.mirrored))
        return (reals, phases.generatedLabels == nil ? nil : data.labels(items.map(\.index)))
    }

    /// One batch: Gmain, Greg (every gRegInterval), Dmain, Dreg (every dRegInterval), then G_ema.
    mutating func trainStep(_ statistics: inout TickStatistics) {
        let (reals, realLabels) = nextReals()
        if options.generator.isStyleGAN1 {
            phases.styleGAN1Step(&state, reals: reals, realLabels: realLabels, statistics: &statistics)
            state.imagesSeen += options.batch
            state.step += 1
            return
        }
        statistics.add("loss_G", phases.generatorMain(&state))
        if options.plWeight > 0 && state.step % options.gRegInterval == 0 {
            statistics.add("pl", phases.generatorRegularization(&state))
        }
        let d = phases.discriminatorMain(&state, reals: reals, realLabels: realLabels)
        statistics.add("loss_D", d.loss)
        statistics.add("D_real", d.real)
        statistics.add("D_fake", d.fake)
        if options.r1Gamma > 0 && state.step % options.dRegInterval == 0 {
            statistics.add("r1", phases.discriminatorRegularization(&state, reals: reals, realLabels: realLabels))
        }
        phases.updateEMA(&state)
        state.imagesSeen += options.batch
        state.step += 1
        phases.adjustAugmentProbability(&state)
    }

    /// SWD of G_ema against the data, by name (swd64, ..., swd_mean); nil on ranks other than 0.
    private mutating func measureSWD(images: Int) throws(TrainingError) -> [String: Double]? {
        guard data.resolution >= 16 else { return [:] }  // its pyramid stops at 16 px
        if swdEvaluation == nil { swdEvaluation = SWDEvaluation(data: data, count: images, parallel: phases.parallel) }
        let evaluation = swdEvaluation!
        guard let distances = evaluation.evaluate(try generatorEMA(), labelData: data, parallel: phases.parallel) else { return nil }
        var named = Dictionary(uniqueKeysWithValues: zip(evaluation.levelResolutions.map { "swd\($0)" }, distances))
        named["swd_mean"] = distances.last
        return named
    }

    /// FID of G_ema's images (seeds 0..<n) against the data's first n (all of it when fewer); nil on
    /// ranks other than 0.
    private mutating func measureFID(images n: Int) throws(TrainingError) -> Double? {
        guard let inception else { throw .config("this run measures FID at snapshots: it needs pytorch-fid's Inception weights") }
        let dimensions = FIDInception.dimensions
        if !fidRealsGathered {
            let reals = InceptionFeatures.reals(data, count: min(n, data.count), network: inception, parallel: phases.parallel)
            fidReals = reals.map { FeatureStatistics(features: $0, dimensions: dimensions) }
            fidRealsGathered = true
        }
        let fakes = InceptionFeatures.generated(by: try generatorEMA(), count: n, network: inception, labelData: data, parallel: phases.parallel)
        guard let fakes, let fidReals else { return nil }
        return FrechetDistance.distance(fidReals, FeatureStatistics(features: fakes, dimensions: dimensions))
    }

    /// The current G_ema as a generator.
    public func generatorEMA() throws(TrainingError) -> Generator {
        do { return try Generator(config: options.generator, parameters: state.generatorEMA) } catch { throw TrainingError(error) }
    }

    private func writeFakesGrid() throws(TrainingError) {
        let name = String(format: "fakes%06d.png", state.imagesSeen / 1000)
        let g = try generatorEMA()
        let frames: [RGBFrame?]
        do {
            frames = try options.gridSeeds.enumerated().map { cell, seed throws(ToonIOError) -> RGBFrame? in
                let z = Tensor.randomNormal(shape: [1, options.generator.zDim], seed: seed)
                return try RGBFrame(tensor: g(z: z, c: grid.labels(cell: cell, data: data)))
            }
        } catch { throw TrainingError(error) }
        try writeGrid(frames, to: directory.appendingPathComponent(name))
    }

    private func writeRealsGrid() throws(ToonIOError) {
        let frames = try grid.indices.map { i throws(ToonIOError) -> RGBFrame? in try RGBFrame(tensor: data.batch([i], mirrored: [false])) }
        do { try writeGrid(frames, to: directory.appendingPathComponent("reals.png")) } catch {
            throw ToonIOError(url: directory, .write(.failed(error.description)))
        }
    }

    private func writeGrid(_ frames: [RGBFrame?], to url: URL) throws(TrainingError) {
        let columns = min(SnapshotGrid.columns, max(frames.count, 1))
        let rows = (frames.count + columns - 1) / columns
        do {
            let grid = try ImageGrid.compose(frames, rows: rows, columns: columns)
            try Image(frame: grid).write(to: url)
        } catch { throw TrainingError(error) }
    }

    /// Appends one tick's line to log.jsonl, creating it on the first tick.
    private func appendLog(_ line: String) throws(TrainingError) {
        let url = directory.appendingPathComponent("log.jsonl")
        if let reason = AppendedLine.append(line, to: url) {
            throw TrainingError(url: url, .snapshot("cannot append to the log: \(reason)"))
        }
    }
}
