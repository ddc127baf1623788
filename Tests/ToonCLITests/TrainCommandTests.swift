import Foundation
import Testing
import ToonMetrics
import ToonIO
import ToonTestSupport

@Suite("toon train", .enabled(if: Toon.available, "the toon executable is not built"), .serialized)
struct TrainCommandTests {
    /// A 16 px synthetic set and the arguments of a tiny run on it (tick 8 images, snapshot every tick).
    func tinySetup(kimg: String = "0.048") throws -> (folder: URL, arguments: [String]) {
        let folder = Toon.temporaryFolder()
        let data = folder.appendingPathComponent("faces16.zip")
        let made = try Toon.run(["dataset", "synth", "--count", "12", "--resolution", "16", "--style", "flat", "--out", data.path])
        #expect(made.status == 0, "\(made.stderr)")
        return (folder, ["train", "--data", data.path, "--cfg", "tiny", "--batch", "4", "--kimg", kimg, "--tick", "0.008",
                         "--snap", "1", "--mirror", "--seed", "5"])
    }

    func runFolders(_ root: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted().map { root.appendingPathComponent($0) }
    }

    @Test("a run writes NVLabs' run folder, and its snapshot generates images")
    func runFolder() throws {
        let (folder, arguments) = try tinySetup(kimg: "0.016")
        let runs = folder.appendingPathComponent("runs")
        let result = try Toon.run(arguments + ["--outdir", runs.path])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(runFolders(runs).first)
        #expect(run.lastPathComponent == "00000-faces16-tiny")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: run.path))
        #expect(Set(files.filter { !$0.hasPrefix("events.out.tfevents.") }) ==
                Set(["training_options.json", "log.jsonl", "reals.png", "fakes000000.png", "network-snapshot-000000.safetensors"]))
        #expect(files.filter { $0.hasPrefix("events.out.tfevents.") }.count == 1, "one TensorBoard event file")
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(log.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(log[0].utf8)) as? [String: Any]
        #expect(first?["tick"] as? Int == 1 && first?["loss_G"] is Double && first?["sec_per_kimg"] is Double)
        #expect((first?["swd_mean"] as? Double ?? -1) > 0, "the snapshot's SWD is logged")
        #expect(result.stdout.contains("tick 2"))

        let out = folder.appendingPathComponent("out")
        let generated = try Toon.run(["generate", "--network", run.appendingPathComponent("network-snapshot-000000.safetensors").path,
                                      "--seeds", "0-1", "--outdir", out.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        let image = try Image.decode(try Data(contentsOf: out.appendingPathComponent("seed0001.png")).map { $0 })
        #expect(image.width == 16 && image.height == 16)

        let info = try Toon.run(["info", run.appendingPathComponent("network-snapshot-000000.safetensors").path])
        #expect(info.status == 0 && info.stdout.contains("ToonKit training snapshot") && info.stdout.contains("of 0.016 kimg, step 4, tick 2")
                && info.stdout.contains("cfg tiny, batch 4"), "\(info.stdout)")
        let metrics = try Toon.run(["metrics", "--metric", "swd", "--network", run.appendingPathComponent("network-snapshot-000000.safetensors").path,
                                    "--data", arguments[2], "--num", "16", "--json"])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        let swd = try JSONSerialization.jsonObject(with: Data(metrics.stdout.utf8)) as? [String: Any]
        #expect((swd?["swd16"] as? Double ?? -1) > 0 && swd?["num"] as? Int == 12)
    }

    @Test("killed at random moments (SIGKILL) and resumed, a run ends bit-identical to one never stopped",
          arguments: [0.0, 0.15, 0.4])
    func killAndResume(delay: Double) throws {
        let (folder, arguments) = try tinySetup()
        let straight = folder.appendingPathComponent("straight"), interrupted = folder.appendingPathComponent("interrupted")
        #expect(try Toon.run(arguments + ["--outdir", straight.path]).status == 0)

        // Start the same run, wait for its first snapshot, then kill it without warning.
        let process = Process()
        process.executableURL = Toon.executable
        process.arguments = arguments + ["--outdir", interrupted.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline && !hasSnapshot(interrupted) { usleep(2_000) }
        usleep(UInt32(delay * 1_000_000))
        let killedEarly = process.isRunning
        if delay == 0 { #expect(killedEarly, "the run ended before it could be killed") }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let resumed = try Toon.run(arguments + ["--outdir", interrupted.path, "--resume", "latest"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        if killedEarly { #expect(resumed.stdout.contains("Resuming")) }
        let name = "network-snapshot-000000.safetensors"
        let a = try Data(contentsOf: runFolders(straight)[0].appendingPathComponent(name))
        let b = try Data(contentsOf: runFolders(interrupted)[0].appendingPathComponent(name))
        #expect(a == b, "the final snapshots differ")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: runFolders(interrupted)[0].path).contains { $0.contains("partial") })
    }

    @Test("Ctrl-C finishes the step, writes a snapshot, exits 128 + signal, and the run resumes from it", arguments: [SIGINT, SIGTERM])
    func gracefulStop(signal: Int32) throws {
        let (folder, arguments) = try tinySetup(kimg: "1")
        let runs = folder.appendingPathComponent("runs")
        let process = Process()
        process.executableURL = Toon.executable
        process.arguments = arguments + ["--outdir", runs.path, "--metrics", "none"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline && !hasSnapshot(runs) { usleep(2_000) }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 128 + signal, "\(printed)")
        #expect(printed.contains("Continue with --resume latest"))
        let run = runFolders(runs)[0]
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix("network-snapshot-") }
        #expect(!snapshots.isEmpty)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: run.path).contains { $0.contains("partial") })
        let resumed = try Toon.run(arguments + ["--outdir", runs.path, "--resume", "latest", "--kimg", "0.064", "--metrics", "none"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Resuming"))
    }

    func hasSnapshot(_ root: URL) -> Bool {
        runFolders(root).contains { run in
            ((try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []).contains { $0.hasPrefix("network-snapshot-") && $0.hasSuffix(".safetensors") }
        }
    }

    @Test("without --network, generate uses the built-in model")
    func builtInModel() throws {
        let out = Toon.temporaryFolder()
        let result = try Toon.run(["generate", "--seeds", "0-1", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let image = try Image.decode(try Data(contentsOf: out.appendingPathComponent("seed0000.png")).map { $0 })
        #expect(image.width == 64 && image.height == 64 && image.channels == 3)
    }

    @Test("--resume latest with no run says so", arguments: [["--resume", "latest"]])
    func resumeWithoutRun(extra: [String]) throws {
        let (folder, arguments) = try tinySetup()
        let result = try Toon.run(arguments + ["--outdir", folder.appendingPathComponent("none").path] + extra)
        #expect(result.status == 64, "a usage problem")
        #expect(result.stderr.contains("no run with a snapshot to resume"))
    }

    @Test("--aug ada --target trains with ADA, logs p each tick, and keeps both options in the run and its snapshot")
    func adaptiveAugmentation() throws {
        let (folder, arguments) = try tinySetup(kimg: "0.016")
        let runs = folder.appendingPathComponent("runs")
        let result = try Toon.run(arguments + ["--outdir", runs.path, "--aug", "ada", "--target", "0.7", "--metrics", "none"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(runFolders(runs).first)
        let options = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("training_options.json"))) as? [String: Any]
        #expect(options?["augment"] as? String == "ada" && (options?["adaTarget"] as? Double).map { abs($0 - 0.7) < 1e-6 } == true)
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        for line in log {
            let tick = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect((tick?["augment"] as? Double).map { $0 >= 0 } == true, "no augment p in \(line)")
        }
        let info = try Toon.run(["info", run.appendingPathComponent("network-snapshot-000000.safetensors").path])
        #expect(info.stdout.contains("aug ada (target 0.7, p "), "\(info.stdout)")
    }

    @Test("--target needs --aug ada and a value in 0...1", arguments: [["--target", "0.5"], ["--aug", "ada", "--target", "1.5"]])
    func targetChecked(extra: [String]) throws {
        let folder = Toon.temporaryFolder()
        let result = try Toon.run(["train", "--data", folder.appendingPathComponent("none.zip").path, "--outdir", folder.path] + extra)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--target"), "\(result.stderr)")
    }

    @Test("--metrics swd,fid logs FID at every snapshot; resuming such a run asks for the weights again")
    func fidAtSnapshots() throws {
        let (folder, arguments) = try tinySetup(kimg: "0.016")
        let runs = folder.appendingPathComponent("runs"), weights = folder.appendingPathComponent("formula.pth")
        try TorchSave.write(.orderedDict(FIDInception.stateDictShapes.map { ($0.name, .tensor(FormulaWeights.tensor($0.name, $0.shape))) }), to: weights)
        let result = try Toon.run(arguments + ["--outdir", runs.path, "--metrics", "swd,fid", "--inception", weights.path, "--fid-images", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(runFolders(runs).first)
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(log.count == 2)
        for line in log {
            let tick = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let fid = tick?["fid"] as? Double ?? -1
            #expect(fid > 0 && fid.isFinite && tick?["swd_mean"] is Double, "\(line)")
        }
        #expect(result.stdout.contains("  fid "), "\(result.stdout)")
        let resumed = try Toon.run(arguments + ["--outdir", runs.path, "--resume", "latest", "--kimg", "0.024"])
        #expect(resumed.status == 64 && resumed.stderr.contains("pass --inception"), "\(resumed.stderr)")
    }

    @Test("--metrics takes swd, fid, both or none; fid needs --inception, which needs fid",
          arguments: [(["--metrics", "fid"], "--metrics fid needs --inception"),
                      (["--metrics", "swd,swd"], "--metrics"), (["--metrics", "ssim"], "--metrics"),
                      (["--inception", "w.pth"], "go with --metrics fid"),
                      (["--metrics", "fid", "--inception", "w.pth", "--fid-images", "1"], "--fid-images must be in 2...1000000")])
    func metricsChecked(extra: [String], message: String) throws {
        let folder = Toon.temporaryFolder()
        let result = try Toon.run(["train", "--data", folder.appendingPathComponent("none.zip").path, "--outdir", folder.path] + extra)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

@Suite("toon train --resume FILE", .enabled(if: Toon.available && SharedFixtures.available, "needs the toon executable and shared/fixtures"))
struct TrainTransferTests {
    @Test("fine-tunes an NVLabs pickle: G from the file, D from the file, Freeze-D keeps the first layers")
    func transferFromNVLabsPickle() throws {
        let folder = Toon.temporaryFolder()
        let data = folder.appendingPathComponent("faces64.zip")
        #expect(try Toon.run(["dataset", "synth", "--count", "8", "--resolution", "64", "--style", "anime", "--out", data.path]).status == 0)
        let pickle = Toon.fixture("nvlabs/nv_ada_64.pkl")
        let runs = folder.appendingPathComponent("runs")
        let result = try Toon.run(["train", "--data", data.path, "--outdir", runs.path, "--cfg", "tiny", "--batch", "4",
                                   "--kimg", "0.008", "--tick", "0.008", "--resume", pickle, "--freeze-d", "2", "--metrics", "none"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let snapshot = try SafeTensorsFile(url: runs.appendingPathComponent(run).appendingPathComponent("network-snapshot-000000.safetensors"))
        let original = try ForeignCheckpoint.load(from: URL(fileURLWithPath: pickle))
        let d = try #require(original.networks["D"])
        // Freeze-D 2: fromrgb and conv0 of the 64 px block stay; conv1 trained.
        for name in ["b64.fromrgb.weight", "b64.conv0.weight"] {
            #expect(try snapshot.tensor("D." + name).scalars == d[name]!.scalars, "\(name) changed")
        }
        #expect(try snapshot.tensor("D.b64.conv1.weight").scalars != d["b64.conv1.weight"]!.scalars)
        // G started from the file's G_ema: same architecture (z 128, 64 px).
        #expect(try snapshot.tensor("G.mapping.fc0.weight").shape == [128, 128])
    }
}

@Suite("toon train and metrics check their files first", .enabled(if: Toon.available, "the toon executable is not built"))
struct TrainPlanTests {
    @Test("a FIFO as the dataset is refused without being opened")
    func fifoData() throws {
        let folder = Toon.temporaryFolder()
        let fifo = folder.appendingPathComponent("data.zip").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try Toon.run(["train", "--data", fifo, "--outdir", folder.appendingPathComponent("runs").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path), "nothing created")
        let metrics = try Toon.run(["metrics", "--metric", "swd", "--data", fifo])
        #expect(metrics.status == 1 && metrics.stderr.contains("not a regular file"), "\(metrics.stderr)")
    }

    @Test("8 px images train (no SWD below 16 px)")
    func smallestImages() throws {
        let folder = Toon.temporaryFolder()
        let data = folder.appendingPathComponent("d8.zip")
        #expect(try Toon.run(["dataset", "synth", "--count", "4", "--resolution", "8", "--style", "flat", "--out", data.path]).status == 0)
        let result = try Toon.run(["train", "--data", data.path, "--outdir", folder.appendingPathComponent("runs").path,
                                   "--cfg", "tiny", "--kimg", "0.004", "--tick", "0.004"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("an --outdir that is a file is refused")
    func outdirIsAFile() throws {
        let folder = Toon.temporaryFolder()
        let file = folder.appendingPathComponent("runs")
        try Data("x".utf8).write(to: file)
        let data = folder.appendingPathComponent("d.zip")
        #expect(try Toon.run(["dataset", "synth", "--count", "4", "--resolution", "16", "--style", "flat", "--out", data.path]).status == 0)
        let result = try Toon.run(["train", "--data", data.path, "--outdir", file.path, "--cfg", "tiny"])
        #expect(result.status == 1 && result.stderr.contains("not a directory"), "\(result.stderr)")
    }
}
