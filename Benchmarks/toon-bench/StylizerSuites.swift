import Foundation
import ToonCore
import ToonIO
import ToonNN
import Stylizer

// The stylizer suite of toon-bench: the student network's frames per second (inference, batch 1)
// at the sizes video runs at, with random weights (or the student of --model, at degree 1); then
// whole videos (decode, stylize, encode with the audio copied) per frame.

func stylizerFrames(_ options: Options) -> [Row] {
    let model: StudentModel
    if let path = options.model {
        do { model = try StudentModel.read(from: URL(fileURLWithPath: path)) } catch {
            FileHandle.standardError.write("toon-bench: \(error)\n".data(using: .utf8)!)
            exit(1)
        }
    } else {
        model = StudentModel.initial(StudentConfig(), seed: 1)
    }
    let network = options.resolutions.map { side in
        let frame = Tensor.randomUniform(shape: [1, 3, side, side], in: -1..<1, seed: 2)
        return measure("student \(side) (per frame)", flops: 0, runs: options.runs) {
            _ = model.stylize(frame, degree: 1)
        }
    }
    return network + options.resolutions.compactMap { stylizedVideo(model, side: $0, runs: min(options.runs, 3)) }
}

/// `toon stylize` full frame on a 2-second 30 fps testsrc2 clip with a sine track, per frame; nil
/// (with a note) without ffmpeg.
private func stylizedVideo(_ model: StudentModel, side: Int, runs: Int) -> Row? {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toon-bench-video-\(getpid())")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("clip.mp4"), output = folder.appendingPathComponent("toon.mp4")
    let make = Process()
    make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    make.arguments = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(side)x\(side):rate=30:duration=2",
                      "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", input.path]
    guard (try? make.run()) != nil else { print("stylizer: no ffmpeg, video rows skipped"); return nil }
    make.waitUntilExit()
    guard make.terminationStatus == 0 else { print("stylizer: ffmpeg could not make the test clip"); return nil }
    let job = VideoStylization(student: model)
    var frames = 1
    var row = measure("video \(side) end to end (per frame)", flops: 0, runs: runs) {
        frames = (try? job.run(input: input, output: output).frames) ?? 1
    }
    row = Row(name: row.name, flops: 0, seconds: row.seconds.map { $0 / Double(frames) })
    return row
}
