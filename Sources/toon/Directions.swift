import ArgumentParser
import Datasets
import Foundation
import StyleGAN
import ToonCore
import ToonIO

/// `toon directions`: attribute directions in W fitted to labelled latents.
struct Directions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit attribute directions in W to labelled latents, for toon edit --direction FILE:K.",
        discussion: """
            The latents ([N, wDim], or w+ [N, numWs, wDim], averaged over layers) and
            their labels ([N, L]) usually come from toon project --data on a labelled
            dataset (projected_ws.npy and labels.npy). For a 0/1 label the direction is
            the difference of the two classes' mean w; for any other label, the ridge
            regression of the label on w. Each is unit length and points where the label
            grows; row K of --out is the K-th --attribute. The command prints how well
            each direction explains its label: the correlation of w . direction with the
            label on every fifth latent, left out of a second fit (10 latents or more).

            Attributes are label columns by index, or, for the synth sets' 32 labels,
            by name: hair.short ... hair.ponytail, hair.r/g/b, hair.anime, skin.r/g/b,
            eyes.round/almond/narrow, eyes.size, eyes.spacing, iris.r/g/b,
            mouth.neutral/smile/open, pose.yaw, pose.roll, head.width, head.height,
            head.jaw, fringe, blush (docs/datasets.md).

            Example:
              toon project --data anime64.zip --count 300 --steps 300 --out labelled
              toon directions --latents labelled/projected_ws.npy \\
                  --labels labelled/labels.npy --attribute mouth.smile,pose.yaw \\
                  --out dirs.npy
              toon edit --seeds 0-3 --direction dirs.npy:0 --strength -4,0,4 \\
                  --grid --outdir out
            """
    )

    @Option(help: ArgumentHelp("Latents: [N, wDim] or [N, numWs, wDim] .npy.", valueName: "file"), completion: .file(extensions: ["npy"]))
    var latents: String
    @Option(help: ArgumentHelp("Labels: [N, L] .npy, one row per latent.", valueName: "file"), completion: .file(extensions: ["npy"]))
    var labels: String
    @Option(help: ArgumentHelp("Label columns, by index or synth name, comma-separated.", valueName: "list")) var attribute: String
    @Option(help: ArgumentHelp("Output .npy of [count, wDim] directions.", valueName: "file"), completion: .file(extensions: ["npy"]))
    var out: String

    func validate() throws {
        if attribute.split(separator: ",", omittingEmptySubsequences: false).contains(where: { $0.isEmpty }) {
            throw ValidationError("--attribute has an empty entry: '\(attribute)'")
        }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.read(latents)
            try plan.read(labels)
            try plan.write(out)
            let w = try FloatArrayFile.read(latents, kind: "a latents file")
            let y = try FloatArrayFile.read(labels, kind: "a labels file")
            guard w.rank == 2 || w.rank == 3 else { throw RunFailure("\(latents): shape \(w.shape); latents are [N, wDim] or [N, numWs, wDim]") }
            guard y.rank == 2, y.shape[0] == w.shape[0] else {
                throw RunFailure("\(labels): shape \(y.shape); the labels of \(w.shape[0]) latents are [\(w.shape[0]), L]")
            }
            let flat = w.rank == 3 ? w.mean(axes: [1]) : w
            let columns = try Self.columns(attribute, labelCount: y.shape[1])
            var rows: [Tensor] = []
            for (name, column) in columns {
                let values = y.slice(axis: 1, column..<(column + 1)).contiguous().scalars.map(Double.init)
                let fit = try AttributeDirection.fit(latents: flat, labels: values)
                rows.append(Tensor(shape: [1, fit.vector.count], scalars: fit.vector.map(Float.init)))
                let check = fit.heldOutCorrelation.map { String(format: "held-out correlation %.3f", $0) } ?? "too few latents for a held-out check"
                print("\(rows.count - 1)  \(name)  \(fit.binary ? "class means" : "regression"), \(check)")
            }
            try NPY.write(Tensor.concatenate(rows, axis: 0), to: URL(fileURLWithPath: out))
        }
    }

    /// The label columns named in `list`: indices, or the synth sets' label names.
    static func columns(_ list: String, labelCount: Int) throws -> [(String, Int)] {
        try list.split(separator: ",").map { item in
            let text = String(item)
            if let index = Int(text) {
                guard (0..<labelCount).contains(index) else { throw UsageProblem("--attribute \(index): the labels have columns 0-\(labelCount - 1)") }
                return (text, index)
            }
            guard labelCount == FaceRenderer.labelDimension, let index = FaceRenderer.labelNames.firstIndex(of: text) else {
                throw UsageProblem("--attribute \(text): not a column index\(labelCount == FaceRenderer.labelDimension ? " or a synth label name (see --help)" : "; names are for the synth sets' 32 labels")")
            }
            return (text, index)
        }
    }
}
