import ArgumentParser
import BuiltInModels
import Faces
import Foundation
import StyleGAN
import ToonCore
import ToonIO
import Toonify

/// `toon toonify`: a photo's faces as cartoons (project on the base, draw with the blend).
struct ToonifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toonify",
        abstract: "Turn the faces in a photo into cartoons: align, project on a base model, draw with its blended cartoon fine-tune.",
        discussion: """
            Each face is projected into the base (photo) model's W (toon project's
            algorithm) and drawn by the blend of the base and its styled fine-tune
            (toon blend's rule) at --degree: 0 is the photo model's own image of the
            face, 1 the full cartoon. Without --base/--styled the built-in pair is used:
            a base trained on the synth 'shaded' faces and its fine-tune on 'anime'
            faces, 64 px, which works on toon dataset synth --style shaded images.
            Real photos need a real-face base (FFHQ config-f) and its cartoon fine-tune
            (e.g. Pinkney's toonify models), which ToonKit does not ship.

            Faces are found and aligned as toon align does (dlib's CNN face
            detector or --detector, dlib's 68 landmarks or --landmarks, FFHQ's
            alignment at the base's resolution);
            every face is toonified. With --aligned the photo is taken as one face
            already aligned (centred square, as toon align makes it; synth images are).

            Writes, in --out, per face K of PHOTO: PHOTO_faceK_toon.png (the cartoon),
            PHOTO_faceK_proj.png (the base's reconstruction), PHOTO_faceK_w.npy; with
            --paste-back, PHOTO_toon.png: the photo with every cartoon face put back
            (feathered, colours matched). Several degrees (--degree 0,0.5,1) come from
            one projection: PHOTO_faceK_toon_d0.50.png ... and PHOTO_faceK_strip.png
            (left to right). A photo with no face: one line, exit 2.

            Examples:
              toon dataset synth --count 4 --resolution 64 --style shaded --out s.zip
              toon toonify face.png --aligned --degree 0.7 --out toons
              toon toonify photo.jpg --base ffhq.pkl --styled toons.pt --swap-res 32 \\
                  --vgg16 vgg16-397923af.pth --lpips vgg.pth --paste-back --out toons
            """
    )

    @Argument(help: ArgumentHelp("The photo: PNG or JPEG.", valueName: "photo"), completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var photo: String
    @Option(help: ArgumentHelp("Base (photo) generator; default the built-in shaded64.", valueName: "file")) var base: String?
    @Option(help: ArgumentHelp("Styled fine-tune of the base; default the built-in shaded64-anime.", valueName: "file")) var styled: String?
    @Option(name: .customLong("swap-res"), parsing: .unconditional, help: "First resolution drawn by the styled model (default: a quarter of the output).")
    var swapResolution: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("How cartoon: 0 the photo model, 1 the full blend; several (0,0.5,1) draw a strip from one projection.",
                                                        valueName: "list")) var degree: String = "1"
    @Option(parsing: .unconditional, help: "Projection steps.") var steps: Int = 300
    @Option(parsing: .unconditional, help: "Seed of the projection's noise.") var seed: UInt32 = 303
    @Flag(help: "The photo is one aligned face: no detection.") var aligned = false
    @Flag(name: .customLong("paste-back"), help: "Also write the photo with each cartoon face put back.") var pasteBack = false
    @Option(help: ArgumentHelp("torchvision's VGG16 weights, vgg16-397923af.pth (LPIPS loss).", valueName: "file")) var vgg16: String?
    @Option(help: ArgumentHelp("The lpips package's VGG linear weights, weights/v0.1/vgg.pth.", valueName: "file")) var lpips: String?
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"), completion: .directory) var out: String
    @OptionGroup var models: FaceModelOptions

    func validate() throws {
        if (base == nil) != (styled == nil) { throw ValidationError("--base and --styled go together") }
        _ = try degrees()
        if !(1...100_000).contains(steps) { throw ValidationError("--steps must be in 1...100000, not \(steps)") }
        if (vgg16 == nil) != (lpips == nil) { throw ValidationError("--vgg16 and --lpips go together (LPIPS needs both files)") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            try plan.read(photo)
            let pair = try modelFiles()
            try plan.read(pair.base)
            try plan.read(pair.styled)
            if let vgg16, let lpips { try plan.read(vgg16); try plan.read(lpips) }
            if !aligned { try models.register(in: &plan) }
            let stem = URL(fileURLWithPath: photo).deletingPathExtension().lastPathComponent
            let degrees = try degrees(), naming = DegreeNames(degrees)
            let names = degrees.map { stem + "_face0_toon\(naming.suffix($0)).png" } + ["_face0_proj.png", "_face0_w.npy"].map { stem + $0 }
                + (pasteBack ? degrees.map { stem + "_toon\(naming.suffix($0)).png" } : []) + (naming.several ? [stem + "_face0_strip.png"] : [])
            try plan.writeFolder(out, names: names)
            let image = try Image.readUpright(from: URL(fileURLWithPath: photo))
            let baseModel = try NetworkOption.load(pair.base), styledModel = try NetworkOption.load(pair.styled)
            let resolution = baseModel.config.imageResolution
            try plan.requireMemory(MemoryEstimate.projection(baseModel.config), for: "projecting on a \(resolution)px network")
            let blend = Blend.Settings(swapResolution: swapResolution ?? Blend.Settings.defaultSwapResolution(outputResolution: resolution), degree: degrees[0])
            do { try blend.validate() } catch { throw UsageProblem("\(error)") }
            var projection = ProjectionSettings()
            projection.steps = steps
            projection.seed = seed
            let faces = try findFaces(in: image, resolution: resolution)
            guard !faces.isEmpty else {
                FileHandle.standardError.write(Data("toon: \(photo): no face found\n".utf8))
                throw ExitCode(2)
            }
            let objective = try Project.objective(vgg16: vgg16, lpips: lpips)
            let toonifier = try Toonifier(base: baseModel, styled: styledModel, blend: blend, objective: objective, projection: projection)
            let folder = try plan.createFolder(out)

            let progress = ProgressLine("Projecting", total: faces.count * steps, unit: "steps")
            var composites = degrees.map { _ in image }
            for (k, face) in faces.enumerated() {
                let result = try toonifier.toonify(ProjectionTarget.tensor(from: face.image, resolution: resolution)) {
                    progress.update(k * steps + $0.index)
                }
                let name = "\(stem)_face\(k)"
                var strip: [RGBFrame] = []
                for (i, d) in degrees.enumerated() {
                    let cartoon = try toonifier.cartoon(result.ws, degree: d)
                    try ImageFileFormat.png.write(cartoon, to: folder.appendingPathComponent(name + "_toon\(naming.suffix(d)).png"))
                    if naming.several { strip.append(try RGBFrame(tensor: cartoon)) }
                    if pasteBack { composites[i] = PasteBack().composite(try Image(tensor: cartoon, range: -1...1), into: composites[i], quad: face.quad) }
                }
                if naming.several {
                    try Image(frame: try ImageGrid.compose(strip, rows: 1, columns: strip.count)).write(to: folder.appendingPathComponent(name + "_strip.png"))
                }
                try ImageFileFormat.png.write(result.reconstruction, to: folder.appendingPathComponent(name + "_proj.png"))
                try NPY.write(result.ws, to: folder.appendingPathComponent(name + "_w.npy"))
            }
            progress.clear()
            if pasteBack {
                for (d, composite) in zip(degrees, composites) { try composite.write(to: folder.appendingPathComponent(stem + "_toon\(naming.suffix(d)).png")) }
            }
            let degreeText = degrees.map { String(format: "%g", $0) }.joined(separator: ", ")
            print("\(folder.path): \(faces.count) face\(faces.count == 1 ? "" : "s") toonified at degree\(naming.several ? "s" : "") \(degreeText) (\(steps) projection steps each)")
        }
    }

    /// The faces to toonify, each aligned at `resolution` with its square in the photo: the photo
    /// itself with --aligned, else those toon align finds.
    func findFaces(in image: Image, resolution: Int) throws -> [PhotoFace] {
        try Self.faces(in: image, resolution: resolution, aligned: aligned, models: models)
    }

    /// `findFaces` for any command with the same --aligned flag and face model options.
    static func faces(in image: Image, resolution: Int, aligned: Bool, models: FaceModelOptions) throws -> [PhotoFace] {
        if aligned { return [PhotoFace.aligned(image)] }
        return PhotoFace.detected(in: image, aligner: try models.aligner(PhotoFace.alignment(resolution: resolution)))
    }

    /// The --degree values, each in 0...1.
    func degrees() throws -> [Double] { try Self.parseDegrees(degree) }

    /// A --degree list: numbers in 0...1, comma-separated, differing in their first two decimals.
    static func parseDegrees(_ degree: String) throws -> [Double] {
        let items = degree.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = try items.map { item in
            guard let value = Double(item), value.isFinite, (0...1).contains(value) else {
                throw ValidationError("--degree must be numbers in 0...1, comma-separated, not '\(degree)'")
            }
            return value
        }
        let names = values.map { DegreeNames(values).suffix($0) }
        if Set(names).count < names.count { throw ValidationError("--degree values must differ in their first two decimals: '\(degree)'") }
        return values
    }

    /// The pair's files: both given, or the built-in pair.
    func modelFiles() throws -> (base: String, styled: String) { try Self.modelFiles(base: base, styled: styled) }

    /// `base` and `styled` when given (both or neither), else the built-in toonify pair's files.
    static func modelFiles(base: String?, styled: String?) throws -> (base: String, styled: String) {
        if let base, let styled { return (base, styled) }
        let pair = BuiltInModel.toonifyPair
        guard let b = pair.base.url?.path, let s = pair.styled.url?.path else {
            throw RunFailure("the built-in toonify pair (\(pair.base.rawValue), \(pair.styled.rawValue)) is not installed beside this toon; give --base and --styled")
        }
        return (b, s)
    }
}

/// File-name suffixes for the degrees: none for one degree, `_d0.50` for each of several.
struct DegreeNames {
    let several: Bool

    init(_ degrees: [Double]) { several = degrees.count > 1 }

    func suffix(_ degree: Double) -> String { several ? String(format: "_d%.2f", degree) : "" }
}

