import ArgumentParser
import Foundation
import StyleGAN

/// `--translate X,Y` and `--rotate DEG`: the StyleGAN3 user transform, as NVLabs' gen_images.py
/// takes it (translation in image widths, rotation in degrees).
struct TransformOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("StyleGAN3: move the image content by X,Y (in image widths, e.g. 0.3,-0.2).", valueName: "X,Y"))
    var translate: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("StyleGAN3: rotate the image content by this many degrees.", valueName: "deg"))
    var rotate: Double?

    func validate() throws {
        _ = try transform()
    }

    /// The transform the flags ask for (identity when neither is given).
    func transform() throws -> ImageTransform {
        var t = ImageTransform()
        if let translate { (t.translateX, t.translateY) = try parsePair(translate, option: "--translate") }
        if let rotate {
            guard rotate.isFinite else { throw ValidationError("--rotate must be a finite number of degrees, got \(rotate)") }
            t.rotateDegrees = rotate
        }
        return t
    }

    var isRequested: Bool { translate != nil || rotate != nil }

    /// `generator` with the transform applied; a usage problem on a StyleGAN2 network.
    func apply(to generator: Generator, network: String) throws -> Generator {
        guard isRequested else { return generator }
        guard generator.config.isStyleGAN3 else {
            throw UsageProblem("\(network): --translate and --rotate need a StyleGAN3 network; this one is \(generator.config.generation)")
        }
        return try generator.transformed(transform())
    }
}

/// `X,Y` as two finite numbers.
func parsePair(_ text: String, option: String) throws -> (Double, Double) {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count == 2, let x = Double(parts[0].trimmingCharacters(in: .whitespaces)),
          let y = Double(parts[1].trimmingCharacters(in: .whitespaces)), x.isFinite, y.isFinite else {
        throw ValidationError("\(option) takes X,Y (two numbers, e.g. 0.3,-0.2), got '\(text)'")
    }
    return (x, y)
}
