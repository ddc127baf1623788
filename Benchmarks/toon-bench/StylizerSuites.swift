import ToonCore
import ToonNN
import Stylizer

// The stylizer suite of toon-bench: the student network's frames per second (inference, batch 1)
// at the sizes video runs at, with random weights.

func stylizerFrames(_ options: Options) -> [Row] {
    let student = StudentNetwork(StudentConfig())
    let parameters = student.spec.initialize(seed: 1)
    return options.resolutions.map { side in
        let frame = Tensor.randomUniform(shape: [1, 3, side, side], in: -1..<1, seed: 2)
        return measure("student \(side) (per frame)", flops: 0, runs: options.runs) {
            _ = withoutGradients { student(frame, parameters) }
        }
    }
}
