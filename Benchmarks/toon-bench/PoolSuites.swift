import Foundation
import ToonCore
import StyleGAN

// The alternate suite of toon-bench: config-f generators of different sizes in one process, as a
// server with several models runs them. Each configuration is timed alone (its own warm-up, then
// `runs` calls), then all of them in turn, round after round; a call that finds the reusable blocks
// taken by the other sizes maps fresh pages, and the "fresh MB" column counts them per call.

func alternatingGenerators(_ options: Options) -> [Row] {
    let configurations = [(1024, 4), (256, 1), (512, 2)]
    let generators = configurations.map { resolution, _ in
        let config = GeneratorConfig(imageResolution: resolution)
        return try! Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
    }
    let latents = configurations.map { Tensor.randomNormal(shape: [$0.1, 512], seed: 0) }
    func call(_ index: Int) -> (seconds: Double, mappedMB: Double) {
        let mapped = StoragePool.mappedBytes
        let start = DispatchTime.now().uptimeNanoseconds
        _ = generators[index](z: latents[index])
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (seconds, Double(StoragePool.mappedBytes - mapped) / 1e6)
    }
    func name(_ index: Int) -> String { "G \(configurations[index].0) b\(configurations[index].1)" }
    var rows: [Row] = []
    for index in configurations.indices {
        _ = ComputeConfiguration.releaseReusableMemory()
        _ = call(index)  // warm-up
        let calls = (0..<options.runs).map { _ in call(index) }
        rows.append(Row(name: "\(name(index)) alone", flops: 0, seconds: calls.map(\.seconds), mappedMB: calls.map(\.mappedMB).max()))
    }
    _ = ComputeConfiguration.releaseReusableMemory()
    for index in configurations.indices { _ = call(index) }  // warm-up round
    var alternating = configurations.map { _ in [(seconds: Double, mappedMB: Double)]() }
    for _ in 0..<options.runs {
        for index in configurations.indices { alternating[index].append(call(index)) }
    }
    for index in configurations.indices {
        rows.append(Row(name: "\(name(index)) alternating", flops: 0, seconds: alternating[index].map(\.seconds),
                        mappedMB: alternating[index].map(\.mappedMB).max()))
    }
    return rows
}
