import Foundation
import Testing
import ToonIO
import ToonTestSupport

/// `toon train` under mpirun (data-parallel, docs/distributed.md), two ranks of one thread each on
/// loopback, against one process of one thread. The nets are `--cfg tiny` at 16 px, batch 4 (two
/// minibatch-stddev groups of 2, one pair of samples per rank), DiffAugment on, so every phase,
/// both regularisers (they run at step 0) and the per-image draws are split.
@Suite("toon train under mpirun", .serialized,
       .enabled(if: Toon.available && MPIRun.executable != nil, "needs the toon executable and Open MPI's mpirun"))
struct TrainClusterCommandTests {
    /// 4 steps (0.016 kimg), a snapshot at each tick of 2 steps.
    static let steps = ["--cfg", "tiny", "--batch", "4", "--tick", "0.008", "--snap", "1", "--aug", "diffaug", "--seed", "3"]
    /// `steps` for a conditional run (the synthetic set's 32 labels) with ADA and mirrored images.
    static let conditionalSteps = ["--cfg", "tiny", "--batch", "4", "--tick", "0.008", "--snap", "1", "--aug", "ada", "--cond",
                                   "--mirror", "--seed", "5"]

    func dataset(in folder: URL) throws -> URL {
        let data = folder.appendingPathComponent("faces16.zip")
        let made = try Toon.run(["dataset", "synth", "--count", "12", "--resolution", "16", "--style", "flat", "--out", data.path])
        #expect(made.status == 0, "\(made.stderr)")
        return data
    }

    /// The newest snapshot of the only run under `root`.
    func snapshot(_ root: URL, kimg: Int = 0) throws -> URL {
        let runs = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        #expect(runs.count == 1, "one run folder: \(runs)")
        return root.appendingPathComponent(runs[0]).appendingPathComponent(String(format: "network-snapshot-%06d.safetensors", kimg))
    }

    /// Whether a run under `root` has written a snapshot.
    func hasSnapshot(_ root: URL) -> Bool {
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return runs.contains { run in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(run).path)) ?? [])
                .contains { $0.hasPrefix("network-snapshot-") && $0.hasSuffix(".safetensors") }
        }
    }

    /// |a - b| / |b| over every tensor whose name starts with `prefix`, as one vector.
    func relativeDifference(_ a: URL, _ b: URL, prefix: String) throws -> Double {
        let (x, y) = (try SafeTensorsFile(url: a).tensors(), try SafeTensorsFile(url: b).tensors())
        var difference = 0.0, norm = 0.0
        for (name, t) in y where name.hasPrefix(prefix) {
            guard let other = x[name] else { continue }
            for (p, q) in zip(other.scalars, t.scalars) {
                difference += Double(p - q) * Double(p - q)
                norm += Double(q) * Double(q)
            }
        }
        return (difference / norm).squareRoot()
    }

    /// |a - b| / |b| for every tensor of two snapshots (G, G_ema, D and the optimizers' moments).
    func relativeDifferences(_ a: URL, _ b: URL) throws -> [String: Double] {
        let (x, y) = (try SafeTensorsFile(url: a).tensors(), try SafeTensorsFile(url: b).tensors())
        #expect(Set(x.keys) == Set(y.keys))
        var out: [String: Double] = [:]
        for (name, t) in y {
            guard let other = x[name] else { continue }
            let (p, q) = (other.scalars, t.scalars)
            let difference = zip(p, q).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
            let norm = q.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            out[name] = norm > 0 ? difference / norm : difference
        }
        return out
    }

    /// Summation order is all that differs (two shards' sums added, against one sum; each shard's
    /// features differ from the whole batch's in the last bit, ~1e-7). Whole networks then agree to
    /// ~1e-8 and most tensors to 1e-6, but a few small ones amplify rounding: the scalar noise
    /// strengths (starting at 0, their gradient a sum of zero-mean terms that cancel) and D's biases
    /// (R1 reaches them only through minibatch-stddev's second derivative); Adam's normalised steps
    /// carry those relative errors into the weights. Measured worst over seeds and data: 5.8e-5 for a
    /// noise strength, 1.2e-5 for a D bias; so 1e-4 tensor by tensor, 1e-6 per network (docs/distributed.md).
    @Test("after 4 steps a 2-rank run's weights equal a 1-rank run's: each network within 1e-6 relative in norm, each tensor within 1e-4",
          arguments: [steps, conditionalSteps])
    func twoRanksMatchOne(steps: [String]) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try dataset(in: folder)
        let (one, two) = (folder.appendingPathComponent("one"), folder.appendingPathComponent("two"))
        let arguments = ["train", "--data", data.path, "--kimg", "0.016", "--metrics", "none"] + steps
        let alone = try Toon.run(arguments + ["--outdir", one.path], environment: ["TOONKIT_THREADS": "1"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let job = try MPIRun.toon(ranks: 2, arguments + ["--outdir", two.path])
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.stdout.components(separatedBy: "Starting").count == 2 && job.stdout.contains("over 2 ranks"), "rank 0 alone reports: \(job.stdout)")
        #expect(job.stdout.contains("all-reduce"), "\(job.stdout)")
        try expectClose(try snapshot(two), try snapshot(one))
    }

    /// The tolerances of `twoRanksMatchOne`: each of G, G_ema and D within 1e-6 relative in norm, and
    /// every tensor (optimizer moments too) within 1e-4.
    /// `loose` names tensors allowed 1e-3 instead, with the reason where they are named.
    func expectClose(_ a: URL, _ b: URL, loose: Set<String> = []) throws {
        let all = try relativeDifferences(a, b)
        #expect(all.count > 100)
        for name in loose { #expect(try #require(all[name], "no tensor \(name)") < 1e-3, "\(name): \(all[name]!)") }
        let differences = all.filter { !loose.contains($0.key) }
        let worst = try #require(differences.max { $0.value < $1.value })
        #expect(worst.value < 1e-4, "worst tensor \(worst.key): \(worst.value)")
        for network in ["G.", "G_ema.", "D."] {
            let difference = try relativeDifference(a, b, prefix: network)
            #expect(difference < 1e-6, "\(network): \(difference)")
        }
    }

    @Test("a 2-rank run is reproducible bit for bit, snapshots and the SWD its ranks measure together")
    func twoRanksReproducible() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try dataset(in: folder)
        let arguments = ["train", "--data", data.path, "--kimg", "0.016"] + Self.steps
        var snapshots: [Data] = [], swd: [[Double]] = []
        for name in ["a", "b"] {
            let root = folder.appendingPathComponent(name)
            let job = try MPIRun.toon(ranks: 2, arguments + ["--outdir", root.path])
            #expect(job.status == 0, "\(job.stderr)")
            let file = try snapshot(root)
            snapshots.append(try Data(contentsOf: file))
            let log = try String(contentsOf: file.deletingLastPathComponent().appendingPathComponent("log.jsonl"), encoding: .utf8)
            swd.append(log.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["swd_mean"] as? Double
            })
        }
        #expect(snapshots[0] == snapshots[1], "the snapshots differ")
        #expect(swd[0].count == 2 && swd[0] == swd[1], "\(swd)")
    }

    @Test("a run of 2 ranks resumes as 1 process and ends as close to a run of 1 process throughout as twoRanksMatchOne asks")
    func resumeWithFewerRanks() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try dataset(in: folder)
        let (straight, resumed) = (folder.appendingPathComponent("straight"), folder.appendingPathComponent("resumed"))
        let arguments = ["train", "--data", data.path, "--metrics", "none"] + Self.steps
        let environment = ["TOONKIT_THREADS": "1"]
        #expect(try Toon.run(arguments + ["--kimg", "0.032", "--outdir", straight.path], environment: environment).status == 0)
        let first = try MPIRun.toon(ranks: 2, arguments + ["--kimg", "0.016", "--outdir", resumed.path])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try Toon.run(arguments + ["--kimg", "0.032", "--outdir", resumed.path, "--resume", "latest"], environment: environment)
        #expect(second.status == 0 && second.stdout.contains("Resuming"), "\(second.stderr)")
        try expectClose(try snapshot(resumed), try snapshot(straight))
    }

    /// As a batch system stopping a job does (or Ctrl-C to the terminal's process group): each rank
    /// gets SIGTERM, not necessarily during the same step.
    @Test("SIGTERM to every rank: they stop after the same step, rank 0 writes a snapshot, and the run resumes")
    func gracefulStopOfTheJob() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try dataset(in: folder)
        let root = folder.appendingPathComponent("runs")
        let arguments = ["train", "--data", data.path, "--metrics", "none", "--outdir", root.path, "--cfg", "tiny", "--batch", "4",
                         "--tick", "0.008", "--snap", "1000", "--seed", "3"]
        let job = try MPIRun.start(ranks: 2, arguments + ["--kimg", "100"])
        func ticked() -> Bool {
            let runs = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            return runs.contains { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("log.jsonl").path) }
        }
        var deadline = Date().addingTimeInterval(120)
        while Date() < deadline && job.process.isRunning && !ticked() { Thread.sleep(forTimeInterval: 0.05) }
        let ranks = ChildProcesses.matching(root.path).map(\.id).filter { $0 != job.process.processIdentifier }
        defer { if job.process.isRunning { for rank in ranks { kill(rank, SIGKILL) } } }
        try #require(ticked() && ranks.count == 2, "the job wrote no tick")
        for rank in ranks { kill(rank, SIGTERM) }
        deadline = Date().addingTimeInterval(60)
        while Date() < deadline && job.process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        try #require(!job.process.isRunning, "the ranks did not stop")
        let result = job.wait()
        #expect(result.stdout.contains("Stopped at") && result.stdout.contains("Continue with --resume latest"), "\(result.stdout)\n\(result.stderr)")
        #expect(hasSnapshot(root))
        let resumed = try Toon.run(arguments + ["--kimg", "0.016", "--resume", "latest"])
        #expect(resumed.status == 0 && resumed.stdout.contains("Resuming"), "\(resumed.stderr)")
    }

    @Test("a batch that does not split over the ranks is one line naming both")
    func batchMustSplit() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try dataset(in: folder)
        let job = try MPIRun.toon(ranks: 2, ["train", "--data", data.path, "--outdir", folder.appendingPathComponent("runs").path,
                                             "--cfg", "tiny", "--batch", "2", "--kimg", "0.008"])
        #expect(job.status != 0)
        #expect(job.stderr.contains("batch 2 does not split over 2 ranks"), "\(job.stderr)")
    }

    /// The v1 recipe (D_basic, R1 in every D step, no path length) over 2 ranks, batch 8: D_basic's
    /// minibatch-stddev groups of 4 stay whole on each rank. The same tolerances as StyleGAN2's, but
    /// for the constant input's bias: instance normalisation follows it (after the leaky ReLU), so
    /// its gradient is a small remainder of cancelling terms and Adam's normalised step carries the
    /// summation order's rounding into it. One process on 1 and on 2 threads already differ there by
    /// 8.5e-5 relative; 2 ranks by 3.5e-4, every other tensor by at most 1.6e-6; so 1e-3 for it.
    @Test("a StyleGAN (v1) pickle continued over 2 ranks ends as a 1-process run does, within twoRanksMatchOne's tolerances")
    func styleGAN1TwoRanksMatchOne() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try dataset(in: folder)
        let (one, two) = (folder.appendingPathComponent("one"), folder.appendingPathComponent("two"))
        let arguments = ["train", "--resume", StyleGAN1TrainCommandTests.fixtures.appendingPathComponent("c16.pkl").path,
                         "--data", data.path, "--batch", "8", "--kimg", "0.032", "--tick", "0.016", "--snap", "1",
                         "--metrics", "none", "--seed", "3"]
        let alone = try Toon.run(arguments + ["--outdir", one.path], environment: ["TOONKIT_THREADS": "1"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let job = try MPIRun.toon(ranks: 2, arguments + ["--outdir", two.path])
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.stdout.contains("over 2 ranks"), "\(job.stdout)")
        try expectClose(try snapshot(two), try snapshot(one), loose: ["G.synthesis.b4.input.bias"])
    }

    @Test("a rank killed mid-run ends the job, mpirun names the rank, and the last snapshot resumes")
    func killedRankKeepsTheSnapshot() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try dataset(in: folder)
        let root = folder.appendingPathComponent("runs")
        let arguments = ["train", "--data", data.path, "--metrics", "none", "--outdir", root.path] + Self.steps
        let job = try MPIRun.start(ranks: 2, arguments + ["--kimg", "100"])
        let deadline = Date().addingTimeInterval(120)
        var ranks: [Int32] = []
        while Date() < deadline {
            ranks = ChildProcesses.matching(root.path).map(\.id).filter { $0 != job.process.processIdentifier }
            if ranks.count == 2, hasSnapshot(root) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(ranks.count == 2, "the two ranks did not start")
        kill(ranks.max()!, SIGKILL)
        let result = job.wait()
        #expect(result.status != 0)
        #expect(result.stderr.contains("process rank") && result.stderr.contains("signal 9"), "\(result.stderr)")
        let resumed = try Toon.run(arguments + ["--kimg", "0.024", "--resume", "latest"])
        #expect(resumed.status == 0 && resumed.stdout.contains("Resuming"), "\(resumed.stderr)")
    }
}
