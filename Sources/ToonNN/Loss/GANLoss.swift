import ToonCore

/// StyleGAN2's losses: the non-saturating logistic GAN loss and the R1 gradient penalty.
public enum GANLoss {
    /// Generator loss: mean softplus(-D(G(z))).
    public static func generator(fakeLogits: Tensor) -> Tensor {
        (-fakeLogits).softplus().mean()
    }

    /// Discriminator loss: mean softplus(D(fake)) + mean softplus(-D(real)).
    public static func discriminator(fakeLogits: Tensor, realLogits: Tensor) -> Tensor {
        discriminatorFake(fakeLogits) + discriminatorReal(realLogits)
    }

    /// The discriminator loss's fake half, mean softplus(D(fake)) (NVLabs' Dgen).
    public static func discriminatorFake(_ fakeLogits: Tensor) -> Tensor {
        fakeLogits.softplus().mean()
    }

    /// The discriminator loss's real half, mean softplus(-D(real)) (NVLabs' Dreal).
    public static func discriminatorReal(_ realLogits: Tensor) -> Tensor {
        (-realLogits).softplus().mean()
    }

    /// R1 penalty: mean over the batch of |dD(real)/d real|^2, built with `createGraph` so the
    /// penalty itself can be differentiated with respect to D's parameters. `reals` must require
    /// gradients and `realLogits` be computed from it.
    public static func r1Penalty(realLogits: Tensor, reals: Tensor) -> Tensor {
        let g = gradients(of: realLogits.sum(), wrt: [reals], createGraph: true)[0]
        return g.square().sum(axes: Array(1..<g.rank)).mean()
    }
}
