#if Studio
import BuiltInModels
import Foundation
import StyleGAN
import ToonCore
import ToonIO

/// Each style's sample grid, made once when first asked for: seeds 0-3 at psi 0.7 in a 2x2 grid for a
/// generator; for a student, the built-in base's grid through it.
final class ThumbnailCache: @unchecked Sendable {
    private var images: [String: Image] = [:]
    private let lock = NSLock()

    func image(for style: Style, work: StudioWork) throws -> Image {
        if let held = lock.withLock({ images[style.id] }) { return held }
        let made: Image
        if style.can(.generate) {
            made = try Self.grid(try work.generator(style))
        } else {
            guard let base = work.catalog.styles.first(where: { $0.builtIn && $0.id == BuiltInModel.toonifyPair.base.rawValue }) else {
                throw StudioError(.notFound, "style '\(style.id)' has no thumbnail (the built-in base model is not installed)")
            }
            let student = try work.student(style)
            made = try student.stylize(try Self.grid(try work.generator(base)), degree: student.config.degreeInput ? 1 : nil)
        }
        lock.withLock { images[style.id] = made }
        return made
    }

    static func grid(_ generator: Generator) throws -> Image {
        let options = SamplingOptions(truncation: generator.truncation(psi: 0.7, cutoff: nil), noise: .const)
        var cells: [RGBFrame] = []
        try generator.generate(seeds: [0, 1, 2, 3], options: options) { _, images in cells.append(try RGBFrame(tensor: images)) }
        return Image(frame: try ImageGrid.compose(cells, layout: GridLayout(rows: 2, columns: 2)!))
    }
}
#endif
