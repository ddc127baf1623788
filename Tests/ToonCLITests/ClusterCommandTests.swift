import Foundation
import ToonMetrics
import Testing
import ToonIO
import ToonTestSupport

/// Commands under Open MPI's mpirun, two ranks on this machine (loopback); skipped where mpirun is
/// not installed (scripts/install-deps --tests installs openmpi-bin).
@Suite("toon under mpirun", .enabled(if: Toon.available && MPIRun.executable != nil, "needs the toon executable and Open MPI's mpirun"))
struct ClusterCommandTests {
    @Test("mpirun -np 2 toon pairs writes the file one process writes, byte for byte")
    func pairsSplitAcrossRanks() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = folder.appendingPathComponent("one.zip"), two = folder.appendingPathComponent("two.zip")
        let alone = try Toon.run(["pairs", "--count", "11", "--resolution", "32", "--degree", "0.5,1", "--out", one.path])
        #expect(alone.status == 0, "\(alone.stderr)")
        let job = try MPIRun.toon(ranks: 2, ["pairs", "--count", "11", "--resolution", "32", "--degree", "0.5,1", "--out", two.path])
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.stdout.components(separatedBy: "11 pairs at 32 px").count == 2, "only rank 0 reports: \(job.stdout)")
        #expect(try Data(contentsOf: one) == Data(contentsOf: two))
    }

    /// The formula Inception weights (as MetricsCommandTests writes them): any weights show the split
    /// changes nothing. One thread a process on both sides: the engine's sums are the same whatever
    /// the thread count only where a loop does not split them (docs/distributed.md).
    @Test("mpirun -np 2 toon metrics --metric fid prints one process's value, to the last digit")
    func inceptionMetricsSplitAcrossRanks() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("faces.zip"), weights = folder.appendingPathComponent("formula.pth")
        _ = try Toon.run(["dataset", "synth", "--count", "17", "--resolution", "64", "--style", "anime", "--out", data.path])
        try TorchSave.write(.orderedDict(FIDInception.stateDictShapes.map { ($0.name, .tensor(FormulaWeights.tensor($0.name, $0.shape))) }), to: weights)
        // 17 images a side: two batches, of 16 and 1, one on each rank.
        let arguments = ["metrics", "--metric", "fid", "--data", data.path, "--inception", weights.path, "--num", "17", "--json"]
        let alone = try Toon.run(arguments, environment: ["TOONKIT_THREADS": "1"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let job = try MPIRun.toon(ranks: 2, arguments)
        #expect(job.status == 0, "\(job.stderr)")
        #expect(job.stdout == alone.stdout && alone.stdout.contains("\"num_fake\": 17"), "\(job.stdout) vs \(alone.stdout)")
    }

    @Test("a failing job ends every rank with the failure's line naming the rank, and leaves no file")
    func failureEndsTheJob() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("missing/pairs.zip")
        let job = try MPIRun.toon(ranks: 2, ["pairs", "--count", "4", "--resolution", "32", "--out", out.path])
        #expect(job.status != 0)
        // Both ranks fail; whichever aborts first ends the other before it prints, so either may report.
        let named = ["toon: rank 0: ", "toon: rank 1: "].contains { job.stderr.contains($0) }
        #expect(named && job.stderr.contains("no such file or directory"), "\(job.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let photos = folder.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let unsplit = try MPIRun.toon(ranks: 2, ["pairs", "--from-photos", photos.path, "--aligned", "--out", folder.appendingPathComponent("p.zip").path])
        #expect(unsplit.status != 0 && unsplit.stderr.contains("--from-photos is not split across mpirun's ranks yet"), "\(unsplit.stderr)")
    }

    @Test("a rank killed mid-job ends the job, mpirun names the rank, and the unfinished file is removed")
    func killedRankEndsTheJob() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("pairs.zip")
        let job = try MPIRun.start(ranks: 2, ["pairs", "--count", "100000", "--resolution", "32", "--out", out.path])
        // The ranks are the two processes whose arguments name this job's output.
        var ranks: [Int32] = []
        for _ in 0..<200 where ranks.count < 2 {
            Thread.sleep(forTimeInterval: 0.05)
            ranks = ChildProcesses.matching(out.path).map(\.id).filter { $0 != job.process.processIdentifier }
        }
        try #require(ranks.count == 2, "the two ranks did not start")
        Thread.sleep(forTimeInterval: 1)
        kill(ranks.max()!, SIGKILL)
        let result = job.wait()
        #expect(result.status != 0)
        // (which rank got the higher process id is up to the system)
        #expect(result.stderr.contains("process rank") && result.stderr.contains("signal 9"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing left in the output folder")
    }

    @Test("an Open MPI that cannot be loaded is one line saying how to get it")
    func missingLibrary() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let job = try MPIRun.toon(ranks: 2, ["pairs", "--count", "2", "--out", folder.appendingPathComponent("p.zip").path],
                                  environment: ["TOONKIT_MPI_LIBRARY": "libnot-open-mpi.so"])
        #expect(job.status != 0)
        #expect(job.stderr.contains("toon: started by mpirun, but Open MPI cannot be loaded: libnot-open-mpi.so"), "\(job.stderr)")
    }
}

/// Open MPI's launcher, found on PATH.
enum MPIRun {
    static let executable = ProgramSearch.locate("mpirun")

    /// `mpirun -np ranks toon arguments` on this machine. As root (CI containers) Open MPI wants its
    /// two confirmation variables; --oversubscribe lets two ranks share fewer cores.
    static func toon(ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try start(ranks: ranks, arguments, environment: environment).wait()
    }

    /// `toon(ranks:...)` started, not waited for.
    static func start(ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> RunningCommand {
        var variables = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "TOONKIT_THREADS": "1"]
        variables.merge(environment) { _, given in given }
        let forwarded = variables.keys.sorted().flatMap { ["-x", $0] }
        return try RunningCommand(executable!, ["-np", "\(ranks)", "--oversubscribe"] + forwarded + [Toon.executable.path] + arguments,
                                  environment: variables)
    }
}
