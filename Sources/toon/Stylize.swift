import ArgumentParser
import Foundation
import Stylizer
import ToonCore
import ToonIO

/// `toon stylize`: a photo through a distilled student (toon distill).
struct Stylize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stylize a photo with a distilled student (toon distill), in one pass.",
        discussion: """
            The student runs over the whole picture (it is fully convolutional); EXIF
            orientation is honoured. A picture larger than --max-side is scaled down
            to it first. Video and face-only mode come next (docs/stylizer.md).

            Examples:
              toon stylize --model student/student-003000.safetensors photo.jpg --out toon.png
              toon stylize --model s.safetensors photo.jpg --degree 0.6 --out toon.jpg
            """
    )

    @Option(help: ArgumentHelp("The student (toon distill's student-N.safetensors).", valueName: "file")) var model: String
    @Argument(help: ArgumentHelp("The photo: PNG or JPEG.", valueName: "photo"), completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var photo: String
    @Option(parsing: .unconditional, help: "Degree of toonification, for a student made with --degree-input.") var degree: Float?
    @Option(name: .customLong("max-side"), parsing: .unconditional, help: "Larger pictures are scaled down to this side first.")
    var maxSide: Int = 2048
    @Option(help: ArgumentHelp("Output picture (.png, .jpg).", valueName: "file")) var out: String

    func validate() throws {
        if let degree, !(degree.isFinite && (0...1).contains(degree)) { throw ValidationError("--degree must be in 0...1, not \(degree)") }
        if !(16...16384).contains(maxSide) { throw ValidationError("--max-side must be in 16...16384, not \(maxSide)") }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        if !["png", "jpg", "jpeg"].contains(ext) { throw ValidationError("--out must end in .png, .jpg or .jpeg") }
        if ["mp4", "mov", "webm", "mkv"].contains(URL(fileURLWithPath: photo).pathExtension.lowercased()) {
            throw ValidationError("video input is not supported yet: give a PNG or JPEG photo")
        }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.read(model)
            try plan.read(photo)
            try plan.write(out)
            let student = try StudentModel.read(from: URL(fileURLWithPath: model))
            if degree != nil && !student.config.degreeInput {
                throw UsageProblem("\(model): this student has no degree input (distil it with --degree-input for a slider)")
            }
            var image = try Image.readUpright(from: URL(fileURLWithPath: photo))
            let longest = max(image.width, image.height)
            if longest > maxSide {
                let scale = Double(maxSide) / Double(longest)
                image = image.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                                      height: max(1, Int((Double(image.height) * scale).rounded())))
            }
            try plan.requireMemory(student.frameBytes(width: image.width, height: image.height),
                                   for: "stylizing a \(image.width)x\(image.height) picture", hint: "lower --max-side")
            let result = try student.stylize(image, degree: degree)
            try result.write(to: URL(fileURLWithPath: out))
            print("\(out): \(result.width)x\(result.height), stylized by \(URL(fileURLWithPath: model).lastPathComponent)")
        }
    }
}
