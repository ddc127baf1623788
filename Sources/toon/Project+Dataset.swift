import Datasets
import Foundation
import StyleGAN
import ToonCore
import ToonIO
import Toonify

/// `toon project --data`: a dataset's first images projected one by one, for fitting attribute
/// directions to their labels.
extension Project {
    func projectDataset(_ path: String, plan: RunPlan, generator: Generator, objective: ProjectionObjective,
                        settings: ProjectionSettings) throws {
        let dataset = try ImageDataset(contentsOf: URL(fileURLWithPath: path))
        let resolution = generator.config.imageResolution
        guard dataset.resolution == resolution else {
            throw UsageProblem("\(path): \(dataset.resolution)px images, the network makes \(resolution)px")
        }
        let n = min(count ?? dataset.count, dataset.count)
        let projector = try Projector(generator: generator, objective: objective, settings: settings)
        let folder = try plan.createFolder(out)
        let progress = ProgressLine("Projecting", total: n * settings.steps, unit: "steps")
        var latents: [Tensor] = [], shown: [RGBFrame] = [], projections: [RGBFrame] = [], distance = 0.0
        for i in 0..<n {
            let target = dataset.batch([i], mirrored: [false])
            let result = try projector.project(target) { progress.update(i * settings.steps + $0.index) }
            latents.append(result.ws)
            distance += result.distance
            if i < 8 {
                shown.append(try RGBFrame(tensor: target))
                projections.append(try RGBFrame(tensor: projector.image(result.ws)))
            }
        }
        progress.clear()
        try NPY.write(Tensor.concatenate(latents, axis: 0), to: folder.appendingPathComponent("projected_ws.npy"))
        if let labels = dataset.labels(Array(0..<n)) { try NPY.write(labels, to: folder.appendingPathComponent("labels.npy")) }
        let grid = try ImageGrid.compose(shown + projections, rows: 2, columns: shown.count)
        try Image(frame: grid).write(to: folder.appendingPathComponent("proj-grid.png"))
        print(String(format: "%@: %d images, mean distance %.4f after %d steps (%@)", folder.appendingPathComponent("projected_ws.npy").path,
                     n, distance / Double(n), settings.steps, objective.name))
    }
}
