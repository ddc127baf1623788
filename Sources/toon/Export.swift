import ArgumentParser
import BuiltInModels
import Foundation
import Stylizer
import ToonIO

/// `toon export`: a distilled student as a standard ONNX file or a Core ML package for other runtimes.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a distilled student (toon distill) as ONNX or Core ML, for other runtimes.",
        discussion: """
            --format onnx writes an ONNX model (opset 17): input "image" [N, 3, H, W] in
            [-1, 1] (H and W divisible by 2^levels, 8 by default), for a degree-input
            student also "degree" [N]; output "stylized" [N, 3, H, W]. onnxruntime
            computes the same images as toon stylize to within 1e-4 (docs/stylizer.md).

            --format coreml writes an ML Program package (.mlpackage folder, Core ML 6:
            iOS 16 / macOS 13) for one image of --size WxH: input "image" [1, 3, H, W]
            (and "degree" [1]), output "stylized" [1, 3, H, W], as multiarrays; several
            --size options make a package that takes any of them (enumerated shapes). It
            is written without Apple's tools; docs/stylizer.md says what was checked.
            Without --model, the built-in student.

            Examples:
              toon export --model student/student-003000.safetensors --format onnx \\
                  --out student.onnx
              toon export --model student/student-003000.safetensors --format coreml \\
                  --size 256x256 --out student.mlpackage
              toon export --format coreml --size 256x256 --size 512x512 --size 640x480 \\
                  --out student.mlpackage
              toon export --format coreml --out student.mlpackage  (the built-in student)
            """
    )

    enum Format: String, ExpressibleByArgument { case onnx, coreml }

    @Option(help: ArgumentHelp("The student (toon distill's student-N.safetensors); without it, the built-in one.", valueName: "file"))
    var model: String?
    @Option(help: "Output format.") var format: Format = .onnx
    @Option(help: ArgumentHelp("Output file (.onnx) or package folder (.mlpackage).", valueName: "path")) var out: String
    @Option(help: ArgumentHelp("Core ML only: an image size the package takes, WxH (default 256x256); repeat it for several (the first is the default).",
                               valueName: "WxH"))
    var size: [String] = []

    func validate() throws {
        let suffix = format == .onnx ? "onnx" : "mlpackage"
        if URL(fileURLWithPath: out).pathExtension.lowercased() != suffix { throw ValidationError("--out must end in .\(suffix) for --format \(format.rawValue)") }
        if format == .coreml, let bad = size.first(where: { Self.dimensions($0) == nil }) { throw ValidationError("--size must be WxH, e.g. 256x256, not \(bad)") }
        if format == .onnx && !size.isEmpty { throw ValidationError("--size is for --format coreml (ONNX files take any size)") }
    }

    /// Width and height of a WxH text.
    static func dimensions(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else { return nil }
        return (width, height)
    }

    func run() throws {
        try reportingFailures {
            guard let model = model ?? BuiltInStudent.url?.path else { throw RunFailure("\(BuiltInStudent.StudentUnavailable())") }
            var plan = RunPlan()
            try plan.read(model)
            if format == .onnx { try plan.write(out) }
            let student = try StudentModel.read(from: URL(fileURLWithPath: model))
            switch format {
            case .onnx:
                try student.writeONNX(to: URL(fileURLWithPath: out))
                print("\(out): ONNX opset 17, input image [N, 3, H, W]\(student.config.degreeInput ? " and degree [N]" : ""), sides divisible by \(1 << student.config.levels)")
            case .coreml:
                let sizes = (size.isEmpty ? ["256x256"] : size).map { Self.dimensions($0)! }
                for (width, height) in sizes {
                    if let problem = student.coreMLSizeProblem(height: height, width: width) { throw UsageProblem("--size: \(problem)") }
                }
                try student.writeCoreML(to: URL(fileURLWithPath: out), sizes: sizes.map { ($0.height, $0.width) })
                let shapes = sizes.map { "[1, 3, \($0.height), \($0.width)]" }.joined(separator: " or ")
                print("\(out): Core ML ML Program (iOS 16 / macOS 13), input image \(shapes)\(student.config.degreeInput ? " and degree [1]" : "")")
            }
        }
    }
}
