import ToonCore
import ToonNN

/// The adversarial loss's critic during distillation: the patch discriminator, its weights and its
/// optimiser. It learns each step after the student (NVLabs' Gmain then Dmain order), with the R1
/// penalty on the teacher's cartoons every `r1Interval` steps.
public struct DistillCritic: Sendable {
    public let network: PatchDiscriminator
    public internal(set) var parameters: ParameterStore
    public internal(set) var optimizer: Adam

    /// A new critic for students of `config`, with initial weights from `settings.seed + 1`.
    init(for config: StudentConfig, settings: DistillSettings) {
        network = Self.network(for: config, settings: settings)
        parameters = network.spec.initialize(seed: settings.seed &+ 1)
        optimizer = settings.criticOptimizer
    }

    /// A resumed critic; its parameters must be exactly the network's.
    init(for config: StudentConfig, settings: DistillSettings, parameters: ParameterStore, optimizer: Adam) throws(ParameterMismatch) {
        network = Self.network(for: config, settings: settings)
        try network.spec.validate(parameters)
        self.parameters = parameters
        self.optimizer = optimizer
    }

    private static func network(for config: StudentConfig, settings: DistillSettings) -> PatchDiscriminator {
        PatchDiscriminator(inputChannels: config.inputChannels + 3, width: settings.criticWidth, levels: config.levels)
    }

    /// The critic's logits for `cartoon` beside `condition` (the student's input planes).
    func logits(_ condition: Tensor, _ cartoon: Tensor, _ p: ParameterStore) -> Tensor {
        network(PatchDiscriminator.pair(condition: condition, cartoon: cartoon), p)
    }

    /// One step on the student's `fakes` against the teacher's `reals`: the logistic loss, and the R1
    /// penalty when `regularize`. Returns the loss and the penalty (nil when not taken).
    mutating func learn(condition: Tensor, fakes: Tensor, reals: Tensor, regularize: Bool, settings: DistillSettings)
        -> (loss: Float, r1: Float?) {
        let network = self.network
        var leaves = parameters.requiringGrad()
        let (loss, grads) = withGradients { () -> (Float, [String: Tensor]) in
            let fakeLogits = network(PatchDiscriminator.pair(condition: condition, cartoon: fakes), leaves)
            let realLogits = network(PatchDiscriminator.pair(condition: condition, cartoon: reals), leaves)
            let loss = GANLoss.discriminator(fakeLogits: fakeLogits, realLogits: realLogits)
            return (loss.scalar, leaves.gradients(of: loss, leaves: leaves))
        }
        optimizer.step(&parameters, gradients: grads)
        guard regularize, settings.r1Gamma > 0 else { return (loss, nil) }
        leaves = parameters.requiringGrad()
        let (penalty, r1Grads) = withGradients { () -> (Float, [String: Tensor]) in
            let x = reals.requiringGrad()
            // One logit per image (the patches' mean), so gamma means what it means for StyleGAN2.
            let logits = network(PatchDiscriminator.pair(condition: condition, cartoon: x), leaves).mean(axes: [1, 2, 3])
            let penalty = GANLoss.r1Penalty(realLogits: logits, reals: x)
            let weighted = penalty * (settings.r1Gamma / 2 * Float(settings.r1Interval))
            return (penalty.scalar, leaves.gradients(of: weighted, leaves: leaves))
        }
        optimizer.step(&parameters, gradients: r1Grads)
        return (loss, penalty)
    }
}
