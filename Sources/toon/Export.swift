import ArgumentParser
import Foundation
import Stylizer
import ToonIO

/// `toon export`: a distilled student as a standard ONNX file for other runtimes.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a distilled student (toon distill) as ONNX, for onnxruntime and mobile runtimes.",
        discussion: """
            Writes an ONNX model (opset 17): input "image" [N, 3, H, W] in [-1, 1] (H and
            W divisible by 2^levels, 8 by default), for a degree-input student also
            "degree" [N]; output "stylized" [N, 3, H, W]. onnxruntime computes the same
            images as toon stylize to within 1e-4 (docs/stylizer.md).

            Example:
              toon export --model student/student-003000.safetensors --format onnx --out student.onnx
            """
    )

    enum Format: String, ExpressibleByArgument { case onnx }

    @Option(help: ArgumentHelp("The student (toon distill's student-N.safetensors).", valueName: "file")) var model: String
    @Option(help: "Output format.") var format: Format = .onnx
    @Option(help: ArgumentHelp("Output file (.onnx).", valueName: "file")) var out: String

    func validate() throws {
        if URL(fileURLWithPath: out).pathExtension.lowercased() != "onnx" { throw ValidationError("--out must end in .onnx") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.read(model)
            try plan.write(out)
            let student = try StudentModel.read(from: URL(fileURLWithPath: model))
            try student.writeONNX(to: URL(fileURLWithPath: out))
            print("\(out): ONNX opset 17, input image [N, 3, H, W]\(student.config.degreeInput ? " and degree [N]" : ""), sides divisible by \(1 << student.config.levels)")
        }
    }
}
